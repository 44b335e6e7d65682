using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Projects;

/// <summary>The network's projects with partners, status and outputs; admins of a partner may edit one.</summary>
[AllowAnonymous]
public sealed class IndexModel(UserManager<HubUser> users, HubDbContext db) : PageModel
{
    public IReadOnlyList<Project> Projects { get; private set; } = [];

    /// <summary>The organisations the reader administers (all, for a network admin): the projects they may edit.</summary>
    public IReadOnlyCollection<int> Managed { get; private set; } = [];

    public bool AllManaged { get; private set; }

    public async Task OnGetAsync()
    {
        Projects = await db.Projects.AsNoTracking().Include(p => p.Partners).OrderBy(p => p.Title).ToListAsync();
        AllManaged = User.IsInRole(HubRoles.NetworkAdmin);
        Managed = await OrganisationAccess.Administered(db, users.GetUserId(User)).ToListAsync();
    }

    public bool CanEdit(Project project) => OrganisationAccess.CanEditProject(User, project, Managed);
}
