using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Events;

/// <summary>Upcoming events first, then past ones; the whole list as one iCalendar feed.</summary>
[AllowAnonymous]
public sealed class IndexModel(HubDbContext db) : PageModel
{
    public IReadOnlyList<HubEvent> Upcoming { get; private set; } = [];

    public IReadOnlyList<HubEvent> Past { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var now = DateTime.UtcNow;
        var all = await db.Events.AsNoTracking().Include(e => e.Organisation).OrderBy(e => e.StartsAt).ToListAsync();
        Upcoming = [.. all.Where(e => e.EndsAt >= now)];
        Past = [.. all.Where(e => e.EndsAt < now).Reverse()];
    }
}
