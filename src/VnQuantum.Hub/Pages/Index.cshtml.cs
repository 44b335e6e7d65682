using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages;

public sealed class IndexModel(HubDbContext db) : PageModel
{
    public int People { get; private set; }

    public int Organisations { get; private set; }

    public int Projects { get; private set; }

    public bool Sample { get; private set; }

    public async Task OnGetAsync()
    {
        People = await db.People.CountAsync(p => p.Public);
        Organisations = await db.Organisations.CountAsync();
        Projects = await db.Projects.CountAsync();
        Sample = await db.People.AnyAsync(p => p.Sample);
    }
}
