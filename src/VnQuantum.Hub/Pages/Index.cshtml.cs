using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages;

/// <summary>The network at a glance: its size, the next events and the newest matchmaking posts.</summary>
[AllowAnonymous]
public sealed class IndexModel(HubDbContext db, IMemoryCache cache) : PageModel
{
    /// <summary>What the home page shows; a few seconds old at most, so the busiest page does not query on every visit.</summary>
    public sealed record Summary(int People, int Organisations, int Projects, bool Sample, IReadOnlyList<HubEvent> Events, IReadOnlyList<Offer> Offers);

    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(10);

    public Summary Network { get; private set; } = null!;

    public async Task OnGetAsync()
    {
        Network = (await cache.GetOrCreateAsync("home", async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Freshness;
            var now = DateTime.UtcNow;
            return new Summary(
                await db.People.CountAsync(p => p.Public),
                await db.Organisations.CountAsync(),
                await db.Projects.CountAsync(),
                await db.People.AnyAsync(p => p.Sample),
                await db.Events.AsNoTracking().Where(e => e.EndsAt >= now).OrderBy(e => e.StartsAt).Take(3).ToListAsync(),
                await db.Offers.AsNoTracking().Include(o => o.Organisation).Where(o => o.State == OfferState.Published && o.ExpiresAt > now).OrderByDescending(o => o.PublishedAt).Take(3).ToListAsync());
        }))!;
    }
}
