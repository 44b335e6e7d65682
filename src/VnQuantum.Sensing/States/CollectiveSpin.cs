using System.Numerics;

namespace VnQuantum.Sensing.States;

/// <summary>
/// N spin-½ particles in their symmetric subspace: total spin J = N/2, basis |J, m⟩ for m = −J…J (index m + J), and the
/// collective operators J_z = ½ Σ σ_z⁽ⁱ⁾, J_x, J_y as dense (N+1)×(N+1) matrices. Collective processes stay in this
/// space; independent (local) noise does not, and is not modelled here (it needs the full state or the
/// permutation-invariant Dicke blocks of Shammah et al. 2018).
/// </summary>
public sealed class CollectiveSpin
{
    public CollectiveSpin(int particles)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(particles);
        N = particles;
        Dimension = particles + 1;
        J = particles / 2.0;
        Jz = new Complex[Dimension * Dimension];
        var plus = new Complex[Dimension * Dimension];
        for (int k = 0; k < Dimension; k++)
        {
            double m = k - J;
            Jz[(k * Dimension) + k] = m;
            if (k + 1 < Dimension)
            {
                // J₊|J,m⟩ = √(J(J+1) − m(m+1)) |J,m+1⟩
                plus[((k + 1) * Dimension) + k] = Math.Sqrt((J * (J + 1)) - (m * (m + 1)));
            }
        }

        Jx = new Complex[Dimension * Dimension];
        Jy = new Complex[Dimension * Dimension];
        for (int r = 0; r < Dimension; r++)
        {
            for (int c = 0; c < Dimension; c++)
            {
                Complex p = plus[(r * Dimension) + c], minus = Complex.Conjugate(plus[(c * Dimension) + r]);
                Jx[(r * Dimension) + c] = (p + minus) / 2;
                Jy[(r * Dimension) + c] = (p - minus) / new Complex(0, 2);
            }
        }
    }

    public int N { get; }

    public int Dimension { get; }

    public double J { get; }

    public Complex[] Jx { get; }

    public Complex[] Jy { get; }

    public Complex[] Jz { get; }

    /// <summary>The coherent spin state along +x, |+⟩^⊗N: amplitude √C(N, J+m)/2^(N/2) on |J, m⟩.</summary>
    public Complex[] CoherentX()
    {
        var psi = new Complex[Dimension];
        double logNorm = -N / 2.0 * Math.Log(2);
        for (int k = 0; k < Dimension; k++)
        {
            psi[k] = Math.Exp((LogBinomial(N, k) / 2) + logNorm);
        }

        return psi;
    }

    /// <summary>(|J, J⟩ + |J, −J⟩)/√2, the GHZ state.</summary>
    public Complex[] Ghz()
    {
        var psi = new Complex[Dimension];
        psi[0] = psi[^1] = 1 / Math.Sqrt(2);
        return psi;
    }

    /// <summary>The Dicke state |J, m⟩.</summary>
    public Complex[] Dicke(double m)
    {
        int k = (int)Math.Round(m + J);
        if (k < 0 || k >= Dimension || Math.Abs(k - (m + J)) > 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, $"m must be one of −J…J in steps of 1 (J = {J}).");
        }

        var psi = new Complex[Dimension];
        psi[k] = 1;
        return psi;
    }

    /// <summary>
    /// One-axis twisting (Kitagawa and Ueda, PRA 47, 5138 (1993)): e^(−iμJ_z²/2) applied to the coherent state along x.
    /// </summary>
    public Complex[] OneAxisTwisted(double mu)
    {
        var psi = CoherentX();
        for (int k = 0; k < Dimension; k++)
        {
            double m = k - J;
            psi[k] *= Complex.FromPolarCoordinates(1, -mu * m * m / 2);
        }

        return psi;
    }

    /// <summary>⟨ψ|A|ψ⟩ for a Hermitian A of this space.</summary>
    public double Expectation(ReadOnlySpan<Complex> psi, ReadOnlySpan<Complex> a)
    {
        Complex sum = 0;
        for (int r = 0; r < Dimension; r++)
        {
            for (int c = 0; c < Dimension; c++)
            {
                sum += Complex.Conjugate(psi[r]) * a[(r * Dimension) + c] * psi[c];
            }
        }

        return sum.Real;
    }

    /// <summary>
    /// The Wineland squeezing parameter ξ² = N (ΔJ_⊥,min)² / |⟨J⟩|² of a state whose mean spin points along x: the
    /// least variance in the y–z plane (the smaller eigenvalue of the y–z covariance matrix) over the squared length.
    /// ξ² &lt; 1 beats the standard quantum limit in Ramsey spectroscopy by 1/ξ in phase.
    /// </summary>
    public double WinelandParameter(ReadOnlySpan<Complex> psi)
    {
        double mx = Expectation(psi, Jx), my = Expectation(psi, Jy), mz = Expectation(psi, Jz);
        double length2 = (mx * mx) + (my * my) + (mz * mz);
        var yy = Product(Jy, Jy);
        var zz = Product(Jz, Jz);
        var yz = Product(Jy, Jz);
        var zy = Product(Jz, Jy);
        double vyy = Expectation(psi, yy) - (my * my);
        double vzz = Expectation(psi, zz) - (mz * mz);
        double cyz = (0.5 * (Expectation(psi, yz) + Expectation(psi, zy))) - (my * mz);
        double minimum = ((vyy + vzz) / 2) - Math.Sqrt((((vyy - vzz) / 2) * ((vyy - vzz) / 2)) + (cyz * cyz));
        return N * minimum / length2;
    }

    private Complex[] Product(Complex[] a, Complex[] b)
    {
        int d = Dimension;
        var m = new Complex[d * d];
        for (int r = 0; r < d; r++)
        {
            for (int k = 0; k < d; k++)
            {
                var ark = a[(r * d) + k];
                if (ark == Complex.Zero)
                {
                    continue;
                }

                for (int c = 0; c < d; c++)
                {
                    m[(r * d) + c] += ark * b[(k * d) + c];
                }
            }
        }

        return m;
    }

    private static double LogBinomial(int n, int k) =>
        MathNet.Numerics.SpecialFunctions.GammaLn(n + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(k + 1) - MathNet.Numerics.SpecialFunctions.GammaLn(n - k + 1);
}
