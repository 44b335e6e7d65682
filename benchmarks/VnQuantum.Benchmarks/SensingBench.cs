using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Sensing.Dynamics;
using VnQuantum.Sensing.Estimation;
using VnQuantum.Sensing.Sensors;
using VnQuantum.Sensing.States;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;

namespace VnQuantum.Benchmarks;

/// <summary>
/// The QFI of an N-qubit mixed state (GHZ under local dephasing, the full 2^N density matrix from the engine):
/// time of the dense eigendecomposition and the whole formula, checked against the closed form; and the Dicke-block
/// optimisation of a spin-squeezed Ramsey probe of N spins under local dephasing. Usage: sensing [--n 10] [--spins 1000]
/// </summary>
internal static class SensingBench
{
    public static int Run(string[] args)
    {
        int i = Array.IndexOf(args, "--n");
        int n = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 10;
        const double gamma = 1e3, t = 1e-4;
        var clock = Stopwatch.StartNew();
        using var rho = DensityMatrix.Create(n);
        double h = 1 / Math.Sqrt(2);
        rho.ApplyMatrix([0], [h, h, h, -h]);
        for (int q = 1; q < n; q++)
        {
            rho.ApplyX(q, [0]);
        }

        var channel = KrausChannel.PhaseDamping(1 - Math.Exp(-2 * gamma * t));
        for (int q = 0; q < n; q++)
        {
            rho.ApplyChannel(channel, [q]);
        }

        int dim = 1 << n;
        var array = rho.ToArray();
        var m = Matrix<Complex>.Build.Dense(dim, dim, (r, c) => array[r, c]);
        var jz = Matrix<Complex>.Build.DenseOfDiagonalArray(Enumerable.Range(0, dim).Select(k => (Complex)((n / 2.0) - int.PopCount(k))).ToArray());
        var derivative = ((jz * m) - (m * jz)) * new Complex(0, -t);
        double prepare = clock.Elapsed.TotalSeconds;
        clock.Restart();
        double qfi = FisherInformation.Mixed(m, derivative);
        double seconds = clock.Elapsed.TotalSeconds;
        double expected = EntangledProbes.FisherPerShot(ProbeState.Ghz, n, gamma, t);
        Console.WriteLine($"# QFI of a {n}-qubit mixed state ({dim}×{dim}), GHZ under local dephasing; {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| step | seconds |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| prepare ρ (engine density matrix) and ∂ρ | {prepare:0.00} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| QFI: Hermitian eigendecomposition (MathNet) + SLD sum | {seconds:0.00} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nQFI {qfi:G8} against the closed form N²t²e^(−2Nγt) = {expected:G8} (relative difference {Math.Abs(qfi - expected) / expected:G2})"));

        int s = Array.IndexOf(args, "--spins");
        int spins = s >= 0 && s + 1 < args.Length ? int.Parse(args[s + 1], CultureInfo.InvariantCulture) : 1000;
        Squeezed(spins);
        return 0;
    }

    private static void Squeezed(int spins)
    {
        const double gamma = 1.0;
        var layout = new DickeBlockState(spins, maxCoherenceOrder: 2);
        var generator = new DickeLindblad(layout, new SpinEnsembleNoise(Dephasing: gamma));
        var result = SqueezedProbe.Optimise(spins, new SpinEnsembleNoise(Dephasing: gamma));
        var coherent = EntangledProbes.Optimum(ProbeState.Product, spins, gamma);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"# Spin-squeezed Ramsey probe of N = {spins} spins under local dephasing γ = 1/s: Dicke blocks with coherence orders ≤ 2"));
        Console.WriteLine();
        Console.WriteLine("| quantity | value |");
        Console.WriteLine("|---|---:|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| stored numbers (full Dicke blocks would hold {(spins + 1L) * (spins + 2) * (spins + 3) / 6:N0}) | {layout.StoredCount:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| generator entries | {generator.EntryCount:N0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| master-equation solutions in the search | {result.Evolutions} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| whole optimisation (s) | {result.Elapsed.TotalSeconds:0.0} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| optimal twisting μ | {result.Twisting:G4} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| optimal interrogation t (s) | {result.OptimalSeconds:G4} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Wineland ξ² at the end of t | {result.WinelandParameter:G4} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| δω√T squeezed (rad/s/√Hz) | {result.Sensitivity:G5} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| δω√T unentangled, solver / closed form √(2eγ/N) | {result.CoherentSensitivity:G5} / {coherent.Sensitivity:G5} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Escher bound √(2γ/N) | {result.AsymptoticBound:G5} |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| gain over unentangled (at most √e = 1.6487) | {result.GainOverCoherent:0.000} |"));
    }
}
