using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Agreements;

/// <summary>
/// One agreement and its audit trail. The proposer's admins propose a draft (freezing its text, recording its SHA-256
/// as their signature); the partner's admins sign that text or decline; either side withdraws before signing. To
/// anybody else the agreement is as absent as an unknown id.
/// </summary>
public sealed class DetailsModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    public Agreement Agreement { get; private set; } = null!;

    public bool ForProposer { get; private set; }

    public bool ForPartner { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id) => await Load(id) ? Page() : NotFound();

    public Task<IActionResult> OnPostProposeAsync(int id) => Act(id, a => ForProposer && a.State == AgreementState.Draft, a =>
    {
        a.State = AgreementState.Proposed;
        a.TextHash = Hash(a.Text);
        return ("proposed and signed for " + a.Proposer!.Name, "SHA-256 " + a.TextHash);
    });

    public Task<IActionResult> OnPostSignAsync(int id, string hash) => Act(id, a => ForPartner && a.State == AgreementState.Proposed, a =>
    {
        // The signature covers the text the partner read: a stale page (another text) is refused.
        if (hash != a.TextHash || Hash(a.Text) != a.TextHash)
        {
            Problem = text["agreements.changed"];
            return null;
        }

        a.State = AgreementState.Signed;
        return ("signed for " + a.Partner!.Name, "SHA-256 " + a.TextHash);
    });

    public Task<IActionResult> OnPostWithdrawAsync(int id) => Act(id, a => (ForProposer || ForPartner) && a.State is AgreementState.Draft or AgreementState.Proposed, a =>
    {
        a.State = AgreementState.Withdrawn;
        return ("withdrawn", null);
    });

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task<IActionResult> Act(int id, Func<Agreement, bool> allowed, Func<Agreement, (string Action, string? Detail)?> change)
    {
        if (!await Load(id))
        {
            return NotFound();
        }

        var agreement = await db.Agreements.Include(a => a.Proposer).Include(a => a.Partner).SingleAsync(a => a.Id == id);
        if (!allowed(agreement))
        {
            Problem = text["agreements.notallowed"];
            return Page();
        }

        if (change(agreement) is not { } entry)
        {
            return Page();
        }

        var user = (await users.GetUserAsync(User))!;
        agreement.Trail.Add(new AgreementEntry { UserId = user.Id, UserEmail = user.Email!, Action = entry.Action, Detail = entry.Detail, At = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return RedirectToPage(new { id });
    }

    private async Task<bool> Load(int id)
    {
        var agreement = await db.Agreements.AsNoTracking().Include(a => a.Proposer).Include(a => a.Partner).Include(a => a.Trail).FirstOrDefaultAsync(a => a.Id == id);
        if (agreement is null)
        {
            return false;
        }

        string? me = users.GetUserId(User);
        var mine = await OrganisationAccess.Administered(db, me).ToListAsync();
        ForProposer = mine.Contains(agreement.ProposerId);
        ForPartner = mine.Contains(agreement.PartnerId);
        if (!ForProposer && !ForPartner && !User.IsInRole(HubRoles.NetworkAdmin))
        {
            return false;
        }

        Agreement = agreement;
        return true;
    }
}
