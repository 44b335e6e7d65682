using System.Numerics;
using MathNet.Numerics.Optimization;
using VnQuantum.Sensing.Dynamics;
using VnQuantum.Sensing.States;

namespace VnQuantum.Sensing.Sensors;

/// <summary>The best symmetric probe found by <see cref="SymmetricProbe.Optimise"/>.</summary>
/// <param name="Amplitudes">The state in <see cref="CollectiveSpin"/>'s basis (index m + N/2), real.</param>
/// <param name="OptimalSeconds">Interrogation time t.</param>
/// <param name="Sensitivity">δω√T = 1/√(F_Q(t)/t) with F_Q the frequency QFI per shot (rad/s/√Hz).</param>
/// <param name="ProductSensitivity">Unentangled spins under the same noise, √(2eγ/N).</param>
/// <param name="GhzSensitivity">The GHZ state under the same noise (equal to the product, Huelga et al.).</param>
/// <param name="Bound">√(2γ/N): the channel-extension bound F_φ ≤ Nη²/(1 − η²), η = e^(−γt), taken to t → 0.</param>
/// <param name="Evaluations">Master-equation solutions the search took.</param>
public sealed record SymmetricProbeResult(int N, double[] Amplitudes, double OptimalSeconds, double Sensitivity, double ProductSensitivity, double GhzSensitivity, double Bound, int Evaluations)
{
    public double GainOverProduct => ProductSensitivity / Sensitivity;
}

/// <summary>
/// Direct optimisation over symmetric probe states of N spins under independent dephasing γ (the question of
/// Demkowicz-Dobrzański, Kołodyński and Guţă, Nat. Commun. 3, 1063 (2012) and Escher et al. 2011): the frequency
/// QFI per unit time of e^(−iωtJ_z) after local dephasing for t, maximised over real amplitudes symmetric under
/// m → −m (the optimum can be taken so, the channel and generator being real and symmetric) and over t. The state is
/// evolved with the Dicke-block master equation (all coherence orders, for the QFI), and Nelder–Mead searches the
/// amplitudes from both the coherent spin state and GHZ. Small N (≤ 24): each evaluation diagonalises every block.
/// </summary>
public static class SymmetricProbe
{
    public const int MaxSpins = 24;

    public static SymmetricProbeResult Optimise(int n, double dephasingRate, int timePoints = 24)
    {
        if (n < 2 || n > MaxSpins)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, $"direct optimisation takes 2 to {MaxSpins} spins (squeezed probes go further)");
        }

        if (!(dephasingRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dephasingRate), dephasingRate, "the dephasing rate must be > 0");
        }

        var spin = new CollectiveSpin(n);
        var generator = new DickeLindblad(new DickeBlockState(n), new SpinEnsembleNoise(Dephasing: dephasingRate));
        var times = Enumerable.Range(0, timePoints).Select(i => 1e-3 / dephasingRate * Math.Pow(1000, i / (timePoints - 1.0))).ToArray();
        int half = (n / 2) + 1;
        int evaluations = 0;

        // Objective: min over the t grid of δω√T = √(t/F_ω), F_ω = t² F_φ.
        (double Value, double Time) Evaluate(double[] amplitudes)
        {
            var state = DickeBlockState.FromSymmetric(Amplitudes(amplitudes, n));
            var best = (Value: double.PositiveInfinity, Time: 0.0);
            generator.Evolve(state, times, (i, s) =>
            {
                double fisher = times[i] * times[i] * s.QuantumFisherInformation();
                double value = fisher > 0 ? Math.Sqrt(times[i] / fisher) : double.PositiveInfinity;
                if (value < best.Value)
                {
                    best = (value, times[i]);
                }
            });
            evaluations++;
            return best;
        }

        var starts = new[] { Half(spin.CoherentX(), half), Half(spin.Ghz(), half) };
        (double[] X, double Value) winner = (starts[0], double.PositiveInfinity);
        foreach (var start in starts)
        {
            var objective = ObjectiveFunction.Value(x => Evaluate([.. x]).Value);
            var result = NelderMeadSimplex.Minimum(objective, MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(start), MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(half, 0.1), convergenceTolerance: 1e-7, maximumIterations: 4000);
            if (result.FunctionInfoAtMinimum.Value < winner.Value)
            {
                winner = ([.. result.MinimizingPoint], result.FunctionInfoAtMinimum.Value);
            }
        }

        // Refine t between the grid's neighbours (golden section on log t) for the winning state.
        var psi = DickeBlockState.FromSymmetric(Amplitudes(winner.X, n));
        double At(double t)
        {
            double value = double.PositiveInfinity;
            generator.Evolve(psi, [t], (_, s) => value = Math.Sqrt(t / (t * t * s.QuantumFisherInformation())));
            return value;
        }

        var (_, grid) = Evaluate(winner.X);
        double ratio = Math.Pow(1000, 1 / (timePoints - 1.0));
        double time = Math.Exp(GoldenSection.Minimum(x => At(Math.Exp(x)), Math.Log(grid / ratio), Math.Log(grid * ratio), 30));
        double sensitivity = At(time);
        var product = EntangledProbes.Optimum(ProbeState.Product, n, dephasingRate);
        var ghz = EntangledProbes.Optimum(ProbeState.Ghz, n, dephasingRate);
        var amplitudes = Amplitudes(winner.X, n);
        return new SymmetricProbeResult(n, [.. amplitudes.Select(a => a.Real)], time, sensitivity, product.Sensitivity, ghz.Sensitivity, Math.Sqrt(2 * dephasingRate / n), evaluations);
    }

    /// <summary>The full symmetric amplitude vector from its first half (mirrored), normalised.</summary>
    private static Complex[] Amplitudes(double[] half, int n)
    {
        var psi = new Complex[n + 1];
        for (int k = 0; k <= n; k++)
        {
            psi[k] = half[Math.Min(k, n - k)];
        }

        double norm = Math.Sqrt(psi.Sum(a => a.Real * a.Real));
        return norm > 0 ? [.. psi.Select(a => a / norm)] : psi;
    }

    private static double[] Half(Complex[] psi, int half) => [.. psi.Take(half).Select(a => a.Real)];
}
