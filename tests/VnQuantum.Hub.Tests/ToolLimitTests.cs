using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace VnQuantum.Hub.Tests;

/// <summary>Attacks on the pages that compute in the request: unbounded programs, long runs, floods.</summary>
public sealed partial class ToolLimitTests(ITestOutputHelper output)
{
    // Slow on purpose and not Clifford (no stabilizer shortcut): a measurement inside the loop makes every shot a full run.
    private const string SlowProgram = """
        OPENQASM 3.0;
        include "stdgates.inc";
        qubit[12] q;
        bit[12] c;
        for int i in [0:5000] { rx(0.3) q; c[0] = measure q[0]; }
        c = measure q;
        """;

    [Fact]
    public async Task NestedClassicalLoops_AreStoppedByTheCompileBudget_WithAClearMessage()
    {
        // 10^6 × 10^6 iterations and not one gate: the budget counts classical steps, for the whole compile.
        using var factory = new HubFactory { Settings = { ["Hub:Tools:Seconds"] = "120" } };
        string program = """
            OPENQASM 3.0;
            int x = 0;
            for int i in [1:1000000] { for int j in [1:1000000] { x += 1; } }
            """;
        var (status, page) = await PostCircuit(factory.Session(), program, 1, TimeSpan.FromSeconds(120));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("compile steps", page);
        Assert.Contains("circuit.qasm:3:", page);
    }

    [Fact]
    public async Task ALongRun_IsStoppedAtTheToolDeadline_AndSaysWhereToRunIt()
    {
        using var factory = new HubFactory { Settings = { ["Hub:Tools:Seconds"] = "1" } };
        var clock = Stopwatch.StartNew();
        var (status, page) = await PostCircuit(factory.Session(), SlowProgram.Replace("qubit[12]", "qubit[16]", StringComparison.Ordinal).Replace("bit[12]", "bit[16]", StringComparison.Ordinal), 100_000, TimeSpan.FromSeconds(60));
        output.WriteLine($"stopped after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Đã dừng sau 1 giây", page);
        Assert.Contains("/Jobs/New", page);
    }

