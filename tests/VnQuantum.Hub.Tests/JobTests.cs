using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using VnQuantum.Hub.Data;
using VnQuantum.Hub.Jobs;

namespace VnQuantum.Hub.Tests;

/// <summary>A hub whose jobs have tight limits, so that the tests can reach them in seconds.</summary>
public sealed class TightJobsFactory : HubFactory
{
    public TightJobsFactory()
    {
        Settings["Hub:Jobs:MaxSeconds"] = "4";
        Settings["Hub:Jobs:MaxQubits"] = "26";
        Settings["Hub:Jobs:MaxMemoryMiB"] = "400";
        Settings["Hub:Jobs:SubmissionsPerMinute"] = "30";
    }
}

/// <summary>Background jobs in real worker processes: results, privacy, limits, cancel, rate limit, restart.</summary>
public sealed class JobTests(TightJobsFactory factory) : IClassFixture<TightJobsFactory>
{
    private const string Password = "tác vụ nền chạy riêng tiến trình";
    // Not Clifford, and a measurement in the middle: every shot is a fresh 16-qubit simulation, a million of them take hours.
    // Sixteen measurements interleaved with gates that keep every outcome random: shot branching would need 2^16
    // states, more than the job's memory allows, so the worker falls back to running a million shots one by one.
    private const string Endless = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[16] q;\nbit[16] c;\nfor int i in [0:15] {\n  h q;\n  rx(0.3) q;\n  c[i] = measure q[i];\n}\n";

    private const string Bell = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n";

