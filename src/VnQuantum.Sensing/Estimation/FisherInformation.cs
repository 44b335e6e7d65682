using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace VnQuantum.Sensing.Estimation;

/// <summary>
/// Quantum and classical Fisher information and the Cramér–Rao bounds they give. States are dense: a pure state as its
/// amplitudes, a mixed state as a Hermitian matrix. Derivatives are exact where the caller has them (a unitary
/// family's generator) and otherwise central finite differences (<see cref="Derivative"/>).
/// </summary>
public static class FisherInformation
{
    /// <summary>
    /// Eigenvalue pairs with λ_i + λ_j below this are left out of the mixed-state formula: the SLD is undefined on the
    /// kernel of ρ, and the terms there vanish in the limit for a smooth family (Braunstein and Caves 1994; Liu et al.,
    /// J. Phys. A 53, 023001 (2020), Eq. (15)). The cut-off is relative to the largest eigenvalue.
    /// </summary>
    public const double EigenvalueCutoff = 1e-12;

    /// <summary>Pure state: F_Q = 4 (⟨∂ψ|∂ψ⟩ − |⟨ψ|∂ψ⟩|²).</summary>
    public static double Pure(ReadOnlySpan<Complex> psi, ReadOnlySpan<Complex> derivative)
    {
        if (psi.Length != derivative.Length)
        {
            throw new ArgumentException("The state and its derivative must have the same dimension.", nameof(derivative));
        }

        Complex overlap = 0;
        double norm = 0;
        for (int i = 0; i < psi.Length; i++)
        {
            overlap += Complex.Conjugate(psi[i]) * derivative[i];
            norm += derivative[i].Magnitude * derivative[i].Magnitude;
        }

        return 4 * (norm - (overlap.Magnitude * overlap.Magnitude));
    }

    /// <summary>
    /// A pure state under e^(−iθG): F_Q = 4 Var(G) = 4 (⟨G²⟩ − ⟨G⟩²), with G a Hermitian matrix (row-major).
    /// </summary>
    public static double PureUnitary(ReadOnlySpan<Complex> psi, ReadOnlySpan<Complex> generator)
    {
        int d = psi.Length;
        if (generator.Length != d * d)
        {
            throw new ArgumentException($"The generator must be {d}×{d}.", nameof(generator));
        }

        var g = new Complex[d];
        for (int r = 0; r < d; r++)
        {
            Complex sum = 0;
            for (int c = 0; c < d; c++)
            {
                sum += generator[(r * d) + c] * psi[c];
            }

            g[r] = sum;
        }

        Complex mean = 0;
        double square = 0;
        for (int i = 0; i < d; i++)
        {
            mean += Complex.Conjugate(psi[i]) * g[i];
            square += g[i].Magnitude * g[i].Magnitude;
        }

        return 4 * (square - (mean.Real * mean.Real));
    }

    /// <summary>
    /// Mixed state, the symmetric-logarithmic-derivative formula in the eigenbasis of ρ:
    /// F_Q = 2 Σ_{i,j} |⟨i|∂ρ|j⟩|² / (λ_i + λ_j), over the pairs with λ_i + λ_j above <see cref="EigenvalueCutoff"/>.
    /// </summary>
    public static double Mixed(Matrix<Complex> rho, Matrix<Complex> derivative)
    {
        ArgumentNullException.ThrowIfNull(rho);
        ArgumentNullException.ThrowIfNull(derivative);
        var (values, vectors) = Eigen(rho);
        var inBasis = vectors.ConjugateTranspose() * derivative * vectors;
        double cutoff = EigenvalueCutoff * Math.Max(values.Max(), 1e-300);
        double f = 0;
        for (int i = 0; i < values.Length; i++)
        {
            for (int j = 0; j < values.Length; j++)
            {
                double sum = values[i] + values[j];
                if (sum > cutoff)
                {
                    double m = inBasis[i, j].Magnitude;
                    f += 2 * m * m / sum;
                }
            }
        }

        return f;
    }

