using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Sensing.Dynamics;
using VnQuantum.Sensing.Estimation;

namespace VnQuantum.Sensing.Sensors;

/// <summary>The nitrogen nucleus of the NV centre, or none (a bare electron spin-1).</summary>
public enum NitrogenIsotope
{
    None,
    N14,
    N15,
}

/// <summary>A resonance of the ODMR spectrum: frequency and relative strength |⟨f|S_x|i⟩|² + |⟨f|S_y|i⟩|².</summary>
public sealed record OdmrLine(double FrequencyHz, double Strength);


/// <summary>
/// The NV centre's ground-state spin Hamiltonian, in Hz (H/h), in the centre's frame (z along the N–V axis), after
/// Barry et al. (2020) eqs. (2)–(4): H = D S_z² + E (S_x² − S_y²) + (g μ_B/h) B·S + A∥ S_z I_z + A⊥ (S_x I_x + S_y I_y)
/// + P [I_z² − I(I+1)/3] − (γ_n/2π) B·I, with the electron spin-1 S and the nuclear spin I (1 for ¹⁴N, ½ for ¹⁵N).
/// Basis: electron m_s = +1, 0, −1 (outer) ⊗ nuclear m_I from +I down (inner).
/// </summary>
public sealed class NvSpin
{
    private readonly Matrix<Complex> _sx, _sy, _sz, _ix, _iy, _iz;

    public NvSpin(NitrogenIsotope isotope = NitrogenIsotope.N14, double strainHz = 0)
    {
        Isotope = isotope;
        StrainHz = strainHz;
        int nuclear = isotope switch { NitrogenIsotope.N14 => 3, NitrogenIsotope.N15 => 2, _ => 1 };
        var (sx, sy, sz) = SpinMatrices(3);
        var (ix, iy, iz) = SpinMatrices(nuclear);
        var one3 = Matrix<Complex>.Build.DenseIdentity(3);
        var oneN = Matrix<Complex>.Build.DenseIdentity(nuclear);
        _sx = sx.KroneckerProduct(oneN);
        _sy = sy.KroneckerProduct(oneN);
        _sz = sz.KroneckerProduct(oneN);
        _ix = one3.KroneckerProduct(ix);
        _iy = one3.KroneckerProduct(iy);
        _iz = one3.KroneckerProduct(iz);
        Dimension = 3 * nuclear;
        NuclearDimension = nuclear;
    }

    public NitrogenIsotope Isotope { get; }

    public double StrainHz { get; }

    public int Dimension { get; }

    public int NuclearDimension { get; }

    /// <summary>H/h in Hz for the field (b_x, b_y, b_z) in tesla, in the centre's frame.</summary>
    public Matrix<Complex> Hamiltonian(double bx, double by, double bz)
    {
        double ge = NvConstants.ElectronHzPerTesla;
        var h = (_sz * _sz * NvConstants.ZeroFieldSplittingHz)
            + (((_sx * _sx) - (_sy * _sy)) * StrainHz)
            + (((_sx * bx) + (_sy * by) + (_sz * bz)) * ge);
        if (Isotope != NitrogenIsotope.None)
        {
            var (parallel, perpendicular, quadrupole, gammaN) = Isotope == NitrogenIsotope.N14
                ? (-2.14e6, -2.70e6, -5.01e6, 3.077e6)
                : (3.03e6, 3.65e6, 0.0, -4.316e6);
            double spin = (NuclearDimension - 1) / 2.0;
            h += (_sz * _iz * parallel) + (((_sx * _ix) + (_sy * _iy)) * perpendicular);
            h += ((_iz * _iz) - (Matrix<Complex>.Build.DenseIdentity(Dimension) * (spin * (spin + 1) / 3))) * quadrupole;
            h -= ((_ix * bx) + (_iy * by) + (_iz * bz)) * gammaN;
        }

        return h;
    }

    /// <summary>
    /// The ODMR lines: transitions from the eigenstates of mostly m_s = 0 character to the others, with strength
    /// |⟨f|S_x|i⟩|² + |⟨f|S_y|i⟩|² (a microwave field of any direction across the axis), weaker than
    /// <paramref name="threshold"/> dropped; sorted by frequency.
    /// </summary>
    public IReadOnlyList<OdmrLine> OdmrLines(double bx, double by, double bz, double threshold = 1e-3)
    {
        var evd = Hamiltonian(bx, by, bz).Evd(Symmetricity.Hermitian);
        var energies = evd.EigenValues.Select(v => v.Real).ToArray();
        var vectors = evd.EigenVectors;
        var zero = _sz * _sz;
        var lines = new List<OdmrLine>();
        for (int i = 0; i < Dimension; i++)
        {
            var vi = vectors.Column(i);
            double msZero = 1 - (vi.ConjugateDotProduct(zero * vi)).Real;
            if (msZero < 0.5)
            {
                continue;
            }

            for (int f = 0; f < Dimension; f++)
            {
                var vf = vectors.Column(f);
                if (f == i || 1 - vf.ConjugateDotProduct(zero * vf).Real >= 0.5)
                {
                    continue;
                }

                double strength = Math.Pow(vf.ConjugateDotProduct(_sx * vi).Magnitude, 2) + Math.Pow(vf.ConjugateDotProduct(_sy * vi).Magnitude, 2);
                if (strength >= threshold)
                {
                    lines.Add(new OdmrLine(Math.Abs(energies[f] - energies[i]), strength));
                }
            }
        }

        return [.. lines.OrderBy(l => l.FrequencyHz)];
    }

