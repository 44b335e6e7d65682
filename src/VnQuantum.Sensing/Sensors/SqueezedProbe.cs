using System.Diagnostics;
using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Sensing.Dynamics;
using VnQuantum.Sensing.States;

namespace VnQuantum.Sensing.Sensors;

/// <summary>The best spin-squeezed Ramsey probe found by <see cref="SqueezedProbe.Optimise"/>.</summary>
/// <param name="Twisting">One-axis-twisting strength μ of the initial state (0: the coherent spin state won).</param>
/// <param name="RotationAngle">The rotation about the mean spin that turns the squeezed quadrature onto the signal direction.</param>
/// <param name="OptimalSeconds">Interrogation time t.</param>
/// <param name="WinelandParameter">ξ² of the state at the end of the interrogation.</param>
/// <param name="PhaseError">Δφ per shot (rad), by error propagation with the best spin component to measure.</param>
/// <param name="Sensitivity">δω·√T = Δφ/√t (rad/s/√Hz).</param>
/// <param name="CoherentSensitivity">The same optimum for N unentangled spins (the SQL under this noise).</param>
/// <param name="AsymptoticBound">√(2γ/N) under local dephasing γ (Escher et al. 2011): no state beats it.</param>
/// <param name="Evolutions">Master-equation solutions the search took.</param>
/// <param name="Elapsed">Wall time of the search.</param>
public sealed record SqueezedProbeResult(
    int N,
    double Twisting,
    double RotationAngle,
    double OptimalSeconds,
    double WinelandParameter,
    double PhaseError,
    double Sensitivity,
    double CoherentSensitivity,
    double AsymptoticBound,
    int Evolutions,
    TimeSpan Elapsed)
{
    /// <summary>How many times better than the unentangled optimum (the gain entanglement buys here).</summary>
    public double GainOverCoherent => CoherentSensitivity / Sensitivity;
}

/// <summary>
/// Spin-squeezed Ramsey interferometry of N spins under permutation-invariant noise (local dephasing, decay and
/// pumping, collective processes): the one-axis-twisted state (Kitagawa and Ueda, PRA 47, 5138 (1993)), rotated about
/// its mean spin so that the squeezed quadrature lies along the signal, evolves for t with the Dicke-block master
/// equation (<see cref="DickeLindblad"/>, coherence orders ≤ 2: O(N²) numbers, so N = 1000 is routine), and the phase
/// of a rotation about z is read from the best spin component in the plane orthogonal to the mean spin:
/// Δφ² = 1/(sᵀC⁻¹s), with C that plane's covariance and s the motion of ⟨J⟩ (error propagation, Wineland et al.,
/// PRA 50, 67 (1994)). The search runs a golden section over log μ and a grid over t on each solution.
/// </summary>
public static class SqueezedProbe
{
    /// <summary>
    /// The solver's tolerance on the whole state: its fast transients (rates up to Nγ) hardly touch the moments, which
    /// stay within 2·10⁻⁹ of the closed form at this setting (N = 200 and 1000, local dephasing), and it is 2× faster.
    /// </summary>
    private static readonly LindbladOptions MomentTolerance = new(RelativeTolerance: 1e-4);

    /// <summary>Finds the twisting strength and interrogation time that minimise δω√T.</summary>
    public static SqueezedProbeResult Optimise(int n, SpinEnsembleNoise noise, int timePoints = 32, IProgress<double>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 2);
        ArgumentNullException.ThrowIfNull(noise);
        double rate = noise.Dephasing + (noise.Emission / 2) + (noise.Pumping / 2) + noise.CollectiveDephasing + (n * (noise.CollectiveEmission + noise.CollectivePumping) / 2);
        if (!(rate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(noise), "some noise is needed: without it longer interrogation always wins");
        }

        var clock = Stopwatch.StartNew();
        var spin = new CollectiveSpin(n);
        // t from 1 % to 150 % of the unentangled optimum 1/(2γ): squeezed probes want shorter times, and the cost of a
        // solution grows with its last time (the step is held to the stability limit ≈ 3.3/(Nγ)).
        double coherentOptimum = 1 / (2 * rate);
        var times = Enumerable.Range(0, timePoints).Select(i => 0.01 * coherentOptimum * Math.Pow(150, i / (timePoints - 1.0))).ToArray();
        var generator = new DickeLindblad(new DickeBlockState(n, maxCoherenceOrder: 2), noise);
        var rotation = RotationAboutX(spin);
        int evolutions = 0;

        // One evolution: the best t on the grid, refined by a parabola through its neighbours in log t.
        (double Sensitivity, double Time, double Phase, double Xi2, double Angle) Evaluate(double mu)
        {
            var psi = spin.OneAxisTwisted(mu);
            double angle = mu == 0 ? 0 : SqueezingAngle(psi);

            // Whichever sense of rotation leaves the least variance along y (the signal direction).
            var rotated = rotation(psi, -angle);
            var other = rotation(psi, angle);
            if (DickeBlockState.FromSymmetric(other, 2).Moments().Covariance(1, 1) < DickeBlockState.FromSymmetric(rotated, 2).Moments().Covariance(1, 1))
            {
                (rotated, angle) = (other, -angle);
            }

            var best = (Sensitivity: double.PositiveInfinity, Time: 0.0, Phase: 0.0, Xi2: 0.0, Angle: angle);
            var values = new double[times.Length];
            generator.Evolve(DickeBlockState.FromSymmetric(rotated, 2), times, (i, state) =>
            {
                var moments = state.Moments();
                double phase = PhaseError(moments);
                values[i] = phase / Math.Sqrt(times[i]);
                if (values[i] < best.Sensitivity)
                {
                    best = (values[i], times[i], phase, moments.WinelandParameter(), angle);
                }
            }, MomentTolerance);
            evolutions++;
            int k = Array.IndexOf(times, best.Time);
            if (k > 0 && k < times.Length - 1)
            {
                double step = Math.Log(times[k + 1] / times[k]);
                double a = values[k - 1], b = values[k], c = values[k + 1];
                double denominator = a - (2 * b) + c;
                if (denominator > 0)
                {
                    double offset = 0.5 * (a - c) / denominator;
                    best.Time = times[k] * Math.Exp(offset * step);
                    best.Sensitivity = b - (0.25 * (a - c) * offset);
                }
            }

            return best;
        }

