using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Offers;

/// <summary>The published, unexpired matchmaking posts.</summary>
[AllowAnonymous]
public sealed class IndexModel(HubDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public OfferKind? Kind { get; set; }

    public IReadOnlyList<Offer> Offers { get; private set; } = [];

    public async Task OnGetAsync()
    {
        var now = DateTime.UtcNow;
        var query = db.Offers.AsNoTracking().Include(o => o.Organisation).Where(o => o.State == OfferState.Published && o.ExpiresAt > now);
        if (Kind is { } kind)
        {
            query = query.Where(o => o.Kind == kind);
        }

        Offers = await query.OrderByDescending(o => o.PublishedAt).ToListAsync();
    }
}
