using System.Numerics;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Circuits.Tests;

/// <summary>Shortcuts: parse or fail with the diagnostic; run and return the final state.</summary>
internal static class TestPrograms
{
    public const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    public static Circuit Parse(string source)
    {
        var result = OpenQasm2.Parse(source, "test.qasm");
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Circuit!;
    }

    public static QasmDiagnostic ParseError(string source)
    {
        var result = OpenQasm2.Parse(source, "test.qasm");
        Assert.False(result.Succeeded, "expected a parse error");
        return result.Error!;
    }

    public static Complex[] State(string source, int fusion = 0, int threads = 1) => State(Parse(source), fusion, threads);

    public static Complex[] State(Circuit circuit, int fusion = 0, int threads = 1) =>
        CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, Seed = 1, IncludeStatevector = true, FusionMaxQubits = fusion, Threads = threads }).Statevector!;

    public static string SamplesFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "samples")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("samples/ not found above the test binaries"), "samples");
    }

    /// <summary>Max |a − e^{iφ} b| over the best global phase φ: for comparing up to a global phase.</summary>
    public static double DistanceUpToPhase(Complex[] a, Complex[] b)
    {
        Complex overlap = 0;
        for (int i = 0; i < a.Length; i++)
        {
            overlap += Complex.Conjugate(b[i]) * a[i];
        }

        var phase = overlap.Magnitude < 1e-12 ? Complex.One : overlap / overlap.Magnitude;
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, (a[i] - (phase * b[i])).Magnitude);
        }

        return max;
    }
}