    [Fact]
    public async Task ACircuitJob_RunsInAWorker_AndStaysPrivateUntilShared()
    {
        var owner = factory.Session();
        await owner.SignUp("jobs.owner@example.vn", "Bùi Đức Long", Password);
        long id = await Submit(owner, new() { ["Kind"] = "circuit", ["Source"] = Bell, ["Shots"] = "2000", ["Seed"] = "5" });
        var job = await WaitFor(factory, id, JobState.Succeeded);
        // The job keeps the same document as `vnq run --format json`.
        var result = VnQuantum.Circuits.Execution.ResultJson.Read(job.Result!);
        Assert.Equal(new[] { "00", "11" }, result.Counts.Keys.Order());
        Assert.Equal(2000, result.Counts.Values.Sum());
        Assert.Equal(5UL, result.Metadata.Seed);
        Assert.Equal("stabilizer", result.Metadata.Method);
        Assert.Equal(1.0, job.Progress);
        Assert.NotNull(job.Node);
        string page = await owner.Get($"/Jobs/Details/{id}");
        Assert.Contains("data-state=\"Succeeded\">Hoàn thành<", page);
        Assert.Contains("<svg", page);
        string jobs = await owner.Get("/Jobs");
        Assert.Contains($"/Jobs/Details/{id}", jobs);
        Assert.Contains("(UTC+7)</time>", jobs); // Vietnam time, zone named, not ISO
        Assert.DoesNotMatch(@"<td>\d{4}-\d{2}-\d{2} ", jobs);

        // Another member, or the public, cannot see, poll or cancel it.
        var other = factory.Session();
        await other.SignUp("jobs.other@example.vn", "Đặng Thị Hạnh", Password);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/Jobs/Details/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Client.GetAsync($"/Jobs/Details/{id}?handler=Status")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Session().Client.GetAsync($"/Jobs/Details/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Post("/Jobs", new(), $"/Jobs/Details/{id}?handler=Share&shared=true")).StatusCode);
        Assert.DoesNotContain($"/Jobs/Details/{id}", await other.Get("/Jobs"));

        // Shared by its owner, anybody with the link reads it.
        await owner.Post($"/Jobs/Details/{id}", new() { ["shared"] = "true" }, $"/Jobs/Details/{id}?handler=Share");
        Assert.Contains("data-state=\"Succeeded\"", await factory.Session().Get($"/Jobs/Details/{id}"));
    }

    [Fact]
    public async Task Inputs_ThatCannotRun_AreRefusedBeforeQueuing_WithTheReason()
    {
        var member = factory.Session();
        await member.SignUp("jobs.limits@example.vn", "Võ Minh Quân", Password);
        string tooWide = await (await member.Post("/Jobs/New", new() { ["Kind"] = "circuit", ["Source"] = "OPENQASM 3.0;\nqubit[30] q;\n", ["Shots"] = "1" })).Content.ReadAsStringAsync();
        Assert.Contains("30 qubits; jobs here take at most 26", tooWide);
        string tooBig = await (await member.Post("/Jobs/New", new() { ["Kind"] = "circuit", ["Source"] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[25] q;\nt q[0];\n", ["Shots"] = "1" })).Content.ReadAsStringAsync();
        Assert.Contains("A 25-qubit state vector needs about 608 MiB; the memory limit per job is 400 MiB", tooBig);

        // The same width in Clifford gates runs on the stabilizer engine: the estimate is the chosen method's, so it is admitted.
        var clifford = await member.Post("/Jobs/New", new() { ["Kind"] = "circuit", ["Source"] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[25] q;\nh q;\n", ["Shots"] = "1" });
        Assert.DoesNotContain("needs about", await clifford.Content.ReadAsStringAsync());
        string parse = await (await member.Post("/Jobs/New", new() { ["Kind"] = "circuit", ["Source"] = "OPENQASM 3.0;\nqubit[2] q;\nhh q[0];\n", ["Shots"] = "1" })).Content.ReadAsStringAsync();
        Assert.Contains("job.qasm:3:1:", parse);
        Assert.Equal(0, await Db(factory, db => db.Jobs.CountAsync(j => j.Input.Contains("qubit[30]") || j.Input.Contains("hh q"))));
    }

    [Fact]
    public async Task ALongJob_IsStoppedAtItsTimeLimit_AndAnotherCanBeCancelled()
    {
        var member = factory.Session();
        await member.SignUp("jobs.long@example.vn", "Hoàng Văn Tuấn", Password);

        // Hours of work: the 4 s limit stops the worker.
        var endless = new Dictionary<string, string> { ["Kind"] = "circuit", ["Source"] = Endless, ["Shots"] = "1000000" };
        long slow = await Submit(member, endless);
        var stopped = await WaitFor(factory, slow, JobState.Failed);
        Assert.Contains("Time limit exceeded", stopped.Message);
        Assert.InRange((stopped.FinishedAt!.Value - stopped.StartedAt!.Value).TotalSeconds, 3.9, 20);

        long cancelled = await Submit(member, endless);
        await WaitFor(factory, cancelled, JobState.Running);
        await member.Post($"/Jobs/Details/{cancelled}", new(), $"/Jobs/Details/{cancelled}?handler=Cancel");
        var gone = await WaitFor(factory, cancelled, JobState.Cancelled);
        Assert.Contains("Cancelled", gone.Message);

        // A job still in the queue is cancelled at once, never started.
        using var idle = new HubFactory();
        idle.Settings["Hub:Jobs:Enabled"] = "false";
        var waiting = idle.Session();
        await waiting.SignUp("jobs.queued@example.vn", "Trịnh Công Sơn", Password);
        long queued = await Submit(waiting, endless);
        await waiting.Post($"/Jobs/Details/{queued}", new(), $"/Jobs/Details/{queued}?handler=Cancel");
        var never = await Job(idle, queued);
        Assert.Equal(JobState.Cancelled, never.State);
        Assert.Null(never.StartedAt);
    }

    [Fact]
    public async Task AWorkerThatStartsSlowly_IsNotChargedForItsStart()
    {
        // A busy node: the worker takes 5 s to reach its Main, longer than the job's whole 3 s limit. The job itself
        // takes milliseconds and must succeed; the start-up bound still stops a worker that never gets going.
        using var busy = new HubFactory();
        busy.Settings["Hub:Jobs:MaxSeconds"] = "3";
        busy.Settings["Hub:Jobs:WorkerEnvironment:DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
        busy.Settings[$"Hub:Jobs:WorkerEnvironment:{StartupHook.DelayVariable}"] = "5000";
        var member = busy.Session();
        await member.SignUp("jobs.slowstart@example.vn", "Lý Thường Kiệt", Password);
        long id = await Submit(member, new() { ["Kind"] = "circuit", ["Source"] = Bell, ["Shots"] = "100", ["Seed"] = "3" });
        var job = await WaitFor(busy, id, JobState.Succeeded);
        Assert.True((job.FinishedAt!.Value - job.StartedAt!.Value).TotalSeconds >= 5, "the worker's start was not slowed: the test proves nothing");

        using var stuck = new HubFactory();
        stuck.Settings["Hub:Jobs:StartSeconds"] = "2";
        stuck.Settings["Hub:Jobs:WorkerEnvironment:DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location;
        stuck.Settings[$"Hub:Jobs:WorkerEnvironment:{StartupHook.DelayVariable}"] = "60000";
        var another = stuck.Session();
        await another.SignUp("jobs.stuck@example.vn", "Lý Công Uẩn", Password);
        long never = await Submit(another, new() { ["Kind"] = "circuit", ["Source"] = Bell, ["Shots"] = "100" });
        var stopped = await WaitFor(stuck, never, JobState.Failed);
        Assert.Contains("did not start within 2 s", stopped.Message);
    }

    [Fact]
    public async Task AJobPastItsMemoryLimit_IsStopped_WithTheReason()
    {
        using var small = new HubFactory();
        small.Settings["Hub:Jobs:MaxMemoryMiB"] = "200";
        small.Settings["Hub:Jobs:MaxSeconds"] = "120";
        var member = small.Session();
        await member.SignUp("jobs.memory@example.vn", "Ngô Thị Lan", Password);

        // The 1000-spin Dicke-block optimisation needs more than the 200 MiB this hub allows a job: either the capped
        // managed heap or the dispatcher's watch on resident memory stops it.
        long id = await Submit(member, new() { ["Kind"] = "probe", ["ProbeState"] = "squeezed", ["Spins"] = "1000", ["DephasingRate"] = "1" });
        var stopped = await WaitFor(small, id, JobState.Failed);
        Assert.Contains("memory limit", stopped.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AProbeJob_ReportsItsSensitivities()
    {
        var member = factory.Session();
        await member.SignUp("jobs.probe@example.vn", "Lê Thị Hà", Password);
        long id = await Submit(member, new() { ["Kind"] = "probe", ["ProbeState"] = "ghz", ["Spins"] = "10", ["DephasingRate"] = "2" });
        var job = await WaitFor(factory, id, JobState.Succeeded);
        var result = JsonSerializer.Deserialize<ProbeJobResult>(job.Result!, JobKinds.Json)!;

        // GHZ under independent dephasing: δω√T = √(2eγ/N), the same as unentangled spins (Huelga et al. 1997).
        Assert.Equal(Math.Sqrt(2 * Math.E * 2 / 10), result.Quantities.Single(q => q.Name == "δω√T").Value, 9);
        Assert.Contains("δω√T", await member.Get($"/Jobs/Details/{id}"));
    }

    [Fact]
    public async Task Submissions_AreRateLimitedPerMember()
    {
        using var limited = new HubFactory();
        limited.Settings["Hub:Jobs:SubmissionsPerMinute"] = "2";
        limited.Settings["Hub:Jobs:Enabled"] = "false";
        var member = limited.Session();
        await member.SignUp("jobs.rate@example.vn", "Phan Quốc Nam", Password);
        var fields = new Dictionary<string, string> { ["Kind"] = "circuit", ["Source"] = Bell, ["Shots"] = "10" };
        Assert.Equal(HttpStatusCode.Redirect, (await member.Post("/Jobs/New", fields)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await member.Post("/Jobs/New", fields)).StatusCode);
        var refused = await member.Post("/Jobs/New", fields);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);

        // The refused POST is answered by the status page too (re-executed with the form's method).
        Assert.Contains("Quá nhiều yêu cầu", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task TheQueue_SurvivesARestart_AndInterruptedJobsRunAgain()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-hub-restart-{Guid.NewGuid():N}.db");
        long queued;
        long interrupted;
        using (var before = new HubFactory(file, deleteOnDispose: false))
        {
            before.Settings["Hub:Jobs:Enabled"] = "false";
            var member = before.Session();
            await member.SignUp("jobs.restart@example.vn", "Trương Văn Hải", Password);
            queued = await Submit(member, new() { ["Kind"] = "circuit", ["Source"] = Bell, ["Shots"] = "100" });
            interrupted = await Submit(member, new() { ["Kind"] = "circuit", ["Source"] = Bell, ["Shots"] = "100" });

            // As if this node had been killed while running the second one.
            await Db(before, db => db.Jobs.Where(j => j.Id == interrupted).ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running).SetProperty(j => j.Node, Environment.MachineName).SetProperty(j => j.Attempts, 1)));
            Assert.Equal(JobState.Queued, (await Job(before, queued)).State);
        }

        using var after = new HubFactory(file);
        after.Settings["Hub:Jobs:MaxSeconds"] = "60";
        _ = after.Server;
        Assert.Equal(JobState.Succeeded, (await WaitFor(after, queued, JobState.Succeeded)).State);
        var rerun = await WaitFor(after, interrupted, JobState.Succeeded);
        Assert.Equal(2, rerun.Attempts);
    }

    internal static async Task<long> Submit(HubSession session, Dictionary<string, string> fields)
    {
        var response = await session.Post("/Jobs/New", fields);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return long.Parse(response.Headers.Location!.OriginalString.Split('/')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static async Task<Job> WaitFor(HubFactory hub, long id, JobState state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var job = await Job(hub, id);
            if (job.State == state)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline && (job.State is JobState.Queued or JobState.Running), $"job {id}: {job.State} ({job.Message}), waiting for {state}");
            await Task.Delay(100);
        }
    }

    private static Task<Job> Job(HubFactory hub, long id) => Db(hub, db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id));

    private static async Task<T> Db<T>(HubFactory hub, Func<HubDbContext, Task<T>> work)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }
}
