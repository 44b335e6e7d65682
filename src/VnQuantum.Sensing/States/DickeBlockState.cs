using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Sensing.Estimation;

namespace VnQuantum.Sensing.States;

/// <summary>
/// N identical spin-½ under permutation-invariant dynamics (local and collective noise) in the Dicke-block
/// representation of Shammah et al., PRA 98, 063815 (2018), as QuTiP's PIQS stores it: one (2j+1)×(2j+1) block per
/// total spin j = N/2, N/2 − 1, …, each standing for its d_N(j) identical copies with the degeneracy absorbed
/// ("representative" blocks: Tr ρ = Σ_j Tr ρ_j = 1, and linear expectation values are plain block traces).
/// O(N³) numbers instead of 4^N. Block b holds j = N/2 − b; inside it, index i = j − m (m from +j down).
/// </summary>
/// <remarks>
/// Every process of <see cref="Dynamics.DickeLindblad"/> conserves the coherence order m − m′ of an element, so a
/// state may keep only the orders |m − m′| ≤ <see cref="MaxCoherenceOrder"/> (a band around each block's diagonal):
/// first and second moments of J need only order 2, which takes N = 1000 from 1.7·10⁸ to 7.5·10⁵ numbers. Quantities
/// that need the whole state (the QFI) refuse a banded one.
/// </remarks>
public sealed class DickeBlockState
{
    private readonly int[] _offsets;
    private readonly int[] _halfWidths;

