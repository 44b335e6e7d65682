using System.Diagnostics;

namespace VnQuantum.Kms.Tests;

/// <summary>A real KME process, <c>vnq kms serve --config …</c>, as the crash test and the load benchmark run it.</summary>
internal static class KmeProcess
{
    /// <summary>Starts the KME and returns once it says it is serving (or throws with what it said on stderr).</summary>
    /// <param name="log">Collects everything the KME prints (stdout and stderr), for tests that check the logs.</param>
    public static Process Start(string config, System.Text.StringBuilder? log = null)
    {
        string vnq = Path.Combine(AppContext.BaseDirectory, "vnq.dll");
        var process = Process.Start(new ProcessStartInfo("dotnet", [vnq, "kms", "serve", "--config", config])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        var errors = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }

            if (log is not null)
            {
                lock (log)
                {
                    log.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && process.StandardOutput.ReadLine() is string line)
        {
            Collect(log, line);
            if (line.Contains("Ctrl+C stops"))
            {
                _ = Task.Run(() =>
                {
                    while (process.StandardOutput.ReadLine() is string more)
                    {
                        Collect(log, more);
                    }
                });
                return process;
            }
        }

        process.Kill(true);
        lock (errors)
        {
            throw new InvalidOperationException($"the KME ({config}) did not start: {errors}");
        }
    }

    private static void Collect(System.Text.StringBuilder? log, string line)
    {
        if (log is not null)
        {
            lock (log)
            {
                log.AppendLine(line);
            }
        }
    }
}
