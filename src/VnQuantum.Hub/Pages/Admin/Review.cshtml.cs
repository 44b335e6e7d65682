using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Notices;

namespace VnQuantum.Hub.Pages.Admin;

/// <summary>The network admins' review queue: publish a submitted post (starting its lifetime) or send it back with a reason.</summary>
public sealed class ReviewModel(HubDbContext db, PostNotices notices) : PageModel
{
    public IReadOnlyList<Offer> Queue { get; private set; } = [];

    [BindProperty]
    public string? Note { get; set; }

    public async Task OnGetAsync() =>
        Queue = await db.Offers.AsNoTracking().Include(o => o.Organisation).Where(o => o.State == OfferState.Submitted).OrderBy(o => o.CreatedAt).ToListAsync();

    public async Task<IActionResult> OnPostPublishAsync(int id)
    {
        var offer = await db.Offers.Include(o => o.Organisation).FirstOrDefaultAsync(o => o.Id == id && o.State == OfferState.Submitted);
        if (offer is null)
        {
            return NotFound();
        }

        offer.State = OfferState.Published;
        offer.PublishedAt = DateTime.UtcNow;
        offer.ExpiresAt = offer.PublishedAt + Offer.Lifetime;
        offer.ReviewNote = null;
        await db.SaveChangesAsync();
        await SearchIndex.UpdateAsync(db, offer);
        await notices.SendAsync(offer.OwnerId, NoticeKind.PostPublished, offer, Request, HttpContext.RequestAborted);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostRejectAsync(int id)
    {
        var offer = await db.Offers.FirstOrDefaultAsync(o => o.Id == id && o.State == OfferState.Submitted);
        if (offer is null)
        {
            return NotFound();
        }

        offer.State = OfferState.Rejected;
        offer.ReviewNote = string.IsNullOrWhiteSpace(Note) ? "Chưa đạt yêu cầu · Not suitable as written." : Note.Trim();
        await db.SaveChangesAsync();
        await notices.SendAsync(offer.OwnerId, NoticeKind.PostSentBack, offer, Request, HttpContext.RequestAborted);
        return RedirectToPage();
    }
}
