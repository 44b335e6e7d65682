using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Accounts;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Agreements;

/// <summary>The agreements of the organisations the member administers (all of them for a network admin).</summary>
public sealed class IndexModel(UserManager<HubUser> users, HubDbContext db) : PageModel
{
    public IReadOnlyList<Agreement> Agreements { get; private set; } = [];

    public IReadOnlyList<Organisation> Administered { get; private set; } = [];

    public async Task OnGetAsync()
    {
        string me = users.GetUserId(User)!;
        var mine = OrganisationAccess.Administered(db, me);
        bool all = User.IsInRole(HubRoles.NetworkAdmin);
        Agreements = await db.Agreements.AsNoTracking().Include(a => a.Proposer).Include(a => a.Partner)
            .Where(a => all || mine.Contains(a.ProposerId) || mine.Contains(a.PartnerId)).OrderByDescending(a => a.Id).ToListAsync();
        Administered = await db.Organisations.AsNoTracking().Where(o => mine.Contains(o.Id)).OrderBy(o => o.Name).ToListAsync();
    }
}
