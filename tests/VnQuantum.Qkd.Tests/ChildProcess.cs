using System.Diagnostics;
using System.Security.Cryptography;
using VnQuantum.Qkd.PostProcessing;
using VnQuantum.Qkd.Tests.PostProcessing;

namespace VnQuantum.Qkd.Tests;

/// <summary>
/// Runs a piece of this assembly in a fresh process with other runtime settings (an instruction set turned off with
/// <c>DOTNET_Enable…=0</c>), as ImageSharp's tests do: a SIMD path chosen once at JIT time is then proved equal to its
/// scalar twin without a global switch that other tests, running in parallel, would see.
/// </summary>
public static class ChildProcess
{
    /// <summary>The child's work, by name: each prints one line for the parent to compare.</summary>
    private static readonly Dictionary<string, Func<string>> Work = new(StringComparer.Ordinal)
    {
        ["toeplitz"] = ToeplitzDigest,
    };

    public static int Main(string[] args)
    {
        if (args.Length != 1 || !Work.TryGetValue(args[0], out var work))
        {
            Console.Error.WriteLine($"usage: VnQuantum.Qkd.Tests {string.Join("|", Work.Keys)} (the tests start this; it is not a test runner)");
            return 2;
        }

        Console.WriteLine(work());
        return 0;
    }

    /// <summary>Runs <paramref name="work"/> in a child process with <paramref name="environment"/> added; returns its line.</summary>
    public static string Run(string work, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        start.ArgumentList.Add(work);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"child '{work}' did not finish in 2 minutes");
        }

        return process.ExitCode == 0 ? stdout.Trim() : throw new InvalidOperationException($"child '{work}' exited {process.ExitCode}: {stderr.Result}");
    }

    /// <summary>"vector512=… sha256" of the Toeplitz-Karatsuba hash of fixed seeded inputs (PrimitivesTests).</summary>
    public static string ToeplitzDigest()
    {
        using var output = ToeplitzTwin.Compress(ToeplitzMethod.ToeplitzKaratsuba);
        byte[] bytes = output.ToBytes();
        return $"vector512={ToeplitzProduct.UseVector512} {Convert.ToHexString(SHA256.HashData(bytes))}";
    }
}

/// <summary>The inputs of the Toeplitz scalar-twin test, shared by the parent and the child.</summary>
internal static class ToeplitzTwin
{
    public static KeyBits Compress(ToeplitzMethod method)
    {
        using var input = TestKeys.Random(70_000, 4);
        using var seed = TestKeys.Random(70_000 + 33_333 - 1, 5);
        return ToeplitzHash.Compress(input, seed, 33_333, method);
    }
}