    /// <summary>
    /// The QFI matrix of several parameters: F_ab = 2 Σ_{i,j} Re(⟨i|∂_aρ|j⟩⟨j|∂_bρ|i⟩) / (λ_i + λ_j).
    /// </summary>
    public static double[,] MixedMatrix(Matrix<Complex> rho, IReadOnlyList<Matrix<Complex>> derivatives)
    {
        ArgumentNullException.ThrowIfNull(rho);
        ArgumentNullException.ThrowIfNull(derivatives);
        var (values, vectors) = Eigen(rho);
        var inBasis = derivatives.Select(d => vectors.ConjugateTranspose() * d * vectors).ToList();
        double cutoff = EigenvalueCutoff * Math.Max(values.Max(), 1e-300);
        int k = derivatives.Count;
        var f = new double[k, k];
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++)
            {
                double sum = 0;
                for (int i = 0; i < values.Length; i++)
                {
                    for (int j = 0; j < values.Length; j++)
                    {
                        double denominator = values[i] + values[j];
                        if (denominator > cutoff)
                        {
                            sum += 2 * (inBasis[a][i, j] * inBasis[b][j, i]).Real / denominator;
                        }
                    }
                }

                f[a, b] = sum;
            }
        }

        return f;
    }

    /// <summary>
    /// Classical Fisher information of a measurement: F = Σ_k (∂p_k)² / p_k over the outcomes with p_k above 10⁻¹⁴.
    /// </summary>
    public static double Classical(ReadOnlySpan<double> probabilities, ReadOnlySpan<double> derivatives)
    {
        if (probabilities.Length != derivatives.Length)
        {
            throw new ArgumentException("Each outcome needs its probability and its derivative.", nameof(derivatives));
        }

        double f = 0;
        for (int k = 0; k < probabilities.Length; k++)
        {
            if (probabilities[k] > 1e-14)
            {
                f += derivatives[k] * derivatives[k] / probabilities[k];
            }
        }

        return f;
    }

    /// <summary>
    /// Classical Fisher information of a POVM {E_k} on a family ρ(θ): p_k = Tr(E_k ρ), ∂p_k = Tr(E_k ∂ρ).
    /// </summary>
    public static double Classical(IReadOnlyList<Matrix<Complex>> povm, Matrix<Complex> rho, Matrix<Complex> derivative)
    {
        ArgumentNullException.ThrowIfNull(povm);
        var p = povm.Select(e => (e * rho).Trace().Real).ToArray();
        var dp = povm.Select(e => (e * derivative).Trace().Real).ToArray();
        return Classical(p, dp);
    }

    /// <summary>The Cramér–Rao bound Δθ ≥ 1/√(ν F) for ν independent repetitions.</summary>
    public static double CramerRao(double fisher, double repetitions = 1)
    {
        if (!(repetitions >= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(repetitions), repetitions, "At least one repetition.");
        }

        return fisher > 0 ? 1 / Math.Sqrt(repetitions * fisher) : double.PositiveInfinity;
    }

    /// <summary>
    /// The derivative of a matrix-valued family by the central difference (f(θ+h) − f(θ−h))/(2h), with h scaled to θ;
    /// its error is O(h²) — checked in the tests against exact derivatives.
    /// </summary>
    public static Matrix<Complex> Derivative(Func<double, Matrix<Complex>> family, double theta, double step = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(family);
        double h = step * Math.Max(1, Math.Abs(theta));
        return (family(theta + h) - family(theta - h)) / new Complex(2 * h, 0);
    }

    /// <summary>|ψ⟩⟨ψ| as a matrix.</summary>
    public static Matrix<Complex> Projector(ReadOnlySpan<Complex> psi)
    {
        int d = psi.Length;
        var m = Matrix<Complex>.Build.Dense(d, d);
        for (int r = 0; r < d; r++)
        {
            for (int c = 0; c < d; c++)
            {
                m[r, c] = psi[r] * Complex.Conjugate(psi[c]);
            }
        }

        return m;
    }

    private static (double[] Values, Matrix<Complex> Vectors) Eigen(Matrix<Complex> rho)
    {
        // ρ is Hermitian: symmetrise against rounding, then the Hermitian eigensolver gives real eigenvalues.
        var hermitian = (rho + rho.ConjugateTranspose()) / new Complex(2, 0);
        var evd = hermitian.Evd(Symmetricity.Hermitian);
        return (evd.EigenValues.Select(v => Math.Max(0, v.Real)).ToArray(), evd.EigenVectors);
    }
}
