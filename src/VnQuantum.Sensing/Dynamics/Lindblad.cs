using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace VnQuantum.Sensing.Dynamics;

/// <summary>The solver could not meet its tolerance; the message says where and what to change.</summary>
public sealed class LindbladException : Exception
{
    public LindbladException(string message)
        : base(message)
    {
    }

    public LindbladException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public LindbladException()
    {
    }
}

/// <summary>How <see cref="Lindblad.Evolve"/> integrates.</summary>
/// <param name="RelativeTolerance">Per-step error bound of the adaptive integrator, relative to ‖ρ‖.</param>
/// <param name="MinimumStep">Below this step size (relative to the span) the problem is declared stiff.</param>
/// <param name="ExactUpToDimension">Up to this Hilbert-space dimension the propagator e^(𝓛Δt) is computed exactly
/// (scaling and squaring on the d²×d² superoperator): exact and stiff-safe. Above, adaptive Dormand–Prince 5(4).</param>
public sealed record LindbladOptions(double RelativeTolerance = 1e-8, double MinimumStep = 1e-12, int ExactUpToDimension = 32);

/// <summary>
/// The Lindblad master equation dρ/dt = −i[H, ρ] + Σ_k (L_k ρ L_k† − ½{L_k†L_k, ρ}) (ħ = 1; rates inside the L_k).
/// Small systems (the NV centre's 9 levels, a few qubits) are propagated exactly by the matrix exponential of the
/// superoperator, which no stiffness troubles; larger ones by an adaptive Runge–Kutta (Dormand–Prince) that stops with
/// a diagnostic instead of crawling when the step collapses (a stiff problem).
/// </summary>
public static class Lindblad
{
    /// <summary>ρ at each of <paramref name="times"/> (increasing, from 0), starting from <paramref name="rho0"/> at t = 0.</summary>
    /// <exception cref="LindbladException">The adaptive integrator's step fell below the minimum: the message names t and the step.</exception>
    public static IReadOnlyList<Matrix<Complex>> Evolve(
        Matrix<Complex> hamiltonian,
        IReadOnlyList<Matrix<Complex>> jumps,
        Matrix<Complex> rho0,
        IReadOnlyList<double> times,
        LindbladOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hamiltonian);
        ArgumentNullException.ThrowIfNull(jumps);
        ArgumentNullException.ThrowIfNull(rho0);
        ArgumentNullException.ThrowIfNull(times);
        options ??= new LindbladOptions();
        int d = hamiltonian.RowCount;
        if (hamiltonian.ColumnCount != d || rho0.RowCount != d || rho0.ColumnCount != d || jumps.Any(l => l.RowCount != d || l.ColumnCount != d))
        {
            throw new ArgumentException($"H, ρ and every jump operator must be {d}×{d}.");
        }

        for (int i = 1; i < times.Count; i++)
        {
            if (!(times[i] >= times[i - 1]) || times[0] < 0)
            {
                throw new ArgumentException("Times must start at or after 0 and increase.", nameof(times));
            }
        }

