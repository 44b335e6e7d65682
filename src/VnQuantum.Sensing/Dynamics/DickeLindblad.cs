using System.Numerics;
using VnQuantum.Sensing.States;

namespace VnQuantum.Sensing.Dynamics;

/// <summary>
/// Rates of the permutation-invariant noise on N spin-½ (1/s), in this library's conventions: a single spin's excited
/// population decays as e^(−Γ_E t) under <see cref="Emission"/> (jump √Γ_E σ₋), its coherence as e^(−γt) under
/// <see cref="Dephasing"/> (γ = 1/T2; jump √(γ/2) σ_z); collective jumps are √Γ_CE J₋, √(2γ_CD) J_z and √Γ_CP J₊.
/// </summary>
public sealed record SpinEnsembleNoise(
    double Emission = 0,
    double Dephasing = 0,
    double Pumping = 0,
    double CollectiveEmission = 0,
    double CollectiveDephasing = 0,
    double CollectivePumping = 0)
{
    internal void Validate()
    {
        foreach (var (name, value) in new[] { (nameof(Emission), Emission), (nameof(Dephasing), Dephasing), (nameof(Pumping), Pumping), (nameof(CollectiveEmission), CollectiveEmission), (nameof(CollectiveDephasing), CollectiveDephasing), (nameof(CollectivePumping), CollectivePumping) })
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name}: a rate must be finite and ≥ 0 (1/s)");
            }
        }
    }
}

/// <summary>
/// The Lindblad master equation of N identical spins with local and collective noise in the Dicke-block
/// representation (<see cref="DickeBlockState"/>), after Shammah et al., PRA 98, 063815 (2018) and QuTiP's PIQS
/// (qutip/piqs/_piqs.pyx, <c>Dicke.lindbladian</c>): each element ρ[j, m, m′] couples to at most nine neighbours
/// (j or j ± 1, m and m′ shifted together), so the generator has O(N³) entries, assembled once, and the evolution is
/// a sparse product per step (adaptive Dormand–Prince). The Hamiltonian may be ω J_z + χ J_z² (detuning and
/// one-axis twisting), which keeps the block structure.
/// </summary>
/// <remarks>
/// Local dephasing mixes the blocks (j → j ± 1); the symmetric subspace alone (<see cref="CollectiveSpin"/>) holds only
/// collective processes, which is why this representation exists. Rates are mapped to PIQS's (γ_D = 2γ, γ_CD = 2γ_CD).
/// </remarks>
public sealed class DickeLindblad
{
    private readonly int[] _rowStart;
    private readonly int[] _columns;
    private readonly double[] _values;
    private readonly double[] _rotation;

    public DickeLindblad(DickeBlockState layout, SpinEnsembleNoise noise, double detuning = 0, double twisting = 0)
    {
        ArgumentNullException.ThrowIfNull(layout);
        ArgumentNullException.ThrowIfNull(noise);
        noise.Validate();
        Spins = layout.Spins;
        MaxCoherenceOrder = layout.MaxCoherenceOrder;
        Noise = noise;
        var rates = new Rates(layout.Spins, noise);
        int count = layout.StoredCount;
        _rowStart = new int[count + 1];
        var columns = new List<int>(count * 5);
        var values = new List<double>(count * 5);
        _rotation = new double[count];
        for (int b = 0; b < layout.BlockCount; b++)
        {
            double j = layout.BlockSpin(b);
            int size = layout.BlockSize(b);
            int halfWidth = layout.HalfWidth(b);
            for (int r = 0; r < size; r++)
            {
                // Every storage slot in order (the band's corners outside the block stay empty rows).
                for (int c = r - halfWidth; c <= r + halfWidth; c++)
                {
                    int e = layout.Slot(b, r, c);
                    _rowStart[e] = columns.Count;
                    if (c < 0 || c >= size)
                    {
                        continue;
                    }

                    double m = j - r, m1 = j - c;
                    _rotation[e] = (detuning * (m - m1)) + (twisting * ((m * m) - (m1 * m1)));
                    void Add(int neighbour, double value)
                    {
                        if (neighbour >= 0 && value != 0)
                        {
                            columns.Add(neighbour);
                            values.Add(value);
                        }
                    }

                    Add(e, rates.Gamma1(j, m, m1));
                    Add(layout.Index(b, r - 1, c - 1), rates.Gamma2(j, m + 1, m1 + 1));
                    Add(layout.Index(b - 1, r, c), rates.Gamma3(j + 1, m + 1, m1 + 1));
                    Add(layout.Index(b + 1, r - 2, c - 2), rates.Gamma4(j - 1, m + 1, m1 + 1));
                    Add(layout.Index(b - 1, r + 1, c + 1), rates.Gamma5(j + 1, m, m1));
                    Add(layout.Index(b + 1, r - 1, c - 1), rates.Gamma6(j - 1, m, m1));
                    Add(layout.Index(b - 1, r + 2, c + 2), rates.Gamma7(j + 1, m - 1, m1 - 1));
                    Add(layout.Index(b, r + 1, c + 1), rates.Gamma8(j, m - 1, m1 - 1));
                    Add(layout.Index(b + 1, r, c), rates.Gamma9(j - 1, m - 1, m1 - 1));
                }
            }
        }

        _rowStart[count] = columns.Count;
        _columns = [.. columns];
        _values = [.. values];
        for (int e = 0; e < count; e++)
        {
            double row = Math.Abs(_rotation[e]);
            for (int k = _rowStart[e]; k < _rowStart[e + 1]; k++)
            {
                row += Math.Abs(_values[k]);
            }

            SpectralRadius = Math.Max(SpectralRadius, row);
        }

        _chains = DickeChains.TryBuild(layout, (e, above, below) =>
        {
            Complex diagonal = new(0, -_rotation[e]);
            double fromAbove = 0, fromBelow = 0;
            for (int k = _rowStart[e]; k < _rowStart[e + 1]; k++)
            {
                int column = _columns[k];
                if (column == e)
                {
                    diagonal += _values[k];
                }
                else if (column == above)
                {
                    fromAbove = _values[k];
                }
                else if (column == below)
                {
                    fromBelow = _values[k];
                }
                else
                {
                    return null;
                }
            }

            return (diagonal, fromAbove, fromBelow);
        });
    }

