using Microsoft.EntityFrameworkCore;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Jobs;

/// <summary>
/// The worker process (<c>VnQuantum.Hub worker &lt;job id&gt;</c>): runs one job that the dispatcher has marked
/// running, writes its progress twice a second and its result or error at the end. The database comes from the
/// environment (Hub__Database, ConnectionStrings__Hub), as the dispatcher sets it.
/// </summary>
public static class JobWorker
{
    /// <summary>The line the worker writes when its job is loaded and the computation begins: the dispatcher's time limit counts from here.</summary>
    public const string ComputingSignal = "computing";

    public static async Task<int> RunAsync(long id)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        await using var db = HubDatabase.Open(configuration["Hub:Database"], configuration.GetConnectionString("Hub")
            ?? throw new InvalidOperationException("The worker needs ConnectionStrings__Hub in its environment."));
        var job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == id && j.State == JobState.Running);
        if (job is null)
        {
            return 2;
        }

        // Progress arrives on compute threads; a loop here writes the latest value, never faster than twice a second.
        double latest = 0;
        var progress = new Progress(value => Volatile.Write(ref latest, value));
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            double written = -1;
            while (!stop.IsCancellationRequested)
            {
                double now = Volatile.Read(ref latest);
                if (now != written)
                {
                    await Update(db, id, j => j.SetProperty(x => x.Progress, now));
                    written = now;
                }

                try
                {
                    await Task.Delay(500, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        string? result = null;
        string? failure = null;
        try
        {
            await Console.Out.WriteLineAsync(ComputingSignal);
            await Console.Out.FlushAsync();
            result = await Task.Run(() => JobKinds.Run(job.Kind, job.Input, progress));
        }
        catch (OutOfMemoryException)
        {
            failure = "The job ran out of its memory limit.";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = e.Message;
        }

        await stop.CancelAsync();
        await writer;
        var finished = DateTime.UtcNow;
        await Update(db, id, result is not null
            ? j => j.SetProperty(x => x.State, JobState.Succeeded).SetProperty(x => x.Result, result).SetProperty(x => x.Progress, 1.0).SetProperty(x => x.FinishedAt, finished)
            : j => j.SetProperty(x => x.State, JobState.Failed).SetProperty(x => x.Message, failure).SetProperty(x => x.FinishedAt, finished));
        return result is null ? 1 : 0;
    }

    // Only while the job is still running here: the dispatcher may have stopped it (time, memory, cancel) meanwhile.
    private static Task<int> Update(HubDbContext db, long id, Action<Microsoft.EntityFrameworkCore.Query.UpdateSettersBuilder<Job>> set) =>
        db.Jobs.Where(j => j.Id == id && j.State == JobState.Running).ExecuteUpdateAsync(set);

    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
