using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Accounts;

/// <summary>Who may act for an organisation: its admins, and the network admins.</summary>
public static class OrganisationAccess
{
    public static async Task<bool> CanManageAsync(HubDbContext db, ClaimsPrincipal user, string? userId, int organisationId)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(user);
        return userId is not null
            && (user.IsInRole(HubRoles.NetworkAdmin) || await db.OrganisationAdmins.AnyAsync(a => a.UserId == userId && a.OrganisationId == organisationId));
    }

    /// <summary>The organisations the user administers.</summary>
    public static IQueryable<int> Administered(HubDbContext db, string? userId)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.OrganisationAdmins.Where(a => a.UserId == userId).Select(a => a.OrganisationId);
    }

    /// <summary>Whether the user may edit <paramref name="project"/> (partners loaded): a network admin, or an admin of one of its partners.</summary>
    public static bool CanEditProject(ClaimsPrincipal user, Project project, IReadOnlyCollection<int> administered)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(project);
        return user.IsInRole(HubRoles.NetworkAdmin) || project.Partners.Any(o => administered.Contains(o.Id));
    }
}
