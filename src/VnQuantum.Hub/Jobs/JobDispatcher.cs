using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Jobs;

/// <summary>
/// Runs queued jobs in worker processes, one process per job, so that a job's time and memory can be limited and a
/// job stopped: the process is killed when it passes its time limit (counted from the moment the worker has loaded
/// its job and starts computing, so that a slow process start on a busy node costs the job nothing; a worker that
/// does not get that far within <see cref="JobLimits.StartSeconds"/> is stopped too), when its resident memory passes the memory limit
/// (the managed heap is capped as well, with DOTNET_GCHeapHardLimit), or when its owner cancels it. Jobs are claimed
/// with a conditional update, so several hub nodes can share one PostgreSQL queue; a node that restarts puts its own
/// interrupted jobs back in the queue.
/// </summary>
public sealed class JobDispatcher(IServiceScopeFactory scopes, IOptions<JobLimits> options, HubStorage storage, IConfiguration configuration, ILogger<JobDispatcher> logger) : BackgroundService
{
    private readonly JobLimits _limits = options.Value;
    private readonly Dictionary<long, WorkerRun> _running = [];
    private readonly string _node = configuration["Hub:NodeName"] ?? Environment.MachineName;

    public string Node => _node;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RequeueInterruptedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await TickAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Job dispatcher tick failed");
            }

            try
            {
                await Task.Delay(200, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // Shutting down: stop the workers and put their jobs back, to run again after the restart.
        if (_running.Count > 0)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            foreach (var (id, run) in _running)
            {
                Kill(run.Process);
                await db.Jobs.Where(j => j.Id == id && j.State == JobState.Running)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Queued).SetProperty(j => j.Progress, 0.0), CancellationToken.None);
            }

            _running.Clear();
        }
    }

    private async Task RequeueInterruptedAsync(CancellationToken cancel)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        int failed = await db.Jobs.Where(j => j.State == JobState.Running && j.Node == _node && j.Attempts >= _limits.MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Failed).SetProperty(j => j.Message, $"Interrupted by {_limits.MaxAttempts} restarts; not run again.").SetProperty(j => j.FinishedAt, DateTime.UtcNow), cancel);
        int requeued = await db.Jobs.Where(j => j.State == JobState.Running && j.Node == _node)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Queued).SetProperty(j => j.Progress, 0.0), cancel);
        if (failed + requeued > 0)
        {
            logger.LogWarning("Restart: {Requeued} interrupted jobs back in the queue, {Failed} failed after too many attempts", requeued, failed);
        }
    }

    private async Task TickAsync(CancellationToken cancel)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();

        foreach (var (id, run) in _running.ToList())
        {
            string? stop = null;
            var state = JobState.Failed;
            if (run.Process.HasExited)
            {
                // A worker that wrote its result has already moved the job on; one that died did not.
                stop = $"The worker stopped unexpectedly (exit code {run.Process.ExitCode}).";
            }
            else if (run.ComputingFor is { } computing && computing.TotalSeconds > _limits.MaxSeconds)
            {
                stop = $"Time limit exceeded: stopped after {_limits.MaxSeconds} s.";
            }
            else if (run.ComputingFor is null && run.SinceStart.TotalSeconds > _limits.StartSeconds)
            {
                stop = $"The worker did not start within {_limits.StartSeconds} s.";
            }
            else if (ResidentBytes(run.Process) is var resident && resident > _limits.MaxMemoryBytes)
            {
                stop = $"Memory limit exceeded: the worker used {resident >> 20:N0} MiB of the {_limits.MaxMemoryMiB:N0} MiB allowed.";
            }
            else if (await db.Jobs.AnyAsync(j => j.Id == id && j.CancelRequested, cancel))
            {
                (stop, state) = ("Cancelled by its owner.", JobState.Cancelled);
            }

            if (stop is null)
            {
                continue;
            }

            Kill(run.Process);
            run.Process.Dispose();
            _running.Remove(id);
            await db.Jobs.Where(j => j.Id == id && j.State == JobState.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, state).SetProperty(j => j.Message, stop).SetProperty(j => j.FinishedAt, DateTime.UtcNow), cancel);
        }

        while (_running.Count < _limits.Workers)
        {
            long? next = await db.Jobs.Where(j => j.State == JobState.Queued).OrderBy(j => j.CreatedAt).ThenBy(j => j.Id).Select(j => (long?)j.Id).FirstOrDefaultAsync(cancel);
            if (next is not { } id)
            {
                break;
            }

            // The claim: only one node turns a queued job into a running one.
            var now = DateTime.UtcNow;
            int claimed = await db.Jobs.Where(j => j.Id == id && j.State == JobState.Queued)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.Node, _node).SetProperty(j => j.StartedAt, now).SetProperty(j => j.Attempts, j => j.Attempts + 1), cancel);
            if (claimed == 1)
            {
                _running[id] = new WorkerRun(StartWorker(id));
            }
        }
    }

    private Process StartWorker(long id)
    {
        string dll = typeof(JobWorker).Assembly.Location;
        string apphost = Path.ChangeExtension(dll, OperatingSystem.IsWindows() ? ".exe" : null);
        var start = File.Exists(apphost)
            ? new ProcessStartInfo(apphost)
            : new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet") { ArgumentList = { dll } };
        start.ArgumentList.Add("worker");
        start.ArgumentList.Add(id.ToString(CultureInfo.InvariantCulture));
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        foreach (var (name, value) in _limits.WorkerEnvironment)
        {
            start.Environment[name] = value;
        }

        start.Environment["Hub__Database"] = storage.Provider;
        start.Environment["ConnectionStrings__Hub"] = storage.Connection;
        start.Environment["DOTNET_GCHeapHardLimit"] = _limits.MaxMemoryBytes.ToString("X", CultureInfo.InvariantCulture);
        start.Environment["DOTNET_gcServer"] = "0";
        return Process.Start(start) ?? throw new InvalidOperationException("Could not start a job worker.");
    }

    /// <summary>
    /// One worker process and its two clocks: since it was started, and since it said (a line on its standard output,
    /// <see cref="JobWorker.ComputingSignal"/>) that its job is loaded and the computation begins.
    /// </summary>
    private sealed class WorkerRun
    {
        private readonly Stopwatch _sinceStart = Stopwatch.StartNew();
        private long _computingFrom = -1;

        public WorkerRun(Process process)
        {
            Process = process;
            process.OutputDataReceived += (_, line) =>
            {
                if (line.Data == JobWorker.ComputingSignal)
                {
                    Interlocked.CompareExchange(ref _computingFrom, Stopwatch.GetTimestamp(), -1);
                }
            };
            process.BeginOutputReadLine();
        }

        public Process Process { get; }

        public TimeSpan SinceStart => _sinceStart.Elapsed;

        public TimeSpan? ComputingFor => Interlocked.Read(ref _computingFrom) is var from and >= 0 ? Stopwatch.GetElapsedTime(from) : null;
    }

    private static long ResidentBytes(Process process)
    {
        try
        {
            process.Refresh();
            return process.WorkingSet64;
        }
        catch (InvalidOperationException)
        {
            return 0;
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
