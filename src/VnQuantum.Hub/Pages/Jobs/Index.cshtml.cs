using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.Jobs;

/// <summary>The member's own jobs, newest first.</summary>
public sealed class IndexModel(UserManager<HubUser> users, HubDbContext db) : PageModel
{
    public IReadOnlyList<Job> Jobs { get; private set; } = [];

    public async Task OnGetAsync()
    {
        string me = users.GetUserId(User)!;
        Jobs = await db.Jobs.AsNoTracking().Where(j => j.OwnerId == me).OrderByDescending(j => j.Id).Take(200).ToListAsync();
    }
}
