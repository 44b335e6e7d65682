using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Jobs;
using VnQuantum.Hub.Tools;

namespace VnQuantum.Hub.Pages.Jobs;

/// <summary>
/// Queues a circuit run or a probe optimisation; inputs that cannot run are refused here, with the reason. Admission
/// compiles the program in the request, so it has the tool pages' deadline.
/// </summary>
[EnableRateLimiting("jobs")]
[RequestTimeout(ToolLimits.Policy)]
public sealed class NewModel(UserManager<HubUser> users, HubDbContext db, IOptions<JobLimits> limits, ToolLimits toolLimits, IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string Kind { get; set; } = JobKinds.Circuit;

    [BindProperty]
    [StringLength(200_000)]
    public string Source { get; set; } = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[20] q;\nbit[20] c;\nh q[0];\nfor int i in [0:18] { cx q[i], q[i + 1]; }\nc = measure q;\n";

    [BindProperty]
    [Range(1, 1_000_000)]
    public int Shots { get; set; } = 10_000;

    [BindProperty]
    public ulong Seed { get; set; } = 1;

    [BindProperty]
    public string ProbeState { get; set; } = "squeezed";

    [BindProperty]
    [Range(1, 2000)]
    public int Spins { get; set; } = 100;

    [BindProperty]
    public double DephasingRate { get; set; } = 1;

    public string? Problem { get; private set; }

    public JobLimits Limits => limits.Value;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
        {
            Problem = text["jobs.invalid"];
            return Page();
        }

        string input = Kind == JobKinds.Probe
            ? JsonSerializer.Serialize(new ProbeJob(ProbeState, Spins, DephasingRate), JobKinds.Json)
            : JsonSerializer.Serialize(new CircuitJob(Source, Shots, Seed), JobKinds.Json);
        try
        {
            Problem = JobKinds.Admit(Kind, input, limits.Value, HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (HttpContext.RequestAborted.IsCancellationRequested)
        {
            Problem = text["tools.timeout", toolLimits.Seconds];
        }

        if (Problem is not null)
        {
            return Page();
        }

        var job = new Job { OwnerId = users.GetUserId(User)!, Kind = Kind, Input = input, State = JobState.Queued, CreatedAt = DateTime.UtcNow };
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        return RedirectToPage("/Jobs/Details", new { id = job.Id });
    }
}
