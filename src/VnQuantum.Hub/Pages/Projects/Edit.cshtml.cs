using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Projects;

/// <summary>
/// Creates or edits a project. An admin of one of its partners edits it (a network admin any); a new project needs at
/// least one partner the member administers, and an edit may not drop the last one.
/// </summary>
public sealed class EditModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    public static readonly string[] Statuses = ["planned", "running", "finished"];

    [BindProperty(SupportsGet = true)]
    public int? Id { get; set; }

    [BindProperty]
    [Required]
    [StringLength(200)]
    public string Title { get; set; } = string.Empty;

    [BindProperty]
    [Required]
    [StringLength(4000)]
    public string Summary { get; set; } = string.Empty;

    [BindProperty]
    public Pillar Pillar { get; set; }

    [BindProperty]
    public string Status { get; set; } = "planned";

    [BindProperty]
    [StringLength(4000)]
    public string? Outputs { get; set; }

    [BindProperty]
    public List<int> Partners { get; set; } = [];

    public IReadOnlyList<Organisation> All { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        var managed = await Load();
        if (Id is null)
        {
            return managed.Count > 0 || User.IsInRole(HubRoles.NetworkAdmin) ? Page() : Forbid();
        }

        var project = await db.Projects.AsNoTracking().Include(p => p.Partners).FirstOrDefaultAsync(p => p.Id == Id);
        if (project is null || !CanEdit(project, managed))
        {
            return NotFound();
        }

        (Title, Summary, Pillar, Status, Outputs) = (project.Title, project.Summary, project.Pillar, project.Status, project.Outputs);
        Partners = [.. project.Partners.Select(o => o.Id)];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var managed = await Load();
        var project = Id is null ? null : await db.Projects.Include(p => p.Partners).FirstOrDefaultAsync(p => p.Id == Id);
        if (Id is not null && (project is null || !CanEdit(project, managed)))
        {
            return NotFound();
        }

        if (Id is null && managed.Count == 0 && !User.IsInRole(HubRoles.NetworkAdmin))
        {
            return Forbid();
        }

        var partners = All.Where(o => Partners.Contains(o.Id)).Select(o => o.Id).ToList();
        if (!User.IsInRole(HubRoles.NetworkAdmin) ? !partners.Any(managed.Contains) : partners.Count == 0)
        {
            ModelState.AddModelError(nameof(Partners), text["projects.partners.needed"]);
        }

        if (!Statuses.Contains(Status))
        {
            Status = "planned";
        }

        if (!ModelState.IsValid)
        {
            return Page();
        }

        if (project is null)
        {
            project = new Project { Title = Title, Summary = Summary };
            db.Projects.Add(project);
        }

        project.Title = Title.Trim().Normalize();
        project.Summary = Summary.Trim().Normalize();
        project.Pillar = Pillar;
        project.Status = Status;
        project.Outputs = string.Join('\n', (Outputs ?? string.Empty).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Normalize();
        project.Partners.Clear();
        project.Partners.AddRange(await db.Organisations.Where(o => partners.Contains(o.Id)).ToListAsync());
        await db.SaveChangesAsync();
        await SearchIndex.UpdateAsync(db, project);
        return RedirectToPage("/Projects/Index", null, $"project-{project.Id}");
    }

    private bool CanEdit(Project project, IReadOnlyCollection<int> managed) => OrganisationAccess.CanEditProject(User, project, managed);

    private async Task<IReadOnlyCollection<int>> Load()
    {
        All = await db.Organisations.AsNoTracking().OrderBy(o => o.Name).ToListAsync();
        return await OrganisationAccess.Administered(db, users.GetUserId(User)).ToListAsync();
    }
}