    /// <summary>True when the noise keeps m and m′ (dephasing only) and the stiff-safe chain integrator runs.</summary>
    public bool UsesChains => _chains is not null;

    private readonly DickeChains? _chains;

    /// <summary>A Gershgorin bound on the generator's eigenvalues (1/s): the stiffness the integrator faces.</summary>
    public double SpectralRadius { get; }


    public int Spins { get; }

    public int MaxCoherenceOrder { get; }

    public SpinEnsembleNoise Noise { get; }

    /// <summary>Non-zero entries of the generator (without the Hamiltonian's diagonal).</summary>
    public int EntryCount => _values.Length;

    /// <summary>dρ/dt.</summary>
    public void Derivative(ReadOnlySpan<Complex> rho, Span<Complex> output) => DerivativeRange(rho, output, 0, _rotation.Length);

    private void Derivative(Complex[] rho, Complex[] output)
    {
        // Rows are independent: split them over the cores when there are enough.
        const int chunk = 1 << 15;
        if (rho.Length < 2 * chunk)
        {
            DerivativeRange(rho, output, 0, rho.Length);
            return;
        }

        Parallel.For(0, (rho.Length + chunk - 1) / chunk, c => DerivativeRange(rho, output, c * chunk, Math.Min(rho.Length, (c + 1) * chunk)));
    }

    private void DerivativeRange(ReadOnlySpan<Complex> rho, Span<Complex> output, int start, int end)
    {
        for (int e = start; e < end; e++)
        {
            Complex sum = new(0, -_rotation[e]);
            sum *= rho[e];
            for (int k = _rowStart[e]; k < _rowStart[e + 1]; k++)
            {
                sum += _values[k] * rho[_columns[k]];
            }

            output[e] = sum;
        }
    }

    /// <summary>The state at each of <paramref name="times"/> (increasing, from 0); <paramref name="state"/> is not changed.</summary>
    public IReadOnlyList<DickeBlockState> Evolve(DickeBlockState state, IReadOnlyList<double> times, LindbladOptions? options = null)
    {
        var results = new List<DickeBlockState>(times.Count);
        Evolve(state, times, (_, s) => results.Add(s.Clone()), options);
        return results;
    }

    /// <summary>Evolves a copy of <paramref name="state"/> and hands <paramref name="observe"/> the time index and state at each time (the state is reused: copy what you keep).</summary>
    public void Evolve(DickeBlockState state, IReadOnlyList<double> times, Action<int, DickeBlockState> observe, LindbladOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(times);
        ArgumentNullException.ThrowIfNull(observe);
        if (state.Spins != Spins || state.MaxCoherenceOrder != MaxCoherenceOrder)
        {
            throw new ArgumentException($"the state has {state.Spins} spins and coherence orders ≤ {state.MaxCoherenceOrder}; this generator was built for {Spins} and {MaxCoherenceOrder}", nameof(state));
        }

        for (int i = 0; i < times.Count; i++)
        {
            if (!(times[i] >= (i == 0 ? 0 : times[i - 1])))
            {
                throw new ArgumentException("Times must start at or after 0 and increase.", nameof(times));
            }
        }

        // Dephasing-type noise: independent tridiagonal chains, integrated implicitly (stiff-safe). Otherwise explicit
        // Dormand–Prince, whose step is held near the stability limit 3.3/ρ (ρ ≈ Nγ), so its cost grows as N³ over a
        // fixed time; Chebyshev (RKC) and Krylov propagators were tried for this case and lost (docs/sensing.md).
        options ??= new LindbladOptions();
        var current = state.Clone();
        if (_chains is not null)
        {
            _chains.Integrate(current.Data, times, options.RelativeTolerance, SpectralRadius, i => observe(i, current));
            return;
        }

        DormandPrince.Integrate(current.Data, times, Derivative, options, (i, _) => observe(i, current));
    }

