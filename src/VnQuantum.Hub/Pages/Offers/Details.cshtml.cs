using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Notices;

namespace VnQuantum.Hub.Pages.Offers;

/// <summary>
/// One post. Everybody sees it while it is live; its author and the network admins see it in every state. A signed-in
/// member may express interest; the author's e-mail is shown to them only once the author accepts.
/// </summary>
[AllowAnonymous]
public sealed class DetailsModel(UserManager<HubUser> users, HubDbContext db, PostNotices notices) : PageModel
{
    public Offer Offer { get; private set; } = null!;

    public bool Mine { get; private set; }

    public Interest? MyInterest { get; private set; }

    /// <summary>The author's name, for a post made as an individual and a signed-in reader (the public sees "individual").</summary>
    public string? AuthorName { get; private set; }

    /// <summary>The author's e-mail, present only for a member whose interest was accepted.</summary>
    public string? Contact { get; private set; }

    [BindProperty]
    [Required(ErrorMessage = "offers.message.required")]
    [StringLength(2000)]
    public string Message { get; set; } = string.Empty;

    public async Task<IActionResult> OnGetAsync(int id) => await Load(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostInterestAsync(int id)
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return Challenge();
        }

        if (!await Load(id) || Mine || !Offer.IsLive(DateTime.UtcNow))
        {
            return NotFound();
        }

        if (!ModelState.IsValid || MyInterest is not null)
        {
            return Page();
        }

        MyInterest = new Interest { OfferId = id, FromUserId = users.GetUserId(User)!, Message = Message.Trim().Normalize(), CreatedAt = DateTime.UtcNow };
        db.Interests.Add(MyInterest);
        await db.SaveChangesAsync();
        await notices.SendAsync(Offer.OwnerId, NoticeKind.InterestReceived, Offer, Request, HttpContext.RequestAborted);
        return RedirectToPage(new { id });
    }

    private async Task<bool> Load(int id)
    {
        var offer = await db.Offers.AsNoTracking().Include(o => o.Organisation).FirstOrDefaultAsync(o => o.Id == id);
        string? me = users.GetUserId(User);
        if (offer is null || !(offer.IsLive(DateTime.UtcNow) || offer.OwnerId == me || User.IsInRole(HubRoles.NetworkAdmin)))
        {
            return false;
        }

        Offer = offer;
        Mine = offer.OwnerId == me;
        if (me is not null && offer.OrganisationId is null)
        {
            AuthorName = await db.Users.Where(u => u.Id == offer.OwnerId).Select(u => u.Person!.Name).SingleOrDefaultAsync();
        }
        if (me is not null && !Mine)
        {
            MyInterest = await db.Interests.AsNoTracking().FirstOrDefaultAsync(i => i.OfferId == id && i.FromUserId == me);
            if (MyInterest?.State == InterestState.Accepted)
            {
                Contact = await db.Users.Where(u => u.Id == offer.OwnerId).Select(u => u.Email).SingleAsync();
            }
        }

        return true;
    }
}
