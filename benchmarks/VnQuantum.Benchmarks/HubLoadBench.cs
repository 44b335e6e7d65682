using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using VnQuantum.Hub.Data;
using VnQuantum.Kms.Tests;

namespace VnQuantum.Benchmarks;

/// <summary>
/// <c>hub-load</c>: the hub (its own process, Production, jobs off) on a database of 10,000 people, SQLite and — when a
/// PostgreSQL connection is given (--postgres or VNQ_TEST_POSTGRES) — PostgreSQL; this process as the load generator
/// on loopback with keep-alive connections. Pages per second and p50/p99 latency for the home page, search (ten
/// queries in rotation, Vietnamese with and without diacritics) and a profile (random ids).
/// </summary>
internal static class HubLoadBench
{
    private static readonly string[] Queries = ["Ha Noi", "Đà Nẵng", "Duc", "QKD", "magnetometry", "Nguyen Van", "Trần Thị Lan", "cold atoms", "Hue", "Can Tho"];

    public static int Run(string[] args)
    {
        int people = Arg(args, "--people", 10_000);
        int seconds = Arg(args, "--seconds", 5);
        int connections = Arg(args, "--connections", 8);
        int pi = Array.IndexOf(args, "--pages");
        var load = new LoadShape(seconds, connections, Arg(args, "--open-percent", 70), pi >= 0 && pi + 1 < args.Length ? args[pi + 1].Split(',') : ["home", "search", "profile"]);
        int i = Array.IndexOf(args, "--postgres");
        string? postgres = i >= 0 && i + 1 < args.Length ? args[i + 1] : Environment.GetEnvironmentVariable("VNQ_TEST_POSTGRES");

        Console.WriteLine($"| backend | page | closed loop: pages/s | p50 ms | p99 ms | open loop at {load.OpenPercent} %: pages/s | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        string dir = Directory.CreateTempSubdirectory("vnq-hub-load-").FullName;
        try
        {
            Measure("SQLite", "sqlite", $"Data Source={Path.Combine(dir, "hub.db")}", people, load, dir);
            if (postgres is not null)
            {
                string database = $"vnq_hub_bench_{Environment.ProcessId}";
                try
                {
                    Measure("PostgreSQL", "postgres", new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString, people, load, dir);
                }
                finally
                {
                    NpgsqlConnection.ClearAllPools();
                    using var connection = new NpgsqlConnection(postgres);
                    connection.Open();
                    using var drop = connection.CreateCommand();
                    drop.CommandText = $"DROP DATABASE IF EXISTS {database} WITH (FORCE)";
                    drop.ExecuteNonQuery();
                }
            }
            else
            {
                Console.WriteLine("| PostgreSQL | (skipped: pass --postgres \"Host=…\" or set VNQ_TEST_POSTGRES) | | | | | | |");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }

        Console.WriteLine();
        Console.WriteLine($"{people:N0} people, {connections} connections, {seconds} s per page, {Environment.ProcessorCount} cores shared by the hub and the load generator; target: search p99 < 50 ms");
        return 0;
    }

    private static void Measure(string name, string provider, string connection, int people, LoadShape load, string dir)
    {
        using (var db = HubDatabase.Open(provider, connection))
        {
            HubDatabase.PrepareAsync(db, NullLogger.Instance).GetAwaiter().GetResult();
            SampleData.AddGeneratedPeople(db, people - db.People.Count());
        }

        int port = LoopbackPort.Free();
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "VnQuantum.Hub.exe" : "VnQuantum.Hub"))
        {
            WorkingDirectory = AppContext.BaseDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "--urls", $"http://127.0.0.1:{port}", "--environment", "Production", "--Hub:Database", provider, "--ConnectionStrings:Hub", connection,
                "--Hub:Jobs:Enabled", "false", "--Hub:AdminPasswordFile", Path.Combine(dir, $"admin-{provider}.txt"), "--Logging:LogLevel:Default", "Warning",
            },
        };
        using var hub = Process.Start(start)!;
        // The hub logs to standard output; its errors (a failing query, an exhausted pool) are worth seeing beside the table.
        // Each entry is a "fail: Category" line and the indented message under it.
        bool inError = false;
        hub.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { } line)
            {
                return;
            }

            inError = line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal) || (inError && line.StartsWith("      ", StringComparison.Ordinal) && !line.StartsWith("         at ", StringComparison.Ordinal));
            if (inError)
            {
                Console.Error.WriteLine("hub: " + line);
            }
        };
        hub.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine("hub: " + line); };
        hub.BeginOutputReadLine();
        hub.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = load.Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = new Uri($"http://127.0.0.1:{port}"),
            };
            WaitUntilUp(client, hub);
            var pages = new (string Page, Func<Random, string> Path)[]
            {
                ("home", _ => "/"),
                ("search", r => "/Search?q=" + Uri.EscapeDataString(Queries[r.Next(Queries.Length)])),
                ("profile", r => $"/People/Details/{r.Next(1, people + 1)}"),
            };
            // The open loop gets connections enough that a request never waits for one in the client.
            using var open = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
            {
                BaseAddress = client.BaseAddress,
            };
            foreach (var (page, path) in pages.Where(p => load.Pages.Contains(p.Page)))
            {
                Load(client, load.Connections, 2, path); // warm-up
                var (rps, p50, p99) = Load(client, load.Connections, load.Seconds, path);

                // Then a fixed arrival rate, a share of what the closed loop reached: the tail a user meets at that load.
                // A second's warm-up first, so the open loop's connections are made before it is timed.
                double rate = Math.Max(1, Math.Round(load.OpenPercent / 100.0 * rps));
                HttpLoad.RunOpen(rate, 1, random => open.GetAsync(path(random)), NotFound);
                var (openRps, openP50, openP99, failures) = HttpLoad.RunOpen(rate, load.Seconds, random => open.GetAsync(path(random)), NotFound);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {page} | {rps:F0} | {p50:F2} | {p99:F2} | {openRps:F0} of {rate:F0} | {openP50:F2} | {openP99:F2} |{(failures > 0 ? $" {failures} failed" : string.Empty)}"));
            }
        }
        finally
        {
            hub.Kill(true);
            hub.WaitForExit();
        }
    }

    // A random profile id may be a members-only profile: its 404 is a served page.
    private static bool NotFound(System.Net.HttpStatusCode status) => status == System.Net.HttpStatusCode.NotFound;

    private sealed record LoadShape(int Seconds, int Connections, int OpenPercent, string[] Pages);

    private static void WaitUntilUp(HttpClient client, Process hub)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(120))
        {
            if (hub.HasExited)
            {
                throw new InvalidOperationException($"The hub exited with code {hub.ExitCode} before it served a page.");
            }

            try
            {
                if (client.GetAsync("/").GetAwaiter().GetResult().IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException("The hub did not come up within 120 s.");
    }

    private static (double Rps, double P50, double P99) Load(HttpClient client, int connections, int seconds, Func<Random, string> path)
    {
        // Members-only profiles are 404 to the anonymous load: served, and timed, like any page.
        var (rps, p50, p99, failures) = HttpLoad.Run(connections, seconds, (_, random) => client.GetAsync(path(random)), NotFound);
        if (failures > 0)
        {
            Console.WriteLine($"| | {failures} requests failed | | | |");
        }

        return (rps, p50, p99);
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }
}
