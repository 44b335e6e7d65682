using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Learning;

namespace VnQuantum.Hub.Pages.Learn;

/// <summary>A course's lessons with the learner's progress (exercises passed).</summary>
[AllowAnonymous]
public sealed class CourseModel(CourseCatalog catalog, UserManager<HubUser> users, HubDbContext db) : PageModel
{
    public Course Course { get; private set; } = null!;

    public IReadOnlySet<string> Passed { get; private set; } = new HashSet<string>();

    public async Task<IActionResult> OnGetAsync(string course)
    {
        if (catalog.Find(course) is not { } found)
        {
            return NotFound();
        }

        Course = found;
        if (users.GetUserId(User) is { } me)
        {
            Passed = (await db.ExerciseAttempts.Where(a => a.UserId == me && a.Course == course && a.Passed).Select(a => a.Exercise).Distinct().ToListAsync()).ToHashSet();
        }

        return Page();
    }
}