    [Fact]
    public async Task AComposerImport_OfAnEndlessLoop_IsStoppedAtTheToolDeadline_AndKeepsTheGrid()
    {
        using var factory = new HubFactory { Settings = { ["Hub:Tools:Seconds"] = "1" } };
        var session = factory.Session();
        session.Client.DefaultRequestHeaders.Accept.ParseAdd("application/json");
        var response = await session.Post("/Tools/Composer", new() { ["Grid"] = "h;", ["Source"] = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[2] q;\nfor int i in [0:100000000] { h q[0]; }\n" }, "/Tools/Composer?handler=Import");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var view = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Đã dừng sau 1 giây", view.RootElement.GetProperty("message").GetString());
        Assert.StartsWith("h,", view.RootElement.GetProperty("grid").GetString());
    }

    [Fact]
    public async Task ALessonCheck_IsStoppedAtTheToolDeadline()
    {
        using var factory = new HubFactory { Settings = { ["Hub:Tools:Seconds"] = "1" } };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var response = await factory.Session().Post("/Learn/intro/01-qubits-and-gates?culture=en", new() { ["Answer"] = SlowProgram });
        string page = await response.Content.ReadAsStringAsync(timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Stopped after 1 s", page);
    }

    [Fact]
    public async Task AKeyRateCurve_StoppedAtTheToolDeadline_SaysSo_NotAServerError()
    {
        // A finite-key curve is 41 optimisations, a third of a second warm on this machine: a 50 ms limit stops it.
        // The first request warms the page up (JIT); a timer on a starved thread pool may fire late, so each answer
        // must be either the whole curve or the message, and the limit must show within a few requests.
        using var factory = new HubFactory { Settings = { ["Hub:Tools:Seconds"] = "0.05" } };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var client = factory.CreateClient();
        int stopped = 0;
        for (int i = 0; i < 6 && stopped == 0; i++)
        {
            var response = await client.GetAsync("/Tools/KeyRate?Link=gys&Protocol=bb84-finite&MaxKm=400&culture=en", timeout.Token);
            string page = await response.Content.ReadAsStringAsync(timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            bool wasStopped = page.Contains("Stopped after", StringComparison.Ordinal);
            output.WriteLine($"request {i}: {(wasStopped ? "stopped" : "complete")}");
            Assert.True(wasStopped || page.Contains("PLOB", StringComparison.Ordinal));
            stopped += wasStopped ? 1 : 0;
        }

        Assert.Equal(1, stopped);
    }

    [Fact]
    public async Task AnUploadedNetwork_LargerThanThePageTakes_IsRefusedByName()
    {
        using var factory = new HubFactory { Settings = { ["Hub:Tools:MaxTopologyElements"] = "5" } };
        string page = await factory.Session().Get("/Tools/Network?Sample=metro.json&culture=en");
        Assert.Contains("metro.json:", page);
        Assert.Contains("the page plans at most 5", page);
        Assert.DoesNotContain("<svg role=\"img\" aria-labelledby=\"map-caption\"", page);
    }

    [Fact]
    public async Task AnAnonymousFlood_StaysWithinTheRateLimit_MembersAndOtherPagesKeepAnswering()
    {
        const int limit = 10, flood = 40;
        using var factory = new HubFactory { Settings = { ["Hub:Tools:RequestsPerMinute"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
        var anonymous = factory.CreateClient();
        var reader = factory.CreateClient();

        // The flood and, beside it, a reader of ordinary pages (not rate limited) whose every answer is timed.
        var floodTasks = Enumerable.Range(0, flood).Select(i => anonymous.GetAsync($"/Tools/KeyRate?Link=gys&MaxKm={100 + i}")).ToList();
        var latencies = new List<double>();
        var readerTask = Task.Run(async () =>
        {
            for (int i = 0; i < 20; i++)
            {
                var clock = Stopwatch.StartNew();
                var page = await reader.GetAsync(i % 2 == 0 ? "/" : "/Learn");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                latencies.Add(clock.Elapsed.TotalMilliseconds);
            }
        });
        var answers = await Task.WhenAll(floodTasks);
        await readerTask;

        Assert.Equal(limit, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        var refused = answers.Where(a => a.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(flood - limit, refused.Count);
        Assert.Equal("60", refused[0].Headers.GetValues("Retry-After").Single());
        // A page of the hub in the visitor's language, not an empty answer the browser shows as "HTTP ERROR 429".
        Assert.Equal("text/html", refused[0].Content.Headers.ContentType?.MediaType);
        string refusal = WebUtility.HtmlDecode(await refused[0].Content.ReadAsStringAsync());
        Assert.Contains("<h1>Quá nhiều yêu cầu</h1>", refusal);
        Assert.Contains("Hãy thử lại sau", refusal);
        Assert.Contains("giờ Việt Nam, UTC+7", refusal);
        latencies.Sort();
        output.WriteLine($"other pages during the flood: p50 {latencies[latencies.Count / 2]:F0} ms, max {latencies[^1]:F0} ms");

        // Still refused (the window is a minute), while a member counts on their own account, not the address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/Tools/Sensing")).StatusCode);
        var member = factory.Session();
        await member.SignIn(factory.AdminEmail, factory.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await member.Client.GetAsync("/Tools/Sensing")).StatusCode);

        // A lesson is read freely; only its checks count.
        for (int i = 0; i < limit + 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/Learn/intro/03-bb84")).StatusCode);
        }
    }

    private static async Task<(HttpStatusCode Status, string Page)> PostCircuit(HubSession session, string source, int shots, TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        string form = await session.Get("/Tools/Circuit");
        var response = await session.Client.PostAsync("/Tools/Circuit", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Source"] = source,
            ["Shots"] = shots.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Seed"] = "7",
            ["__RequestVerificationToken"] = Token().Match(form).Groups[1].Value,
        }), timeout.Token);
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync(timeout.Token)));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
