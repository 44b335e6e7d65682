using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;
using VnQuantum.Randomness;

namespace VnQuantum.Simulation;

/// <summary>One sampled outcome of a whole register and how many shots gave it; <c>bits[q]</c> is qubit q.</summary>
public delegate void SampledOutcome(ReadOnlySpan<bool> bits, int shots);

/// <summary>
/// A pure state of n qubits as a matrix product state: one tensor per site, of shape (left bond, 2, right bond),
/// in mixed canonical form (every site left of the orthogonality centre a left isometry, every site right of it a
/// right isometry), so the norm, a qubit's probabilities and the error of a truncation are read off the centre
/// alone. Memory and time grow with the entanglement across each cut (the bond dimension), not with 2^n: GHZ,
/// Bernstein–Vazirani and ripple-carry adders on hundreds of qubits stay at bond 2–4.
/// <para>
/// A gate on k qubits contracts their k adjacent sites, applies the matrix and splits the block again by singular
/// value decompositions (MathNet.Numerics), dropping the smallest singular values whose squares sum to at most
/// <see cref="TruncationThreshold"/> and any beyond <see cref="MaxBond"/>. Qubits that are not adjacent are brought
/// together by swaps of neighbouring sites, and stay where the swaps left them (a qubit-to-site map), as a circuit
/// acting on the same qubits again needs no swaps.
/// </para>
/// </summary>
public sealed class MatrixProductState
{
    /// <summary>
    /// Without <see cref="MaxBond"/>, a run stops (rather than grows without bound) past this bond dimension: one
    /// split at bond 256 is an SVD of a 512 × 512 matrix, about 2 s in MathNet's managed code on one core, so an
    /// exact run past it would take hours where a truncated one (--max-bond) takes minutes.
    /// </summary>
    public const int ExactBondLimit = 256;

    /// <summary>Qiskit Aer's default: the smallest singular values whose squares sum to at most this are dropped.</summary>
    public const double DefaultTruncationThreshold = 1e-16;

    /// <summary>The most qubits <see cref="ToStateVector"/> expands (2^26 amplitudes, 1 GiB).</summary>
    public const int MaxQubitsForStateVector = 26;

    /// <summary>The most qubits one gate may act on (a 2^8 × 2^8 matrix over 8 contracted sites).</summary>
    public const int MaxGateQubits = 8;

    private readonly Complex[][] _sites;
    private readonly int[] _bonds;
    private readonly int[] _siteOfQubit;
    private readonly int[] _qubitAtSite;
    private readonly long _memoryLimitBytes;
    private int _center;
    private long _bytes;

    /// <param name="qubits">Number of qubits, 1 or more.</param>
    /// <param name="maxBond">The largest bond dimension kept; 0 keeps every singular value above the threshold (exact up to <see cref="ExactBondLimit"/>).</param>
    /// <param name="truncationThreshold">Singular values whose squares sum to at most this (relative to the norm) are dropped at every split.</param>
    public MatrixProductState(int qubits, int maxBond = 0, double truncationThreshold = DefaultTruncationThreshold)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(qubits, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBond);
        if (!(truncationThreshold is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(truncationThreshold), truncationThreshold, "The truncation threshold is a weight from 0 to below 1.");
        }

