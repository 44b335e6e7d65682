using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Organisations;

[AllowAnonymous]
public sealed class IndexModel(HubDbContext db) : PageModel
{
    public IReadOnlyList<Organisation> Organisations { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Organisations = await db.Organisations.AsNoTracking().Include(o => o.Members).OrderBy(o => o.Name).ToListAsync();
    }
}