        return d <= options.ExactUpToDimension
            ? Exact(hamiltonian, jumps, rho0, times)
            : Adaptive(hamiltonian, jumps, rho0, times, options);
    }

    /// <summary>The right-hand side 𝓛(ρ).</summary>
    public static Matrix<Complex> Generator(Matrix<Complex> hamiltonian, IReadOnlyList<Matrix<Complex>> jumps, Matrix<Complex> rho)
    {
        ArgumentNullException.ThrowIfNull(hamiltonian);
        ArgumentNullException.ThrowIfNull(jumps);
        ArgumentNullException.ThrowIfNull(rho);
        var result = ((hamiltonian * rho) - (rho * hamiltonian)) * new Complex(0, -1);
        foreach (var l in jumps)
        {
            var ld = l.ConjugateTranspose();
            var ldl = ld * l;
            result += (l * rho * ld) - (((ldl * rho) + (rho * ldl)) * new Complex(0.5, 0));
        }

        return result;
    }

    /// <summary>
    /// The superoperator as a d²×d² matrix on column-stacked ρ (vec(AρB) = (Bᵀ ⊗ A) vec ρ).
    /// </summary>
    public static Matrix<Complex> Superoperator(Matrix<Complex> hamiltonian, IReadOnlyList<Matrix<Complex>> jumps)
    {
        ArgumentNullException.ThrowIfNull(hamiltonian);
        ArgumentNullException.ThrowIfNull(jumps);
        int d = hamiltonian.RowCount;
        var identity = Matrix<Complex>.Build.DenseIdentity(d);
        var minusI = new Complex(0, -1);
        var s = (identity.KroneckerProduct(hamiltonian) - hamiltonian.Transpose().KroneckerProduct(identity)) * minusI;
        foreach (var l in jumps)
        {
            var ldl = l.ConjugateTranspose() * l;
            s += l.Conjugate().KroneckerProduct(l);
            s -= (identity.KroneckerProduct(ldl) + ldl.Transpose().KroneckerProduct(identity)) * new Complex(0.5, 0);
        }

        return s;
    }

    private static List<Matrix<Complex>> Exact(Matrix<Complex> h, IReadOnlyList<Matrix<Complex>> jumps, Matrix<Complex> rho0, IReadOnlyList<double> times)
    {
        int d = h.RowCount;
        var generator = Superoperator(h, jumps);
        var state = Vectorise(rho0);
        var results = new List<Matrix<Complex>>(times.Count);
        double now = 0;
        Matrix<Complex>? cachedPropagator = null;
        double cachedStep = double.NaN;
        foreach (double t in times)
        {
            double step = t - now;
            if (step > 0)
            {
                if (cachedPropagator is null || Math.Abs(step - cachedStep) > 1e-15 * Math.Max(1, t))
                {
                    cachedPropagator = Expm(generator * new Complex(step, 0));
                    cachedStep = step;
                }

                state = cachedPropagator * state;
                now = t;
            }

            results.Add(Unvectorise(state, d));
        }

        return results;
    }

    private static List<Matrix<Complex>> Adaptive(Matrix<Complex> h, IReadOnlyList<Matrix<Complex>> jumps, Matrix<Complex> rho0, IReadOnlyList<double> times, LindbladOptions options)
    {
        int d = h.RowCount;
        var results = new List<Matrix<Complex>>(times.Count);
        // Column-major storage is the vectorisation, so the matrices wrap the integrator's arrays without copying.
        var y = rho0.ToColumnMajorArray();
        DormandPrince.Integrate(
            y,
            times,
            (state, output) => Generator(h, jumps, Matrix<Complex>.Build.Dense(d, d, state)).ToColumnMajorArray().CopyTo(output, 0),
            options,
            (_, state) => results.Add(Matrix<Complex>.Build.Dense(d, d, (Complex[])state.Clone())));
        return results;
    }

    /// <summary>The matrix exponential by scaling and squaring with a Taylor series of the scaled matrix.</summary>
    private static Matrix<Complex> Expm(Matrix<Complex> m)
    {
        double norm = m.L1Norm();
        int squarings = norm > 0.5 ? (int)Math.Ceiling(Math.Log2(norm / 0.5)) : 0;
        var scaled = m / new Complex(Math.Pow(2, squarings), 0);
        var result = Matrix<Complex>.Build.DenseIdentity(m.RowCount);
        var term = Matrix<Complex>.Build.DenseIdentity(m.RowCount);
        for (int n = 1; n <= 20; n++)
        {
            term = term * scaled / new Complex(n, 0);
            result += term;
            if (term.L1Norm() < 1e-18 * result.L1Norm())
            {
                break;
            }
        }

        for (int i = 0; i < squarings; i++)
        {
            result *= result;
        }

        return result;
    }

    private static MathNet.Numerics.LinearAlgebra.Vector<Complex> Vectorise(Matrix<Complex> rho)
    {
        int d = rho.RowCount;
        return MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.Dense(d * d, i => rho[i % d, i / d]);
    }

    private static Matrix<Complex> Unvectorise(MathNet.Numerics.LinearAlgebra.Vector<Complex> v, int d) =>
        Matrix<Complex>.Build.Dense(d, d, (r, c) => v[r + (c * d)]);
}