    public DickeBlockState(int spins, int maxCoherenceOrder = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spins);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCoherenceOrder);
        Spins = spins;
        MaxCoherenceOrder = Math.Min(maxCoherenceOrder, spins);
        _offsets = new int[BlockCount + 1];
        _halfWidths = new int[BlockCount];
        long total = 0;
        for (int b = 0; b < BlockCount; b++)
        {
            int size = BlockSize(b);
            _halfWidths[b] = Math.Min(MaxCoherenceOrder, size - 1);
            _offsets[b] = checked((int)total);
            total += (long)size * ((2 * _halfWidths[b]) + 1);
        }

        if (total > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(spins), $"{spins} spins with coherence order up to {MaxCoherenceOrder} need {total:N0} numbers; keep fewer orders (2 suffices for moments).");
        }

        _offsets[BlockCount] = (int)total;
        Data = new Complex[total];
    }

    public int Spins { get; }

    public int MaxCoherenceOrder { get; }

    /// <summary>True when every element is kept (no coherence order dropped).</summary>
    public bool IsComplete => MaxCoherenceOrder >= Spins;

    public int BlockCount => (Spins / 2) + 1;

    /// <summary>Stored numbers (complex).</summary>
    public int StoredCount => Data.Length;

    internal Complex[] Data { get; }

    public double BlockSpin(int block) => (Spins / 2.0) - block;

    public int BlockSize(int block) => Spins + 1 - (2 * block);

    /// <summary>Element (row, column) = (j − m, j − m′) of block b; zero (and read-only) outside the kept band.</summary>
    public Complex this[int block, int row, int column]
    {
        get
        {
            int index = Index(block, row, column);
            return index < 0 ? Complex.Zero : Data[index];
        }

        set
        {
            int index = Index(block, row, column);
            if (index < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(column), $"element ({row}, {column}) of block {block} is outside the kept coherence orders (|m − m′| ≤ {MaxCoherenceOrder})");
            }

            Data[index] = value;
        }
    }

    /// <summary>The storage index of (row, column) of block b, or −1 when it is outside the block or the band.</summary>
    internal int Index(int block, int row, int column)
    {
        if (block < 0 || block >= BlockCount)
        {
            return -1;
        }

        int size = BlockSize(block), w = _halfWidths[block];
        if (row < 0 || row >= size || column < 0 || column >= size || Math.Abs(column - row) > w)
        {
            return -1;
        }

        return _offsets[block] + (row * ((2 * w) + 1)) + (column - row + w);
    }

    /// <summary>The band half-width kept in block b.</summary>
    internal int HalfWidth(int block) => _halfWidths[block];

    /// <summary>The storage slot of (row, column) of block b for any column within the band, inside the block or not.</summary>
    internal int Slot(int block, int row, int column) =>
        _offsets[block] + (row * ((2 * _halfWidths[block]) + 1)) + (column - row + _halfWidths[block]);

    /// <summary>A symmetric (j = N/2) pure state given in <see cref="CollectiveSpin"/>'s order (index m + N/2).</summary>
    public static DickeBlockState FromSymmetric(ReadOnlySpan<Complex> psi, int maxCoherenceOrder = int.MaxValue)
    {
        int spins = psi.Length - 1;
        var state = new DickeBlockState(spins, maxCoherenceOrder);
        for (int r = 0; r <= spins; r++)
        {
            for (int c = Math.Max(0, r - state.MaxCoherenceOrder); c <= Math.Min(spins, r + state.MaxCoherenceOrder); c++)
            {
                // Row r is m = N/2 − r, which is index N − r in CollectiveSpin's order.
                state[0, r, c] = psi[spins - r] * Complex.Conjugate(psi[spins - c]);
            }
        }

        return state;
    }

    /// <summary>The Dicke state |j, m⟩⟨j, m| (one representative copy of the block, trace 1).</summary>
    public static DickeBlockState Dicke(int spins, double j, double m, int maxCoherenceOrder = int.MaxValue)
    {
        var state = new DickeBlockState(spins, maxCoherenceOrder);
        int block = (int)Math.Round((spins / 2.0) - j);
        if (block < 0 || block >= state.BlockCount || Math.Abs(m) > j || Math.Abs((j - m) - Math.Round(j - m)) > 1e-9)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"|j = {j}, m = {m}⟩ is not a Dicke state of {spins} spins");
        }

        int row = (int)Math.Round(j - m);
        state[block, row, row] = 1;
        return state;
    }

    /// <summary>d_N(j) = (2j+1) N! / ((N/2 + j + 1)! (N/2 − j)!), the number of copies of block j (as a double; log-gamma).</summary>
    public static double Degeneracy(int spins, double j) =>
        Math.Round((2 * j) + 1) * Math.Exp(
            MathNet.Numerics.SpecialFunctions.GammaLn(spins + 1)
            - MathNet.Numerics.SpecialFunctions.GammaLn((spins / 2.0) + j + 2)
            - MathNet.Numerics.SpecialFunctions.GammaLn((spins / 2.0) - j + 1));

    public DickeBlockState Clone()
    {
        var copy = new DickeBlockState(Spins, MaxCoherenceOrder);
        Array.Copy(Data, copy.Data, Data.Length);
        return copy;
    }

    public double Trace()
    {
        double trace = 0;
        for (int b = 0; b < BlockCount; b++)
        {
            for (int r = 0; r < BlockSize(b); r++)
            {
                trace += this[b, r, r].Real;
            }
        }

        return trace;
    }

    /// <summary>First and second moments of J = (J_x, J_y, J_z), J_a = ½ Σ σ_a⁽ⁱ⁾.</summary>
    public SpinMoments Moments()
    {
        if (MaxCoherenceOrder < 2)
        {
            throw new InvalidOperationException("second moments need coherence orders up to 2");
        }

        // Tr(ρ A) = Σ_{r,c} ρ[r,c] A[c,r] with A's elements from the ladder operators; A reaches |r − c| ≤ 2.
        Span<Complex> mean = stackalloc Complex[3];
        Span<Complex> second = stackalloc Complex[9];
        for (int b = 0; b < BlockCount; b++)
        {
            double j = BlockSpin(b);
            int size = BlockSize(b);
            for (int r = 0; r < size; r++)
            {
                for (int c = Math.Max(0, r - 2); c <= Math.Min(size - 1, r + 2); c++)
                {
                    var rho = this[b, r, c];
                    if (rho == Complex.Zero)
                    {
                        continue;
                    }

                    for (int a = 0; a < 3; a++)
                    {
                        mean[a] += rho * SpinElement(a, j, c, r);
                        for (int a2 = 0; a2 < 3; a2++)
                        {
                            // (J_a J_a2)[c, r] = Σ_k J_a[c, k] J_a2[k, r], k within one of r.
                            Complex product = 0;
                            for (int k = Math.Max(0, r - 1); k <= Math.Min(size - 1, r + 1); k++)
                            {
                                product += SpinElement(a, j, c, k) * SpinElement(a2, j, k, r);
                            }

                            second[(3 * a) + a2] += rho * product;
                        }
                    }
                }
            }
        }

        var symmetric = new double[3, 3];
        for (int a = 0; a < 3; a++)
        {
            for (int a2 = 0; a2 < 3; a2++)
            {
                symmetric[a, a2] = 0.5 * (second[(3 * a) + a2] + second[(3 * a2) + a]).Real;
            }
        }

        return new SpinMoments(Spins, [mean[0].Real, mean[1].Real, mean[2].Real], symmetric);
    }

    /// <summary>
    /// The quantum Fisher information for a rotation e^(−iθ n·J) (n a unit vector; J_z by default): the generator is
    /// block-diagonal, so F_Q = Σ_j F_Q(ρ_j) with the SLD formula on each representative block
    /// (<see cref="FisherInformation.Mixed"/> is homogeneous of degree 1 in the block's weight).
    /// </summary>
    public double QuantumFisherInformation(double nx = 0, double ny = 0, double nz = 1)
    {
        if (!IsComplete)
        {
            throw new InvalidOperationException($"the QFI needs every coherence order; this state keeps only |m − m′| ≤ {MaxCoherenceOrder}");
        }

        double f = 0;
        for (int b = 0; b < BlockCount; b++)
        {
            double j = BlockSpin(b);
            int size = BlockSize(b);
            var rho = Matrix<Complex>.Build.Dense(size, size, (r, c) => this[b, r, c]);
            if (rho.Diagonal().Sum().Real < 1e-14)
            {
                continue;
            }

            var g = Matrix<Complex>.Build.Dense(size, size, (r, c) => (nx * SpinElement(0, j, r, c)) + (ny * SpinElement(1, j, r, c)) + (nz * SpinElement(2, j, r, c)));
            var derivative = ((g * rho) - (rho * g)) * new Complex(0, -1);
            f += FisherInformation.Mixed(rho, derivative);
        }

        return f;
    }

    /// <summary>⟨r|J_a|c⟩ in block j (a = 0, 1, 2 for x, y, z), with index i = j − m.</summary>
    internal static Complex SpinElement(int axis, double j, int row, int column)
    {
        double mRow = j - row, mColumn = j - column;
        switch (axis)
        {
            case 2:
                return row == column ? mRow : 0;
            default:
                // J₊|m⟩ = √((j − m)(j + m + 1)) |m + 1⟩: a raise moves to row = column − 1.
                double plus = row == column - 1 ? Math.Sqrt((j - mColumn) * (j + mColumn + 1)) : 0;
                double minus = row == column + 1 ? Math.Sqrt((j + mColumn) * (j - mColumn + 1)) : 0;
                return axis == 0 ? new Complex((plus + minus) / 2, 0) : new Complex(0, (minus - plus) / 2);
        }
    }
}

