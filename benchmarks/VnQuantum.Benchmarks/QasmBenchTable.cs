using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VnQuantum.Benchmarks;

/// <summary>
/// <c>qasmbench</c>: every program of a QASMBench checkout through <c>vnq info</c> and <c>vnq run</c>, one process
/// each, as a user meets them: the method <c>auto</c> chose and why, the whole run's wall time beside the time
/// <c>vnq info</c> estimated for it, or the message a refused program got.
/// </summary>
/// <remarks>
/// <c>qasmbench --vnq path/to/vnq.dll --dir QASMBench [--shots 1024] [--timeout 60] [--filter text] [--out table.md]</c>.
/// QASMBench (github.com/pnnl/QASMBench) is read where it lies, never copied into this repository. A run past
/// <c>--timeout</c> seconds is stopped and its row says so; the estimate is then checked only as a lower bound.
/// </remarks>
internal static class QasmBenchTable
{
    public static int Run(string[] args)
    {
        string? vnq = null, dir = null, filter = null, outPath = null;
        int shots = 1024;
        double timeout = 60;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--vnq": vnq = args[i + 1]; break;
                case "--dir": dir = args[i + 1]; break;
                case "--shots": shots = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--timeout": timeout = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--filter": filter = args[i + 1]; break;
                case "--out": outPath = args[i + 1]; break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (vnq is null || !File.Exists(vnq) || dir is null || !Directory.Exists(dir))
        {
            Console.Error.WriteLine("qasmbench needs --vnq path/to/vnq.dll (dotnet publish src/VnQuantum.Cli -c Release -o DIR) and --dir a QASMBench checkout");
            return 2;
        }

        var files = new[] { "small", "medium", "large" }
            .SelectMany(size => Directory.Exists(Path.Combine(dir, size))
                ? Directory.EnumerateFiles(Path.Combine(dir, size), "*.qasm", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(f => (Size: size, File: f))
                : [])
            .Where(f => filter is null || f.File.Contains(filter, StringComparison.Ordinal))
            .ToList();

        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"{files.Count} programs, {shots} shots, seed 1, whole `vnq run` processes (start-up and parsing included), stopped after {timeout} s");
        table.AppendLine();
        table.AppendLine("| program | size | qubits | method (auto) | how | estimated s | measured s | measured / estimated |");
        table.AppendLine("|---|---|---:|---|---|---:|---:|---:|");
        Console.Write(table);
        int ran = 0, within = 0, refused = 0, stopped = 0;
        double worst = 1;
        foreach (var (size, file) in files)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            var info = Launch(vnq, ["info", "--shots", shots.ToString(CultureInfo.InvariantCulture), "-f", "json", file], timeout);
            double? estimate = null;
            int? qubits = null;
            if (info.ExitCode == 0)
            {
                using var json = JsonDocument.Parse(info.Output);
                qubits = json.RootElement.GetProperty("qubits").GetInt32();
                if (json.RootElement.TryGetProperty("estimated_run_seconds", out var e) && e.ValueKind == JsonValueKind.Number)
                {
                    estimate = e.GetDouble();
                }
            }

            var run = Launch(vnq, ["run", "--shots", shots.ToString(CultureInfo.InvariantCulture), "--seed", "1", "-f", "json", file], timeout);
            string row;
            if (run.TimedOut)
            {
                stopped++;
                bool consistent = estimate is { } est && est >= timeout / 2;
                row = Row(name, size, qubits, "—", $"stopped after {timeout:0} s", estimate, null, consistent ? $"≥ {timeout / estimate!.Value:0.00}" : "estimate too low");
                if (consistent)
                {
                    within++;
                }
            }
            else if (run.ExitCode != 0)
            {
                refused++;
                string message = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? $"exit {run.ExitCode}";
                message = message.Replace(file, name + ".qasm", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal);
                row = Row(name, size, qubits, $"refused (exit {run.ExitCode})", message, estimate, run.Seconds, string.Empty);
            }
            else
            {
                ran++;
                using var json = JsonDocument.Parse(run.Output);
                var metadata = json.RootElement.GetProperty("metadata");
                string method = metadata.GetProperty("method").GetString()!;
                string reason = metadata.TryGetProperty("method_reason", out var r) ? r.GetString() ?? string.Empty : string.Empty;
                string how = reason.Contains("; ", StringComparison.Ordinal) ? reason[(reason.IndexOf("; ", StringComparison.Ordinal) + 2)..] : metadata.TryGetProperty("sampled_from_final_state", out var s) && s.GetBoolean() ? "sampled from the final state" : string.Empty;
                string ratio = string.Empty;
                if (estimate is { } est && est > 0)
                {
                    double q = run.Seconds / est;
                    ratio = q.ToString("0.00", CultureInfo.InvariantCulture);
                    worst = Math.Max(worst, Math.Max(q, 1 / q));
                    if (q is >= 0.5 and <= 2)
                    {
                        within++;
                    }
                }

                row = Row(name, size, qubits, method, how, estimate, run.Seconds, ratio);
            }

            Console.WriteLine(row);
            table.AppendLine(row);
        }

        string summary = string.Create(CultureInfo.InvariantCulture, $"ran {ran}, refused {refused}, stopped {stopped}; estimate within 2× of the measured time (or, when stopped, at least half the limit) on {within} of {ran + stopped}; worst factor {worst:0.00}");
        Console.WriteLine();
        Console.WriteLine(summary);
        table.AppendLine().AppendLine(summary);
        if (outPath is not null)
        {
            File.WriteAllText(outPath, table.ToString());
        }

        return 0;
    }

    private static string Row(string name, string size, int? qubits, string method, string how, double? estimate, double? measured, string ratio) =>
        string.Create(CultureInfo.InvariantCulture, $"| {name} | {size} | {(qubits?.ToString(CultureInfo.InvariantCulture) ?? "—")} | {method} | {how} | {(estimate is { } e ? Seconds(e) : "—")} | {(measured is { } m ? Seconds(m) : "—")} | {ratio} |");

    private static string Seconds(double s) => s switch
    {
        < 10 => s.ToString("0.00", CultureInfo.InvariantCulture),
        < 1e6 => s.ToString("0", CultureInfo.InvariantCulture),
        _ => s.ToString("0.0e0", CultureInfo.InvariantCulture),
    };

    private static (int ExitCode, bool TimedOut, double Seconds, string Output, string Error) Launch(string vnq, string[] args, double timeout)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(vnq);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(timeout)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            return (-1, true, clock.Elapsed.TotalSeconds, string.Empty, string.Empty);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        return (process.ExitCode, false, seconds, output.Result, error.Result);
    }
}
