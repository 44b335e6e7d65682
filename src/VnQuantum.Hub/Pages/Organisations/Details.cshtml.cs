using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Organisations;

/// <summary>An organisation: what it offers and seeks, its members and projects; its admins edit it and name other admins.</summary>
[AllowAnonymous]
public sealed class DetailsModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    public Organisation Organisation { get; private set; } = null!;

    public IReadOnlyList<Person> Members { get; private set; } = [];

    public IReadOnlyList<Project> Projects { get; private set; } = [];

    public IReadOnlyList<string> AdminEmails { get; private set; } = [];

    public bool CanManage { get; private set; }

    /// <summary>People asking to join, for the organisation's admins.</summary>
    public IReadOnlyList<Person> Requests { get; private set; } = [];

    public string? Problem { get; private set; }

    [BindProperty]
    [StringLength(500)]
    public string? Offers { get; set; }

    [BindProperty]
    [StringLength(500)]
    public string? Seeks { get; set; }

    [BindProperty]
    public string? AdminEmail { get; set; }

    public async Task<IActionResult> OnGetAsync(int id) => await Load(id) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(int id)
    {
        if (!await Load(id))
        {
            return NotFound();
        }

        if (!CanManage)
        {
            return Forbid();
        }

        var organisation = await db.Organisations.SingleAsync(o => o.Id == id);
        organisation.Offers = Offers?.Trim().Normalize() ?? string.Empty;
        organisation.Seeks = Seeks?.Trim().Normalize() ?? string.Empty;
        await db.SaveChangesAsync();
        await SearchIndex.UpdateAsync(db, organisation);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostAddAdminAsync(int id)
    {
        if (!await Load(id))
        {
            return NotFound();
        }

        if (!CanManage)
        {
            return Forbid();
        }

        var user = string.IsNullOrWhiteSpace(AdminEmail) ? null : await users.FindByEmailAsync(AdminEmail.Trim());
        if (user is null)
        {
            Problem = text["organisations.noaccount"];
            return Page();
        }

        if (!await db.OrganisationAdmins.AnyAsync(a => a.OrganisationId == id && a.UserId == user.Id))
        {
            db.OrganisationAdmins.Add(new OrganisationAdmin { OrganisationId = id, UserId = user.Id });
            await db.SaveChangesAsync();
        }

        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveAdminAsync(int id, string email)
    {
        if (!await Load(id))
        {
            return NotFound();
        }

        if (!CanManage)
        {
            return Forbid();
        }

        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            await db.OrganisationAdmins.Where(a => a.OrganisationId == id && a.UserId == user.Id).ExecuteDeleteAsync();
        }

        return RedirectToPage(new { id });
    }

    public Task<IActionResult> OnPostApproveAsync(int id, int person) => Answer(id, person, approve: true);

    public Task<IActionResult> OnPostDeclineAsync(int id, int person) => Answer(id, person, approve: false);

    private async Task<IActionResult> Answer(int id, int personId, bool approve)
    {
        if (!await Load(id))
        {
            return NotFound();
        }

        if (!CanManage)
        {
            return Forbid();
        }

        var request = await db.MembershipRequests.Include(r => r.Person).FirstOrDefaultAsync(r => r.PersonId == personId && r.OrganisationId == id);
        if (request is null)
        {
            return NotFound();
        }

        if (approve)
        {
            request.Person!.OrganisationId = id;
            request.Person.Affiliation = Organisation.Name;
        }

        db.MembershipRequests.Remove(request);
        await db.SaveChangesAsync();
        if (approve)
        {
            await SearchIndex.UpdateAsync(db, await db.People.Include(p => p.Organisation).SingleAsync(p => p.Id == personId));
        }

        return RedirectToPage(new { id });
    }

    private async Task<bool> Load(int id)
    {
        var organisation = await db.Organisations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id);
        if (organisation is null)
        {
            return false;
        }

        Organisation = organisation;
        bool signedIn = User.Identity?.IsAuthenticated == true;
        Members = await db.People.AsNoTracking().Where(p => p.OrganisationId == id && (p.Public || signedIn)).OrderBy(p => p.Name).ToListAsync();
        Projects = await db.Projects.AsNoTracking().Where(p => p.Partners.Any(o => o.Id == id)).OrderBy(p => p.Title).ToListAsync();
        CanManage = await OrganisationAccess.CanManageAsync(db, User, users.GetUserId(User), id);
        if (CanManage)
        {
            Requests = await db.MembershipRequests.Where(r => r.OrganisationId == id).OrderBy(r => r.At).Select(r => r.Person!).ToListAsync();
            AdminEmails = await db.OrganisationAdmins.Where(a => a.OrganisationId == id).Join(db.Users, a => a.UserId, u => u.Id, (_, u) => u.Email!).OrderBy(e => e).ToListAsync();
            Offers ??= organisation.Offers;
            Seeks ??= organisation.Seeks;
        }

        return true;
    }
}
