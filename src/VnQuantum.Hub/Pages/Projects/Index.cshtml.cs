using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Projects;

public sealed class IndexModel(HubDbContext db) : PageModel
{
    public IReadOnlyList<Project> Projects { get; private set; } = [];

    public async Task OnGetAsync()
    {
        Projects = await db.Projects.AsNoTracking().Include(p => p.Partners).OrderBy(p => p.Title).ToListAsync();
    }
}
