using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.People;

[AllowAnonymous]
public sealed class IndexModel(HubDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public Pillar? Pillar { get; set; }

    public IReadOnlyList<Person> People { get; private set; } = [];

    public async Task OnGetAsync()
    {
        bool signedIn = User.Identity?.IsAuthenticated == true;
        var query = db.People.AsNoTracking().Include(p => p.Organisation).Where(p => p.Public || signedIn);
        if (Pillar is { } pillar)
        {
            query = query.Where(p => p.Pillar == pillar);
        }

        People = await query.OrderBy(p => p.Name).ToListAsync();
    }
}