/// <summary>⟨J_a⟩ and the symmetrised second moments ⟨{J_a, J_b}⟩/2 of N spins.</summary>
public sealed record SpinMoments(int Spins, double[] Mean, double[,] Second)
{
    public double Covariance(int a, int b) => Second[a, b] - (Mean[a] * Mean[b]);

    /// <summary>
    /// The Wineland squeezing parameter ξ² = N (ΔJ_⊥,min)² / |⟨J⟩|²: the least variance in the plane orthogonal to the
    /// mean spin over its squared length (Wineland et al., PRA 50, 67 (1994)). Below 1 beats the SQL in phase by 1/ξ.
    /// </summary>
    public double WinelandParameter()
    {
        double length2 = (Mean[0] * Mean[0]) + (Mean[1] * Mean[1]) + (Mean[2] * Mean[2]);
        if (length2 < 1e-300)
        {
            return double.PositiveInfinity;
        }

        // Two unit vectors u, v orthogonal to the mean spin.
        double length = Math.Sqrt(length2);
        var (u, v) = OrthonormalFrame.Around([Mean[0] / length, Mean[1] / length, Mean[2] / length]);
        double Quadratic(double[] x, double[] y)
        {
            double sum = 0;
            for (int a = 0; a < 3; a++)
            {
                for (int b = 0; b < 3; b++)
                {
                    sum += x[a] * Covariance(a, b) * y[b];
                }
            }

            return sum;
        }

        double uu = Quadratic(u, u), vv = Quadratic(v, v), uv = Quadratic(u, v);
        double minimum = ((uu + vv) / 2) - Math.Sqrt((((uu - vv) / 2) * ((uu - vv) / 2)) + (uv * uv));
        return Spins * minimum / length2;
    }
}
