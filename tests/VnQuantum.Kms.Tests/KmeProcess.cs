using System.Diagnostics;

namespace VnQuantum.Kms.Tests;

/// <summary>A real KME process, <c>vnq kms serve --config …</c>, as the crash test and the load benchmark run it.</summary>
internal static class KmeProcess
{
    /// <summary>Starts the KME and returns once it says it is serving (or throws with what it said on stderr).</summary>
    public static Process Start(string config)
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
        };
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && process.StandardOutput.ReadLine() is string line)
        {
            if (line.Contains("serving"))
            {
                _ = Task.Run(() => process.StandardOutput.ReadToEnd());
                return process;
            }
        }

        process.Kill(true);
        lock (errors)
        {
            throw new InvalidOperationException($"the KME ({config}) did not start: {errors}");
        }
    }
}
