using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Offers;

/// <summary>Writes a post as a draft and submits it for review. Only its author edits it, and only before publication.</summary>
public sealed class EditModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Id { get; set; }

    [BindProperty]
    public OfferKind Kind { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "common.title.required")]
    [StringLength(160)]
    public string Title { get; set; } = string.Empty;

    [BindProperty]
    [Required(ErrorMessage = "offers.description.required")]
    [StringLength(4000)]
    public string Description { get; set; } = string.Empty;

    [BindProperty]
    public Pillar Pillar { get; set; }

    [BindProperty]
    public int? OrganisationId { get; set; }

    public string? ReviewNote { get; private set; }

    public IReadOnlyList<Organisation> Organisations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadOrganisations();
        if (Id is null)
        {
            return Page();
        }

        var offer = await Editable();
        if (offer is null)
        {
            return NotFound();
        }

        (Kind, Title, Description, Pillar, OrganisationId, ReviewNote) = (offer.Kind, offer.Title, offer.Description, offer.Pillar, offer.OrganisationId, offer.ReviewNote);
        return Page();
    }

    public Task<IActionResult> OnPostSaveAsync() => Save(submit: false);

    public Task<IActionResult> OnPostSubmitAsync() => Save(submit: true);

    private async Task<IActionResult> Save(bool submit)
    {
        await LoadOrganisations();
        if (OrganisationId is { } organisation && !Organisations.Any(o => o.Id == organisation))
        {
            ModelState.AddModelError(nameof(OrganisationId), text["offers.notyours"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var offer = Id is null ? null : await Editable();
        if (Id is not null && offer is null)
        {
            return NotFound();
        }

        if (offer is null)
        {
            offer = new Offer { Title = Title, Description = Description, OwnerId = users.GetUserId(User)!, CreatedAt = DateTime.UtcNow };
            db.Offers.Add(offer);
        }

        offer.Kind = Kind;
        offer.Title = Title.Trim().Normalize();
        offer.Description = Description.Trim().Normalize();
        offer.Pillar = Pillar;
        offer.OrganisationId = OrganisationId;
        offer.State = submit ? OfferState.Submitted : OfferState.Draft;
        await db.SaveChangesAsync();
        return RedirectToPage("/Offers/Mine");
    }

    /// <summary>The author's own post while it is not yet published; anybody else's is as absent as an unknown id.</summary>
    private async Task<Offer?> Editable()
    {
        string me = users.GetUserId(User)!;
        return await db.Offers.FirstOrDefaultAsync(o => o.Id == Id && o.OwnerId == me && o.State != OfferState.Published);
    }

    private async Task LoadOrganisations()
    {
        var administered = OrganisationAccess.Administered(db, users.GetUserId(User));
        Organisations = await db.Organisations.AsNoTracking().Where(o => administered.Contains(o.Id)).OrderBy(o => o.Name).ToListAsync();
    }
}
