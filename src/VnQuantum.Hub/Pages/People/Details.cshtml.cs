using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages.People;

[AllowAnonymous]
public sealed class DetailsModel(HubDbContext db) : PageModel
{
    public Person Person { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(int id)
    {
        // Members-only profiles are as absent as unknown ones to the public: no hint that they exist.
        bool signedIn = User.Identity?.IsAuthenticated == true;
        var person = await db.People.AsNoTracking().Include(p => p.Organisation).FirstOrDefaultAsync(p => p.Id == id && (p.Public || signedIn));
        if (person is null)
        {
            return NotFound();
        }

        Person = person;
        return Page();
    }
}
