using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Agreements;

/// <summary>Drafts an agreement for an organisation the member administers, or edits its draft; every save is in the trail.</summary>
public sealed class EditModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public int? Id { get; set; }

    [BindProperty]
    [Required(ErrorMessage = "common.title.required")]
    [StringLength(200)]
    public string Title { get; set; } = string.Empty;

    [BindProperty]
    [Required(ErrorMessage = "agreements.text.required")]
    [StringLength(20_000)]
    public string Text { get; set; } = string.Empty;

    [BindProperty]
    public int ProposerId { get; set; }

    [BindProperty]
    public int PartnerId { get; set; }

    public IReadOnlyList<Organisation> Administered { get; private set; } = [];

    public IReadOnlyList<Organisation> All { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        await LoadLists();
        if (Id is null)
        {
            return Administered.Count > 0 ? Page() : Forbid();
        }

        var draft = await Draft();
        if (draft is null)
        {
            return NotFound();
        }

        (Title, Text, ProposerId, PartnerId) = (draft.Title, draft.Text, draft.ProposerId, draft.PartnerId);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await LoadLists();
        if (!Administered.Any(o => o.Id == ProposerId))
        {
            return Forbid();
        }

        if (PartnerId == ProposerId || !All.Any(o => o.Id == PartnerId))
        {
            ModelState.AddModelError(nameof(PartnerId), text["agreements.partner.other"]);
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        var user = (await users.GetUserAsync(User))!;
        var agreement = Id is null ? null : await Draft();
        if (Id is not null && agreement is null)
        {
            return NotFound();
        }

        string action = agreement is null ? "drafted" : "edited";
        if (agreement is null)
        {
            agreement = new Agreement { Title = Title, Text = Text, CreatedAt = DateTime.UtcNow };
            db.Agreements.Add(agreement);
        }

        agreement.Title = Title.Trim().Normalize();
        agreement.Text = Text.Trim().Normalize();
        agreement.ProposerId = ProposerId;
        agreement.PartnerId = PartnerId;
        agreement.Trail.Add(new AgreementEntry { UserId = user.Id, UserEmail = user.Email!, Action = action, Detail = $"{agreement.Text.Length} characters", At = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return RedirectToPage("/Agreements/Details", new { id = agreement.Id });
    }

    /// <summary>A draft the member may edit: still a draft, and proposed by an organisation they administer.</summary>
    private async Task<Agreement?> Draft()
    {
        var mine = OrganisationAccess.Administered(db, users.GetUserId(User));
        return await db.Agreements.FirstOrDefaultAsync(a => a.Id == Id && a.State == AgreementState.Draft && mine.Contains(a.ProposerId));
    }

    private async Task LoadLists()
    {
        var mine = OrganisationAccess.Administered(db, users.GetUserId(User));
        Administered = await db.Organisations.AsNoTracking().Where(o => mine.Contains(o.Id)).OrderBy(o => o.Name).ToListAsync();
        All = await db.Organisations.AsNoTracking().OrderBy(o => o.Name).ToListAsync();
    }
}
