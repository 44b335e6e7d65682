using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Learning;
using VnQuantum.Hub.Plots;
using VnQuantum.Hub.Tools;

namespace VnQuantum.Hub.Pages.Learn;

/// <summary>
/// A lesson in the reader's language and its exercise, checked on the platform; a signed-in learner's attempts are kept.
/// A check runs the answer in the request, so it has the tool pages' deadline and (for posts) their rate limit.
/// </summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.PostPolicy)]
public sealed class LessonModel(CourseCatalog catalog, UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text, ToolLimits limits) : PageModel
{
    public Course Course { get; private set; } = null!;

    public Lesson Lesson { get; private set; } = null!;

    public Lesson? Next { get; private set; }

    public string Html { get; private set; } = string.Empty;

    [BindProperty]
    public string? Answer { get; set; }

    public CheckResult? Result { get; private set; }

    public string? Chart { get; private set; }

    public bool PassedBefore { get; private set; }

    public async Task<IActionResult> OnGetAsync(string course, string lesson)
    {
        if (!await Load(course, lesson))
        {
            return NotFound();
        }

        if (Lesson.Exercise is { } exercise && users.GetUserId(User) is { } me)
        {
            // Back where the learner left off: their last answer.
            Answer = await db.ExerciseAttempts.Where(a => a.UserId == me && a.Course == course && a.Exercise == exercise.Slug)
                .OrderByDescending(a => a.Id).Select(a => a.Answer).FirstOrDefaultAsync();
        }

        Answer ??= Lesson.Exercise?.Starter;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string course, string lesson)
    {
        if (!await Load(course, lesson) || Lesson.Exercise is not { } exercise)
        {
            return NotFound();
        }

        if (Answer is { Length: > 20_000 })
        {
            Result = new CheckResult(false, text["learn.toolong"]);
            return Page();
        }

        try
        {
            Result = ExerciseChecker.Check(exercise, Answer, text, cancel: HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (HttpContext.RequestAborted.IsCancellationRequested)
        {
            Result = new CheckResult(false, text["tools.timeout", limits.Seconds]);
            return Page();
        }

        if (Result.Counts is { Count: > 0 } counts)
        {
            Chart = SvgCharts.Histogram(text["chart.shots", ExerciseChecker.Shots], counts, text["chart.counts"], text["chart.other"]);
        }

        if (users.GetUserId(User) is { } me)
        {
            db.ExerciseAttempts.Add(new ExerciseAttempt { UserId = me, Course = course, Exercise = exercise.Slug, Passed = Result.Passed, Answer = Answer ?? string.Empty, At = DateTime.UtcNow });
            await db.SaveChangesAsync();
            PassedBefore |= Result.Passed;
        }

        return Page();
    }

    private async Task<bool> Load(string course, string lesson)
    {
        if (catalog.Find(course) is not { } c || c.Lessons.FirstOrDefault(l => l.Slug == lesson) is not { } l)
        {
            return false;
        }

        (Course, Lesson) = (c, l);
        int index = c.Lessons.ToList().IndexOf(l);
        Next = index + 1 < c.Lessons.Count ? c.Lessons[index + 1] : null;
        Html = catalog.LessonHtml(c, l, System.Globalization.CultureInfo.CurrentUICulture);
        if (l.Exercise is { } e && users.GetUserId(User) is { } me)
        {
            PassedBefore = await db.ExerciseAttempts.AnyAsync(a => a.UserId == me && a.Course == course && a.Exercise == e.Slug && a.Passed);
        }

        return true;
    }
}
