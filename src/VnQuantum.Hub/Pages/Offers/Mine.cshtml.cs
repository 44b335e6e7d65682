using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Notices;

namespace VnQuantum.Hub.Pages.Offers;

/// <summary>The member's own posts (with their review state and expiry), the interest received, and the interest sent.</summary>
public sealed class MineModel(UserManager<HubUser> users, HubDbContext db, PostNotices notices) : PageModel
{
    public IReadOnlyList<Offer> Posts { get; private set; } = [];

    /// <summary>Interest in the member's posts, with the sender's e-mail once accepted.</summary>
    public IReadOnlyList<(Interest Interest, string? Name, string? Email)> Received { get; private set; } = [];

    public IReadOnlyList<Interest> Sent { get; private set; } = [];

    public async Task OnGetAsync()
    {
        string me = users.GetUserId(User)!;
        Posts = await db.Offers.AsNoTracking().Where(o => o.OwnerId == me).OrderByDescending(o => o.CreatedAt).ToListAsync();
        var received = await db.Interests.AsNoTracking().Include(i => i.Offer).Where(i => i.Offer!.OwnerId == me).OrderByDescending(i => i.CreatedAt).ToListAsync();
        var senderIds = received.Select(i => i.FromUserId).Distinct().ToList();
        var senders = await db.Users.AsNoTracking().Include(u => u.Person).Where(u => senderIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id);
        Received = [.. received.Select(i => (i, senders[i.FromUserId].Person?.Name, i.State == InterestState.Accepted ? senders[i.FromUserId].Email : null))];
        Sent = await db.Interests.AsNoTracking().Include(i => i.Offer).Where(i => i.FromUserId == me).OrderByDescending(i => i.CreatedAt).ToListAsync();
    }

    public async Task<IActionResult> OnPostRenewAsync(int id)
    {
        string me = users.GetUserId(User)!;
        var offer = await db.Offers.FirstOrDefaultAsync(o => o.Id == id && o.OwnerId == me && o.State == OfferState.Published);
        if (offer is null)
        {
            return NotFound();
        }

        offer.ExpiresAt = DateTime.UtcNow + Offer.Lifetime;
        await db.SaveChangesAsync();
        await SearchIndex.UpdateAsync(db, offer);
        return RedirectToPage();
    }

    public Task<IActionResult> OnPostAcceptAsync(int id) => Answer(id, InterestState.Accepted);

    public Task<IActionResult> OnPostDeclineAsync(int id) => Answer(id, InterestState.Declined);

    private async Task<IActionResult> Answer(int interestId, InterestState answer)
    {
        string me = users.GetUserId(User)!;
        var interest = await db.Interests.Include(i => i.Offer).FirstOrDefaultAsync(i => i.Id == interestId && i.Offer!.OwnerId == me && i.State == InterestState.Pending);
        if (interest is null)
        {
            return NotFound();
        }

        interest.State = answer;
        await db.SaveChangesAsync();
        if (answer == InterestState.Accepted)
        {
            await notices.SendAsync(interest.FromUserId, NoticeKind.InterestAccepted, interest.Offer!, Request, HttpContext.RequestAborted);
        }
        return RedirectToPage();
    }
}