    /// <summary>PIQS's rates γ₁…γ₉ (Shammah et al. 2018), each evaluated at the neighbour's (j, m, m′).</summary>
    private readonly struct Rates(int n, SpinEnsembleNoise noise)
    {
        private readonly double _n = n;
        private readonly double _e = noise.Emission;
        private readonly double _d = 2 * noise.Dephasing;
        private readonly double _p = noise.Pumping;
        private readonly double _ce = noise.CollectiveEmission;
        private readonly double _cd = 2 * noise.CollectiveDephasing;
        private readonly double _cp = noise.CollectivePumping;

        public double Gamma1(double j, double m, double m1)
        {
            double spontaneous = _ce / 2 * ((2 * j * (j + 1)) - (m * (m - 1)) - (m1 * (m1 - 1)));
            double losses = _e / 2 * (_n + m + m1);
            double pump = _p / 2 * (_n - m - m1);
            double collectivePump = _cp / 2 * ((2 * j * (j + 1)) - (m * (m + 1)) - (m1 * (m1 + 1)));
            double collectiveDephase = _cd / 2 * (m - m1) * (m - m1);
            double dephase = j <= 0 ? _d * _n / 4 : _d / 2 * ((_n / 2) - (m * m1 * ((_n / 2) + 1) / j / (j + 1)));
            return -(spontaneous + losses + pump + dephase + collectivePump + collectiveDephase);
        }

        public double Gamma2(double j, double m, double m1)
        {
            double root = Root((j + m) * (j - m + 1) * (j + m1) * (j - m1 + 1));
            double losses = _e == 0 || j <= 0 ? 0 : _e / 2 * root * ((_n / 2) + 1) / (j * (j + 1));
            return (_ce * root) + losses;
        }

        public double Gamma3(double j, double m, double m1) =>
            _e == 0 || j <= 0 ? 0 : _e / 2 * Root((j + m) * (j + m - 1) * (j + m1) * (j + m1 - 1)) * ((_n / 2) + j + 1) / (j * ((2 * j) + 1));

        public double Gamma4(double j, double m, double m1) =>
            _e == 0 || j + 1 <= 0 ? 0 : _e / 2 * Root((j - m + 1) * (j - m + 2) * (j - m1 + 1) * (j - m1 + 2)) * ((_n / 2) - j) / ((j + 1) * ((2 * j) + 1));

        public double Gamma5(double j, double m, double m1) =>
            _d == 0 || j <= 0 ? 0 : _d / 2 * Root(((j * j) - (m * m)) * ((j * j) - (m1 * m1))) * ((_n / 2) + j + 1) / (j * ((2 * j) + 1));

        public double Gamma6(double j, double m, double m1) =>
            _d == 0 ? 0 : _d / 2 * Root((((j + 1) * (j + 1)) - (m * m)) * (((j + 1) * (j + 1)) - (m1 * m1))) * ((_n / 2) - j) / ((j + 1) * ((2 * j) + 1));

        public double Gamma7(double j, double m, double m1) =>
            _p == 0 || j <= 0 ? 0 : _p / 2 * Root((j - m - 1) * (j - m) * (j - m1 - 1) * (j - m1)) * ((_n / 2) + j + 1) / (j * ((2 * j) + 1));

        public double Gamma8(double j, double m, double m1)
        {
            double root = Root((j + m + 1) * (j - m) * (j + m1 + 1) * (j - m1));
            double pump = _p == 0 || j <= 0 ? 0 : _p / 2 * root * ((_n / 2) + 1) / (j * (j + 1));
            return pump + (_cp * root);
        }

        public double Gamma9(double j, double m, double m1) =>
            _p == 0 ? 0 : _p / 2 * Root((j + m + 1) * (j + m + 2) * (j + m1 + 1) * (j + m1 + 2)) * ((_n / 2) - j) / ((j + 1) * ((2 * j) + 1));

        private static double Root(double x) => Math.Sqrt(Math.Max(0, x));
    }
}