        var coherent = Evaluate(0);
        progress?.Report(0.05);

        // Golden section over log μ in [10⁻³, 3]·N^(−2/3) (the noiseless optimum is ≈ 1.7 N^(−2/3)); each point is one
        // master-equation solution, kept to report the winner.
        double scale = Math.Pow(n, -2.0 / 3);
        const int iterations = 10;
        var solved = new Dictionary<double, (double Sensitivity, double Time, double Phase, double Xi2, double Angle)>();
        double Objective(double logMu)
        {
            var result = Evaluate(Math.Exp(logMu));
            solved[logMu] = result;
            progress?.Report(Math.Min(1, 0.05 + (0.95 * solved.Count / (iterations + 2))));
            return result.Sensitivity;
        }

        double x = GoldenSection.Minimum(Objective, Math.Log(1e-3 * scale), Math.Log(3 * scale), iterations);
        var (mu, best) = (Math.Exp(x), solved[x]);
        if (coherent.Sensitivity <= best.Sensitivity)
        {
            (mu, best) = (0, coherent);
        }

        double bound = noise.Dephasing > 0 ? Math.Sqrt(2 * noise.Dephasing / n) : 0;
        return new SqueezedProbeResult(n, mu, best.Angle, best.Time, best.Xi2, best.Phase, best.Sensitivity, coherent.Sensitivity, bound, evolutions, clock.Elapsed);
    }

    /// <summary>Δφ for a rotation about z, from the moments: 1/√(sᵀC⁻¹s) in the plane orthogonal to ⟨J⟩.</summary>
    public static double PhaseError(SpinMoments moments)
    {
        ArgumentNullException.ThrowIfNull(moments);
        double[] mean = moments.Mean;
        double length = Math.Sqrt((mean[0] * mean[0]) + (mean[1] * mean[1]) + (mean[2] * mean[2]));
        if (length < 1e-300)
        {
            return double.PositiveInfinity;
        }

        var (u, w) = OrthonormalFrame.Around([mean[0] / length, mean[1] / length, mean[2] / length]);

        // ∂⟨J⟩/∂φ for e^(−iφJ_z): ẑ × ⟨J⟩.
        double[] signal = [-mean[1], mean[0], 0];
        double Dot(double[] a, double[] b) => (a[0] * b[0]) + (a[1] * b[1]) + (a[2] * b[2]);
        double Quadratic(double[] a, double[] b)
        {
            double sum = 0;
            for (int i = 0; i < 3; i++)
            {
                for (int j = 0; j < 3; j++)
                {
                    sum += a[i] * moments.Covariance(i, j) * b[j];
                }
            }

            return sum;
        }

        double cuu = Quadratic(u, u), cww = Quadratic(w, w), cuw = Quadratic(u, w);
        double su = Dot(u, signal), sw = Dot(w, signal);
        double determinant = (cuu * cww) - (cuw * cuw);
        double information = ((su * su * cww) - (2 * su * sw * cuw) + (sw * sw * cuu)) / determinant;
        return 1 / Math.Sqrt(information);
    }

    /// <summary>The angle of the least-variance direction in the y–z plane (mean spin along x), measured from y towards z.</summary>
    private static double SqueezingAngle(Complex[] psi)
    {
        var state = DickeBlockState.FromSymmetric(psi, 2).Moments();
        double cyy = state.Covariance(1, 1), czz = state.Covariance(2, 2), cyz = state.Covariance(1, 2);
        return 0.5 * Math.Atan2(2 * cyz, cyy - czz) + (Math.PI / 2);
    }

    /// <summary>ψ ↦ e^(−iθJ_x)ψ in the symmetric space, from one eigendecomposition of J_x reused for every θ.</summary>
    private static Func<Complex[], double, Complex[]> RotationAboutX(CollectiveSpin spin)
    {
        int d = spin.Dimension;
        var jx = Matrix<double>.Build.Dense(d, d, (r, c) => spin.Jx[(r * d) + c].Real);
        var eigen = jx.Evd(Symmetricity.Symmetric);
        var vectors = eigen.EigenVectors;
        var values = eigen.EigenValues.Select(v => v.Real).ToArray();
        return (psi, theta) =>
        {
            var coefficients = new Complex[d];
            for (int k = 0; k < d; k++)
            {
                Complex sum = 0;
                for (int i = 0; i < d; i++)
                {
                    sum += vectors[i, k] * psi[i];
                }

                coefficients[k] = sum * Complex.FromPolarCoordinates(1, -theta * values[k]);
            }

            var result = new Complex[d];
            for (int i = 0; i < d; i++)
            {
                Complex sum = 0;
                for (int k = 0; k < d; k++)
                {
                    sum += vectors[i, k] * coefficients[k];
                }

                result[i] = sum;
            }

            return result;
        };
    }
}