        QubitCount = qubits;
        MaxBond = maxBond;
        TruncationThreshold = truncationThreshold;
        _sites = new Complex[qubits][];
        _bonds = new int[qubits + 1];
        _siteOfQubit = new int[qubits];
        _qubitAtSite = new int[qubits];
        _memoryLimitBytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
        SetZeroState();
    }

    public int QubitCount { get; }

    /// <summary>The bond past which an exact run is refused; lowered only by tests, to reach it in milliseconds.</summary>
    internal int ExactLimit { get; init; } = ExactBondLimit;

    /// <summary>The largest bond dimension kept; 0 when only the threshold truncates.</summary>
    public int MaxBond { get; }

    public double TruncationThreshold { get; }

    /// <summary>
    /// The sum of the weights (squared singular values, relative to the norm) dropped by every split so far; one
    /// minus the fidelity with the exact state is at most about this.
    /// </summary>
    public double DiscardedWeight { get; private set; }

    /// <summary>The largest bond dimension the state has had since it was set.</summary>
    public int LargestBond { get; private set; }

    /// <summary>The factorisations done since the state was made: each SVD of a split, each QR step of the centre (<see cref="PlanFactorisations"/>).</summary>
    public long Factorisations { get; private set; }

    /// <summary>Bytes the site tensors hold now.</summary>
    public long Bytes => _bytes;

    /// <summary>The bond dimension of each cut, from the one after site 0 to the one before the last site.</summary>
    public int[] BondDimensions() => _bonds[1..QubitCount];

    /// <summary>Back to |0…0⟩: every site a 1 × 2 × 1 tensor, qubit q on site q, nothing discarded.</summary>
    public void SetZeroState()
    {
        for (int i = 0; i < QubitCount; i++)
        {
            _sites[i] = [Complex.One, Complex.Zero];
            _bonds[i] = 1;
            _siteOfQubit[i] = i;
            _qubitAtSite[i] = i;
        }

        _bonds[QubitCount] = 1;
        _center = 0;
        _bytes = QubitCount * 2L * 16;
        DiscardedWeight = 0;
        LargestBond = 1;
    }

    /// <summary>Applies a 2 × 2 row-major matrix to one qubit: a contraction of its site alone, exact.</summary>
    public void Apply1(int qubit, ReadOnlySpan<Complex> matrix)
    {
        CheckQubit(qubit);
        if (matrix.Length != 4)
        {
            throw new ArgumentException("A one-qubit gate is a 2 × 2 matrix (4 entries).", nameof(matrix));
        }

        int site = _siteOfQubit[qubit];
        var a = _sites[site];
        int right = _bonds[site + 1];
        Complex m00 = matrix[0], m01 = matrix[1], m10 = matrix[2], m11 = matrix[3];
        for (int l = 0; l < _bonds[site]; l++)
        {
            int zero = l * 2 * right, one = zero + right;
            for (int r = 0; r < right; r++)
            {
                Complex x0 = a[zero + r], x1 = a[one + r];
                a[zero + r] = (m00 * x0) + (m01 * x1);
                a[one + r] = (m10 * x0) + (m11 * x1);
            }
        }
    }

    /// <summary>
    /// Applies a 2^k × 2^k row-major matrix to k distinct qubits; matrix index bit j is <paramref name="qubits"/>[j],
    /// as in Qiskit and <see cref="StateVector.ApplyMatrix"/>.
    /// </summary>
    /// <exception cref="StateTooLargeException">The state would need a bond dimension over <see cref="ExactBondLimit"/> with no <see cref="MaxBond"/>, or more memory than the process has.</exception>
    public void ApplyMatrix(ReadOnlySpan<int> qubits, ReadOnlySpan<Complex> matrix)
    {
        int k = qubits.Length;
        if (k is < 1 or > MaxGateQubits)
        {
            throw new ArgumentException($"A gate on a matrix product state acts on 1 to {MaxGateQubits} qubits, not {k}.", nameof(qubits));
        }

        int dim = 1 << k;
        if (matrix.Length != dim * dim)
        {
            throw new ArgumentException($"A {k}-qubit gate is a {dim} × {dim} matrix ({dim * dim} entries), not {matrix.Length}.", nameof(matrix));
        }

        for (int j = 0; j < k; j++)
        {
            CheckQubit(qubits[j]);
            for (int i = 0; i < j; i++)
            {
                if (qubits[i] == qubits[j])
                {
                    throw new ArgumentException($"Qubit {qubits[j]} appears twice in one gate.", nameof(qubits));
                }
            }
        }

        if (k == 1)
        {
            Apply1(qubits[0], matrix);
            return;
        }

        int first = GatherAdjacent(qubits);

        // Window position t (site first + t) is bit k-1-t of the block's physical index; the gate's bit for it is
        // the index of that site's qubit in the gate's qubit list.
        Span<int> gateBit = stackalloc int[k];
        for (int t = 0; t < k; t++)
        {
            gateBit[t] = qubits.IndexOf(_qubitAtSite[first + t]);
        }

        var permuted = new Complex[dim * dim];
        for (int p = 0; p < dim; p++)
        {
            int gp = GateIndex(p, gateBit);
            for (int q = 0; q < dim; q++)
            {
                permuted[(p * dim) + q] = matrix[(gp * dim) + GateIndex(q, gateBit)];
            }
        }

        var (block, left, right) = Contract(first, k);
        block = ApplyToBlock(block, left, dim, right, permuted);
        Split(first, k, block, left, right);
    }

    /// <summary>The probability that measuring <paramref name="qubit"/> gives 1.</summary>
    public double ProbabilityOfOne(int qubit)
    {
        CheckQubit(qubit);
        int site = _siteOfQubit[qubit];
        MoveCenter(site);
        var (p0, p1) = SliceWeights(site);
        return p1 / (p0 + p1);
    }

    /// <summary>Measures one qubit in the computational basis and collapses the state; <paramref name="uniform"/> in [0, 1) decides.</summary>
    public int Measure(int qubit, double uniform)
    {
        CheckQubit(qubit);
        int site = _siteOfQubit[qubit];
        MoveCenter(site);
        var (p0, p1) = SliceWeights(site);
        int outcome = uniform < p1 / (p0 + p1) ? 1 : 0;
        double kept = outcome == 1 ? p1 : p0;
        var a = _sites[site];
        int right = _bonds[site + 1];
        double scale = 1 / Math.Sqrt(kept);
        for (int l = 0; l < _bonds[site]; l++)
        {
            int keptRow = (((l * 2) + outcome) * right), droppedRow = (((l * 2) + 1 - outcome) * right);
            for (int r = 0; r < right; r++)
            {
                a[keptRow + r] *= scale;
                a[droppedRow + r] = Complex.Zero;
            }
        }

        return outcome;
    }

    /// <summary>Measures the qubit and flips it to |0⟩ when it gave 1.</summary>
    public void Reset(int qubit, double uniform)
    {
        if (Measure(qubit, uniform) == 1)
        {
            Apply1(qubit, [Complex.Zero, Complex.One, Complex.One, Complex.Zero]);
        }
    }

    /// <summary>⟨bits|ψ⟩ for one basis state (<paramref name="bits"/>[q] is qubit q), in O(n χ²) without the full state.</summary>
    public Complex Amplitude(ReadOnlySpan<bool> bits)
    {
        if (bits.Length != QubitCount)
        {
            throw new ArgumentException($"A basis state of this register has {QubitCount} bits, not {bits.Length}.", nameof(bits));
        }

        Complex[] vector = [Complex.One];
        for (int site = 0; site < QubitCount; site++)
        {
            vector = RowTimesSlice(vector, site, bits[_qubitAtSite[site]] ? 1 : 0);
        }

        return vector[0];
    }

    /// <summary>|⟨bits|ψ⟩|², the probability of one whole-register outcome.</summary>
    public double Probability(ReadOnlySpan<bool> bits)
    {
        var amplitude = Amplitude(bits);
        return (amplitude.Real * amplitude.Real) + (amplitude.Imaginary * amplitude.Imaginary);
    }

    /// <summary>
    /// Samples every qubit <paramref name="shots"/> times from the state, site by site from conditional
    /// probabilities. Shots that agree so far share the work (a tree of prefixes), so a state with few likely
    /// outcomes costs little however many shots are taken. Each distinct outcome is reported once with its shot
    /// count, in a fixed order, so a seed fixes the counts.
    /// </summary>
    public void Sample(int shots, SeededRandom random, SampledOutcome outcome)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(outcome);
        if (shots == 0)
        {
            return;
        }

        // With the centre on site 0 every later site is a right isometry, so the squared norm of a prefix's row
        // vector is that prefix's probability.
        MoveCenter(0);
        var path = new bool[QubitCount];
        var bits = new bool[QubitCount];
        var pending = new Stack<(int Site, int Bit, Complex[] Row, int Shots)>();
        pending.Push((0, 0, [Complex.One], shots));
        while (pending.Count > 0)
        {
            var (site, bit, row, count) = pending.Pop();
            if (site > 0)
            {
                path[site - 1] = bit == 1;
            }

            if (site == QubitCount)
            {
                for (int s = 0; s < QubitCount; s++)
                {
                    bits[_qubitAtSite[s]] = path[s];
                }

                outcome(bits, count);
                continue;
            }

            var zero = RowTimesSlice(row, site, 0);
            var one = RowTimesSlice(row, site, 1);
            double p0 = SquaredNorm(zero), p1 = SquaredNorm(one);
            double chanceOfOne = p1 / (p0 + p1);
            int ones = 0;
            for (int s = 0; s < count; s++)
            {
                ones += random.NextDouble() < chanceOfOne ? 1 : 0;
            }

            if (ones > 0)
            {
                Scale(one, 1 / Math.Sqrt(p1));
                pending.Push((site + 1, 1, one, ones));
            }

            if (ones < count)
            {
                Scale(zero, 1 / Math.Sqrt(p0));
                pending.Push((site + 1, 0, zero, count - ones));
            }
        }
    }

    /// <summary>The full state, index bit q being qubit q (at most <see cref="MaxQubitsForStateVector"/> qubits).</summary>
    public Complex[] ToStateVector()
    {
        if (QubitCount > MaxQubitsForStateVector)
        {
            throw new InvalidOperationException($"A state of {QubitCount} qubits is too large to expand; at most {MaxQubitsForStateVector}.");
        }

        // Rows are the prefixes over sites 0..i (site 0 the most significant), columns the bond to the right.
        Complex[] prefix = [Complex.One];
        int rows = 1;
        for (int site = 0; site < QubitCount; site++)
        {
            int left = _bonds[site], right = _bonds[site + 1];
            var next = new Complex[rows * 2 * right];
            Multiply(prefix, rows, left, _sites[site], 2 * right, next);
            prefix = next;
            rows *= 2;
        }

        var state = new Complex[1L << QubitCount];
        for (int p = 0; p < rows; p++)
        {
            long index = 0;
            for (int site = 0; site < QubitCount; site++)
            {
                if (((p >> (QubitCount - 1 - site)) & 1) == 1)
                {
                    index |= 1L << _qubitAtSite[site];
                }
            }

            state[index] = prefix[p];
        }

        return state;
    }

    private static int GateIndex(int windowIndex, ReadOnlySpan<int> gateBit)
    {
        int k = gateBit.Length, index = 0;
        for (int t = 0; t < k; t++)
        {
            index |= ((windowIndex >> (k - 1 - t)) & 1) << gateBit[t];
        }

        return index;
    }

    /// <summary>
    /// Swaps neighbouring sites until the gate's qubits sit on adjacent sites, each moving as little as it can
    /// (to a window placed at the median offset); returns the window's first site.
    /// </summary>
    private int GatherAdjacent(ReadOnlySpan<int> qubits) => GatherAdjacent(qubits, _siteOfQubit, SwapSites);

    /// <summary>
    /// Brings the qubits' sites together around the middle one, calling <paramref name="swapSites"/> for each
    /// exchange of neighbouring sites (which also updates <paramref name="siteOfQubit"/>); returns the first site.
    /// </summary>
    private static int GatherAdjacent(ReadOnlySpan<int> qubits, int[] siteOfQubit, Action<int> swapSites)
    {
        int k = qubits.Length;
        var sites = new int[k];
        for (int j = 0; j < k; j++)
        {
            sites[j] = siteOfQubit[qubits[j]];
        }

        Array.Sort(sites);
        var offsets = new int[k];
        for (int j = 0; j < k; j++)
        {
            offsets[j] = sites[j] - j;
        }

        int first = offsets[k / 2];

        // Those that move right go first, the rightmost first, then those that move left, the leftmost first: each
        // passes only sites of qubits outside the gate.
        for (int j = k - 1; j >= 0; j--)
        {
            for (int s = sites[j]; s < first + j; s++)
            {
                swapSites(s);
            }
        }

        for (int j = 0; j < k; j++)
        {
            for (int s = sites[j]; s > first + j; s--)
            {
                swapSites(s - 1);
            }
        }

        return first;
    }

    /// <summary>
    /// The factorisations (each SVD of a split, each QR step that moves the centre; <see cref="Factorisations"/>
    /// counts them in a run) that applying <paramref name="gates"/> in turn to a fresh state of
    /// <paramref name="qubits"/> qubits costs, following where the gates' swaps move the qubits, without any
    /// amplitudes. Entry i is the total after gate i. A factorisation's cost grows with the bonds, which only a run
    /// shows; the count is the shape of the work, so a run's progress is reported in it.
    /// </summary>
    public static long[] PlanFactorisations(int qubits, IReadOnlyList<int[]> gates)
    {
        ArgumentNullException.ThrowIfNull(gates);
        var siteOfQubit = Enumerable.Range(0, qubits).ToArray();
        var qubitAtSite = Enumerable.Range(0, qubits).ToArray();
        int center = 0;
        long total = 0;
        void Contract(int first, int k)
        {
            int to = Math.Clamp(center, first, first + k - 1);
            total += Math.Abs(to - center);
            center = to;
        }

        void Split(int first, int k)
        {
            total += k - 1;
            center = first + k - 1;
        }

        void SwapSites(int site)
        {
            Contract(site, 2);
            (qubitAtSite[site], qubitAtSite[site + 1]) = (qubitAtSite[site + 1], qubitAtSite[site]);
            siteOfQubit[qubitAtSite[site]] = site;
            siteOfQubit[qubitAtSite[site + 1]] = site + 1;
            Split(site, 2);
        }

        var plan = new long[gates.Count];
        for (int i = 0; i < gates.Count; i++)
        {
            var gate = gates[i];
            if (gate.Length > 1)
            {
                int first = GatherAdjacent(gate, siteOfQubit, SwapSites);
                Contract(first, gate.Length);
                Split(first, gate.Length);
            }

            plan[i] = total;
        }

        return plan;
    }

    /// <summary>Exchanges the qubits on sites <paramref name="site"/> and site + 1 (a SWAP gate, then the map).</summary>
    private void SwapSites(int site)
    {
        var (block, left, right) = Contract(site, 2);
        var swapped = new Complex[block.Length];
        for (int l = 0; l < left; l++)
        {
            for (int p = 0; p < 4; p++)
            {
                int q = ((p & 1) << 1) | (p >> 1);
                Array.Copy(block, ((l * 4) + p) * right, swapped, ((l * 4) + q) * right, right);
            }
        }

        (_qubitAtSite[site], _qubitAtSite[site + 1]) = (_qubitAtSite[site + 1], _qubitAtSite[site]);
        _siteOfQubit[_qubitAtSite[site]] = site;
        _siteOfQubit[_qubitAtSite[site + 1]] = site + 1;
        Split(site, 2, swapped, left, right);
    }

    /// <summary>The k sites from <paramref name="first"/> contracted into one block (left, 2^k, right), row-major, with the centre moved inside.</summary>
    private (Complex[] Block, int Left, int Right) Contract(int first, int k)
    {
        MoveCenter(Math.Clamp(_center, first, first + k - 1));
        int left = _bonds[first];
        var block = _sites[first];
        int rows = left * 2;
        for (int t = 1; t < k; t++)
        {
            int site = first + t;
            int inner = _bonds[site], right = _bonds[site + 1];
            var next = new Complex[rows * 2 * right];
            Multiply(block, rows, inner, _sites[site], 2 * right, next);
            block = next;
            rows *= 2;
        }

        return (block, left, _bonds[first + k]);
    }

    private static Complex[] ApplyToBlock(Complex[] block, int left, int dim, int right, Complex[] matrix)
    {
        var result = new Complex[block.Length];
        for (int l = 0; l < left; l++)
        {
            int rowBase = l * dim * right;
            for (int p = 0; p < dim; p++)
            {
                var target = result.AsSpan(rowBase + (p * right), right);
                for (int q = 0; q < dim; q++)
                {
                    var g = matrix[(p * dim) + q];
                    if (g == Complex.Zero)
                    {
                        continue;
                    }

                    var source = block.AsSpan(rowBase + (q * right), right);
                    for (int r = 0; r < right; r++)
                    {
                        target[r] += g * source[r];
                    }
                }
            }
        }

        return result;
    }

    /// <summary>
    /// Splits a block (left, 2^k, right) back into k sites from <paramref name="first"/> by successive SVDs, each
    /// truncated; the centre ends on the last of them.
    /// </summary>
    private void Split(int first, int k, Complex[] block, int left, int right)
    {
        var rest = block;
        int bond = left;
        for (int t = 0; t < k - 1; t++)
        {
            int rows = bond * 2, cols = rest.Length / rows;
            var (u, s, vh, kept) = TruncatedSvd(rest, rows, cols);
            Factorisations++;
            SetSite(first + t, u, bond, kept);
            for (int i = 0; i < kept; i++)
            {
                for (int c = 0; c < cols; c++)
                {
                    vh[(i * cols) + c] *= s[i];
                }
            }

            rest = vh;
            bond = kept;
        }

        SetSite(first + k - 1, rest, bond, right);
        _center = first + k - 1;
        if (_bytes > _memoryLimitBytes)
        {
            throw new StateTooLargeException($"the matrix product state needs {StateVector.FormatBytes(_bytes)} (largest bond {LargestBond}), more than half of what this process may use; pass a smaller --max-bond");
        }
    }

    private void SetSite(int site, Complex[] tensor, int left, int right)
    {
        _bytes += (tensor.Length - (long)_sites[site].Length) * 16;
        _sites[site] = tensor;
        _bonds[site] = left;
        _bonds[site + 1] = right;
        LargestBond = Math.Max(LargestBond, Math.Max(left, right));
    }

    /// <summary>
    /// The SVD of a row-major matrix, cut to the singular values kept (threshold, then bond limit) and rescaled so
    /// the kept ones carry the whole norm; returns U (rows × kept), S, V† (kept × cols).
    /// </summary>
    private (Complex[] U, double[] S, Complex[] Vh, int Kept) TruncatedSvd(Complex[] m, int rows, int cols)
    {
        var (u, s, vh, rank) = Svd(m, rows, cols);
        double total = 0;
        for (int i = 0; i < rank; i++)
        {
            total += s[i] * s[i];
        }

        int kept = rank;
        double dropped = 0;
        while (kept > 1 && dropped + (s[kept - 1] * s[kept - 1]) <= TruncationThreshold * total)
        {
            dropped += s[kept - 1] * s[kept - 1];
            kept--;
        }

        if (MaxBond > 0 && kept > MaxBond)
        {
            for (int i = MaxBond; i < kept; i++)
            {
                dropped += s[i] * s[i];
            }

            kept = MaxBond;
        }
        else if (MaxBond == 0 && kept > ExactLimit)
        {
            throw new StateTooLargeException($"the state is too entangled for an exact matrix product state: a bond would reach dimension {kept} (the exact limit is {ExactLimit}); pass --max-bond to truncate (the discarded weight is reported)");
        }

        DiscardedWeight += dropped / total;
        double scale = 1 / Math.Sqrt(total - dropped);
        var keptU = new Complex[rows * kept];
        for (int r = 0; r < rows; r++)
        {
            Array.Copy(u, r * rank, keptU, r * kept, kept);
        }

        var keptS = new double[kept];
        for (int i = 0; i < kept; i++)
        {
            keptS[i] = s[i] * scale;
        }

        return (keptU, keptS, kept == rank ? vh : vh[..(kept * cols)], kept);
    }

    /// <summary>
    /// A thin SVD, m = U S V†, with rank min(rows, cols): a thin QR (or LQ) first reduces the matrix to a square
    /// one, since MathNet's SVD builds both full unitary factors.
    /// </summary>
    private static (Complex[] U, double[] S, Complex[] Vh, int Rank) Svd(Complex[] m, int rows, int cols)
    {
        var matrix = ToMatrix(m, rows, cols);
        Matrix<Complex>? leftFactor = null, rightFactor = null;
        if (rows > cols)
        {
            var qr = matrix.QR(QRMethod.Thin);
            leftFactor = qr.Q;
            matrix = qr.R;
        }
        else if (cols > rows)
        {
            var qr = matrix.ConjugateTranspose().QR(QRMethod.Thin);
            rightFactor = qr.Q.ConjugateTranspose();
            matrix = qr.R.ConjugateTranspose();
        }

        var svd = matrix.Svd(computeVectors: true);
        var u = leftFactor is null ? svd.U : leftFactor * svd.U;
        var vh = rightFactor is null ? svd.VT : svd.VT * rightFactor;
        int rank = Math.Min(rows, cols);
        var s = new double[rank];
        for (int i = 0; i < rank; i++)
        {
            s[i] = svd.S[i].Real;
        }

        return (FromMatrix(u), s, FromMatrix(vh), rank);
    }

    /// <summary>Moves the orthogonality centre to <paramref name="site"/> one site at a time, by QR (rightward) or LQ (leftward).</summary>
    private void MoveCenter(int site)
    {
        while (_center < site)
        {
            int c = _center, left = _bonds[c], bond = _bonds[c + 1], right = _bonds[c + 2];
            int rows = left * 2;
            var (q, r, kept) = rows >= bond ? ThinQr(_sites[c], rows, bond) : SvdAsQr(_sites[c], rows, bond);
            var next = new Complex[kept * 2 * right];
            Multiply(r, kept, bond, _sites[c + 1], 2 * right, next);
            SetSite(c, q, left, kept);
            SetSite(c + 1, next, kept, right);
            _center++;
            Factorisations++;
        }

        while (_center > site)
        {
            int c = _center, left = _bonds[c - 1], bond = _bonds[c], right = _bonds[c + 1];
            int cols = 2 * right;

            // A = L Q from the QR of A†: A† = Q' R', so A = R'† Q'†.
            var (q, r, kept) = cols >= bond ? ThinQr(ConjugateTranspose(_sites[c], bond, cols), cols, bond) : SvdAsQr(ConjugateTranspose(_sites[c], bond, cols), cols, bond);
            var previous = new Complex[left * 2 * kept];
            Multiply(_sites[c - 1], left * 2, bond, ConjugateTranspose(r, kept, bond), kept, previous);
            SetSite(c, ConjugateTranspose(q, cols, kept), kept, right);
            SetSite(c - 1, previous, left, kept);
            _center--;
            Factorisations++;
        }
    }

    /// <summary>m (rows ≥ cols) = Q R with Q rows × cols orthonormal columns and R cols × cols.</summary>
    private static (Complex[] Q, Complex[] R, int Kept) ThinQr(Complex[] m, int rows, int cols)
    {
        var qr = ToMatrix(m, rows, cols).QR(QRMethod.Thin);
        return (FromMatrix(qr.Q), FromMatrix(qr.R), cols);
    }

    /// <summary>A wide m (rows &lt; cols) as Q R with Q = U (rows × rows) and R = S V† (rows × cols).</summary>
    private static (Complex[] Q, Complex[] R, int Kept) SvdAsQr(Complex[] m, int rows, int cols)
    {
        var (u, s, vh, rank) = Svd(m, rows, cols);
        for (int i = 0; i < rank; i++)
        {
            for (int c = 0; c < cols; c++)
            {
                vh[(i * cols) + c] *= s[i];
            }
        }

        return (u, vh, rank);
    }

    private (double P0, double P1) SliceWeights(int site)
    {
        var a = _sites[site];
        int right = _bonds[site + 1];
        double p0 = 0, p1 = 0;
        for (int l = 0; l < _bonds[site]; l++)
        {
            p0 += SquaredNorm(a.AsSpan(l * 2 * right, right));
            p1 += SquaredNorm(a.AsSpan(((l * 2) + 1) * right, right));
        }

        return (p0, p1);
    }

    /// <summary>row · A[site][:, bit, :], a row of the right bond's length.</summary>
    private Complex[] RowTimesSlice(Complex[] row, int site, int bit)
    {
        var a = _sites[site];
        int right = _bonds[site + 1];
        var result = new Complex[right];
        for (int l = 0; l < row.Length; l++)
        {
            var x = row[l];
            if (x == Complex.Zero)
            {
                continue;
            }

            var slice = a.AsSpan(((l * 2) + bit) * right, right);
            for (int r = 0; r < right; r++)
            {
                result[r] += x * slice[r];
            }
        }

        return result;
    }

    /// <summary>c = a · b, row-major: a is m × k, b is k × n.</summary>
    private static void Multiply(ReadOnlySpan<Complex> a, int m, int k, ReadOnlySpan<Complex> b, int n, Span<Complex> c)
    {
        c[..(m * n)].Clear();
        for (int i = 0; i < m; i++)
        {
            var row = c.Slice(i * n, n);
            for (int j = 0; j < k; j++)
            {
                var x = a[(i * k) + j];
                if (x == Complex.Zero)
                {
                    continue;
                }

                var source = b.Slice(j * n, n);
                for (int t = 0; t < n; t++)
                {
                    row[t] += x * source[t];
                }
            }
        }
    }

    private static Complex[] ConjugateTranspose(Complex[] m, int rows, int cols)
    {
        var result = new Complex[m.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                result[(c * rows) + r] = Complex.Conjugate(m[(r * cols) + c]);
            }
        }

        return result;
    }

    private static Matrix<Complex> ToMatrix(Complex[] m, int rows, int cols)
    {
        // MathNet stores by columns: a row-major array is the column-major array of the transpose.
        return Matrix<Complex>.Build.Dense(cols, rows, m).Transpose();
    }

    private static Complex[] FromMatrix(Matrix<Complex> m)
    {
        return m.Transpose().ToColumnMajorArray();
    }

    private static double SquaredNorm(ReadOnlySpan<Complex> v)
    {
        double sum = 0;
        foreach (var x in v)
        {
            sum += (x.Real * x.Real) + (x.Imaginary * x.Imaginary);
        }

        return sum;
    }

    private static void Scale(Complex[] v, double factor)
    {
        for (int i = 0; i < v.Length; i++)
        {
            v[i] *= factor;
        }
    }

    private void CheckQubit(int qubit)
    {
        if ((uint)qubit >= (uint)QubitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(qubit), qubit, $"The state has qubits 0 to {QubitCount - 1}.");
        }
    }
}