    /// <summary>
    /// The 3×3 quantum Fisher information matrix (T⁻², per shot) of the field components (b_x, b_y, b_z), in this
    /// centre's frame, for a Ramsey shot: the electron prepared in (|0⟩ + |+1⟩)/√2, the nucleus unpolarised, free
    /// evolution for τ under H(B) with dephasing (jump √(2/T2*) S_z, so the 0↔±1 coherence decays as e^(−τ/T2*)),
    /// derivatives by central differences of the exact propagator (phase step 2π·10⁻⁵, checked in
    /// the tests against the analytic (2πγ_e τ)² e^(−2τ/T2*) of the axial component).
    /// </summary>
    public double[,] FieldFisherMatrix(double bx, double by, double bz, double interrogationSeconds, double t2Star)
    {
        if (!(interrogationSeconds > 0) || !(t2Star > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(interrogationSeconds), "the interrogation time and T2* must be > 0");
        }

        // Electron index 0 is m_s = +1 and 1 is m_s = 0.
        var electron = Matrix<Complex>.Build.Dense(3, 3);
        electron[0, 0] = electron[1, 1] = electron[0, 1] = electron[1, 0] = 0.5;
        var rho0 = electron.KroneckerProduct(Matrix<Complex>.Build.DenseIdentity(NuclearDimension) / NuclearDimension);
        var jumps = new[] { _sz * Math.Sqrt(2 / t2Star) };
        Matrix<Complex> Evolve(double x, double y, double z) =>
            Lindblad.Evolve(Hamiltonian(x, y, z) * (2 * Math.PI), jumps, rho0, [interrogationSeconds])[0];

        // A field step small against the scale on which ρ changes, 1/(γ_e τ): the central difference of e^(iφ) is off by
        // δφ²/6 (10⁻⁹ here), and the rounding of the propagator (~10⁻¹²) stays far below the step.
        double step = 1e-5 / (NvConstants.ElectronHzPerTesla * interrogationSeconds);
        var rho = Evolve(bx, by, bz);
        var derivatives = new List<Matrix<Complex>>(3);
        for (int a = 0; a < 3; a++)
        {
            double dx = a == 0 ? step : 0, dy = a == 1 ? step : 0, dz = a == 2 ? step : 0;
            derivatives.Add((Evolve(bx + dx, by + dy, bz + dz) - Evolve(bx - dx, by - dy, bz - dz)) / (2 * step));
        }

        return FisherInformation.MixedMatrix(rho, derivatives);
    }

    /// <summary>
    /// The field Fisher matrix (lab frame) of an ensemble with equal numbers of centres along the four ⟨111⟩ axes of
    /// diamond: one orientation alone is blind to the transverse field at first order, four together see every
    /// component. <paramref name="spins"/> centres in all; per shot.
    /// </summary>
    public double[,] EnsembleFieldFisherMatrix(double[] labField, double interrogationSeconds, double t2Star, double spins)
    {
        ArgumentNullException.ThrowIfNull(labField);
        var total = new double[3, 3];
        foreach (var axis in DiamondAxes)
        {
            var frame = Frame(axis);
            var local = new double[3];
            for (int i = 0; i < 3; i++)
            {
                local[i] = (frame[i, 0] * labField[0]) + (frame[i, 1] * labField[1]) + (frame[i, 2] * labField[2]);
            }

            var f = FieldFisherMatrix(local[0], local[1], local[2], interrogationSeconds, t2Star);

            // F_lab = Rᵀ F_local R with local = R·lab.
            for (int a = 0; a < 3; a++)
            {
                for (int b = 0; b < 3; b++)
                {
                    double sum = 0;
                    for (int i = 0; i < 3; i++)
                    {
                        for (int j = 0; j < 3; j++)
                        {
                            sum += frame[i, a] * f[i, j] * frame[j, b];
                        }
                    }

                    total[a, b] += spins / 4 * sum;
                }
            }
        }

        return total;
    }

    /// <summary>The four NV axes of diamond, ⟨111⟩/√3.</summary>
    public static IReadOnlyList<double[]> DiamondAxes { get; } =
    [
        [1 / Math.Sqrt(3), 1 / Math.Sqrt(3), 1 / Math.Sqrt(3)],
        [1 / Math.Sqrt(3), -1 / Math.Sqrt(3), -1 / Math.Sqrt(3)],
        [-1 / Math.Sqrt(3), 1 / Math.Sqrt(3), -1 / Math.Sqrt(3)],
        [-1 / Math.Sqrt(3), -1 / Math.Sqrt(3), 1 / Math.Sqrt(3)],
    ];

    /// <summary>Rows: the centre's x, y, z axes in the lab frame (z the N–V axis).</summary>
    private static double[,] Frame(double[] axis)
    {
        var (x, y) = OrthonormalFrame.Around(axis);
        return new double[,] { { x[0], x[1], x[2] }, { y[0], y[1], y[2] }, { axis[0], axis[1], axis[2] } };
    }

    /// <summary>Spin matrices for dimension 2s+1, basis m = +s … −s.</summary>
    private static (Matrix<Complex> X, Matrix<Complex> Y, Matrix<Complex> Z) SpinMatrices(int dimension)
    {
        double s = (dimension - 1) / 2.0;
        var plus = Matrix<Complex>.Build.Dense(dimension, dimension);
        var z = Matrix<Complex>.Build.Dense(dimension, dimension);
        for (int k = 0; k < dimension; k++)
        {
            double m = s - k;
            z[k, k] = m;
            if (k > 0)
            {
                // S₊|m⟩ = √(s(s+1) − m(m+1)) |m+1⟩, and |m+1⟩ is index k − 1.
                plus[k - 1, k] = Math.Sqrt((s * (s + 1)) - (m * (m + 1)));
            }
        }

        var minus = plus.ConjugateTranspose();
        return ((plus + minus) / 2, (plus - minus) / new Complex(0, 2), z);
    }
}
