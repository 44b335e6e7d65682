using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Jobs;
using VnQuantum.Hub.Plots;

namespace VnQuantum.Hub.Pages.Jobs;

/// <summary>
/// One job: live progress (the status block polls itself with htmx until the job ends), cancel and share for its owner,
/// the result. Private to its owner unless shared; to anybody else a private job is as absent as an unknown one.
/// </summary>
[AllowAnonymous]
public sealed class DetailsModel(UserManager<HubUser> users, HubDbContext db, IStringLocalizer<SharedResource> text) : PageModel
{
    public Job Job { get; private set; } = null!;

    public bool Mine { get; private set; }

    public CircuitJobResult? Circuit { get; private set; }

    public ProbeJobResult? Probe { get; private set; }

    public string? Chart { get; private set; }

    public bool Finished => Job.State is JobState.Succeeded or JobState.Failed or JobState.Cancelled;

    public async Task<IActionResult> OnGetAsync(long id) => await Load(id) ? Page() : NotFound();

    /// <summary>The status block alone, for htmx's polling.</summary>
    public async Task<IActionResult> OnGetStatusAsync(long id) => await Load(id) ? Partial("_JobStatus", this) : NotFound();

    public async Task<IActionResult> OnPostCancelAsync(long id)
    {
        string? me = users.GetUserId(User);

        // A queued job is cancelled here and now; a running one is marked, and the dispatcher stops its worker. If the
        // dispatcher claims the job between the two updates, the second one still finds it running.
        var now = DateTime.UtcNow;
        int changed = await db.Jobs.Where(j => j.Id == id && j.OwnerId == me && j.State == JobState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Cancelled).SetProperty(j => j.Message, "Cancelled before it started.").SetProperty(j => j.FinishedAt, now));
        changed += await db.Jobs.Where(j => j.Id == id && j.OwnerId == me && j.State == JobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true));
        return changed > 0 || await db.Jobs.AnyAsync(j => j.Id == id && j.OwnerId == me) ? RedirectToPage(new { id }) : NotFound();
    }

    public async Task<IActionResult> OnPostShareAsync(long id, bool shared)
    {
        string? me = users.GetUserId(User);
        int changed = await db.Jobs.Where(j => j.Id == id && j.OwnerId == me).ExecuteUpdateAsync(s => s.SetProperty(j => j.Shared, shared));
        return changed == 1 ? RedirectToPage(new { id }) : NotFound();
    }

    private async Task<bool> Load(long id)
    {
        string? me = users.GetUserId(User);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id && (j.OwnerId == me || j.Shared));
        if (job is null)
        {
            return false;
        }

        Job = job;
        Mine = job.OwnerId == me;
        if (job is { State: JobState.Succeeded, Result: { } result })
        {
            if (job.Kind == JobKinds.Circuit)
            {
                Circuit = CircuitJobResult.Read(result);
                Chart = Circuit is { Counts.Count: > 0 } c ? SvgCharts.Histogram(text["chart.shots.seed", c.Counts.Values.Sum(), c.Seed], c.Counts, text["chart.counts"], text["chart.other"]) : null;
            }
            else
            {
                Probe = JsonSerializer.Deserialize<ProbeJobResult>(result, JobKinds.Json);
            }
        }

        return true;
    }
}
