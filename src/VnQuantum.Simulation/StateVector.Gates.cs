using System.Numerics;
using System.Runtime.Intrinsics;
using VnQuantum.Simulation.Kernels;

namespace VnQuantum.Simulation;

/// <content>The gates (dense, diagonal, phase, flip, swap) and the choice of kernel for each: lanes, low targets, SIMD width and precision.</content>
public sealed unsafe partial class StateVector
{
    /// <summary>Applies a 2×2 matrix (row-major) to <paramref name="target"/>, on the subspace where all controls are 1.</summary>
    public void ApplyMatrix1(int target, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls = default)
    {
        RequireLength(matrix, 4);
        Span<int> positions = stackalloc int[controls.Length + 1];
        long setMask = Positions(controls, [target], positions);
        if (TryLanes([target], matrix, controls))
        {
            return;
        }

        if (Precision == Precision.Double)
        {
            Dense1<double>(target, matrix, positions, setMask);
        }
        else
        {
            Dense1<float>(target, matrix, positions, setMask);
        }
    }

    /// <summary>
    /// Applies a 4×4 matrix (row-major) to (<paramref name="q0"/>, <paramref name="q1"/>); matrix index bit 0 is
    /// <paramref name="q0"/>, as in Qiskit.
    /// </summary>
    public void ApplyMatrix2(int q0, int q1, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls = default)
    {
        RequireLength(matrix, 16);
        Span<int> positions = stackalloc int[controls.Length + 2];
        long setMask = Positions(controls, [q0, q1], positions);
        if (TryLowTargetDense([q0, q1], matrix, controls) || TryLaneSwapDense([q0, q1], matrix, controls) || TryLanes([q0, q1], matrix, controls))
        {
            return;
        }

        if (Precision == Precision.Double)
        {
            Dense2<double>(q0, q1, matrix, positions, setMask);
        }
        else
        {
            Dense2<float>(q0, q1, matrix, positions, setMask);
        }
    }

    /// <summary>
    /// Applies a 2^k×2^k matrix (row-major, k ≤ 5) to <paramref name="targets"/>; matrix index bit i is targets[i].
    /// </summary>
    public void ApplyMatrix(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls = default)
    {
        if (targets.Length is < 1 or > DenseKernel<double>.MaxTargets)
        {
            throw new ArgumentException($"A dense gate acts on 1 to {DenseKernel<double>.MaxTargets} qubits, not {targets.Length}.", nameof(targets));
        }

        int dim = 1 << targets.Length;
        RequireLength(matrix, dim * dim);
        if (targets.Length == 1)
        {
            ApplyMatrix1(targets[0], matrix, controls);
            return;
        }

        if (targets.Length == 2)
        {
            ApplyMatrix2(targets[0], targets[1], matrix, controls);
            return;
        }

        Span<int> positions = stackalloc int[controls.Length + targets.Length];
        long setMask = Positions(controls, targets, positions);
        if (TryLowTargetDense(targets, matrix, controls) || TryLaneSwapDense(targets, matrix, controls) || TryLanes(targets, matrix, controls))
        {
            return;
        }

        if (Precision == Precision.Double)
        {
            DenseK<double>(targets, matrix, positions, setMask);
        }
        else
        {
            DenseK<float>(targets, matrix, positions, setMask);
        }
    }

    /// <summary>
    /// out[r] = Σ_t weights[r·terms + t] · in[sources[r·terms + t]] on the 2^k members of every group of
    /// <paramref name="targets"/> (member index bit i is targets[i]), with real weights: see <see cref="SparseRealKernel{T}"/>.
    /// </summary>
    internal void ApplySparseReal(ReadOnlySpan<int> targets, ReadOnlySpan<int> sources, ReadOnlySpan<double> weights, int terms)
    {
        int members = 1 << targets.Length;
        if (members > SparseRealKernel<double>.MaxMembers || sources.Length != members * terms || weights.Length != sources.Length)
        {
            throw new ArgumentException("A sparse map acts on at most 4 qubits with one source and weight per term.");
        }

        Span<int> positions = stackalloc int[targets.Length];
        Positions([], targets, positions);
        if (Precision == Precision.Double)
        {
            SparseReal<double>(targets, positions, sources, weights, terms);
        }
        else
        {
            SparseReal<float>(targets, positions, sources, weights, terms);
        }
    }

    /// <summary>Multiplies the |0⟩ part of <paramref name="target"/> by d0 and the |1⟩ part by d1 (Z, S, T, RZ, …).</summary>
    public void ApplyDiagonal1(int target, Complex d0, Complex d1, ReadOnlySpan<int> controls = default)
    {
        if (d0 == Complex.One)
        {
            ApplyPhase(target, d1, controls);
            return;
        }

        Span<int> positions = stackalloc int[controls.Length + 1];
        long setMask = Positions(controls, [target], positions);
        if (TryLanes([target], [d0, 0, 0, d1], controls))
        {
            return;
        }

        if (Precision == Precision.Double)
        {
            Diagonal1<double>(target, d0, d1, positions, setMask);
        }
        else
        {
            Diagonal1<float>(target, d0, d1, positions, setMask);
        }
    }

    /// <summary>
    /// Multiplies by <paramref name="phase"/> every amplitude whose <paramref name="target"/> bit and all control bits
    /// are 1 (phase, CZ, CP, multi-controlled phase): touches only that part of the state.
    /// </summary>
    public void ApplyPhase(int target, Complex phase, ReadOnlySpan<int> controls = default)
    {
        Span<int> positions = stackalloc int[controls.Length + 1];
        long setMask = Positions(controls, [target], positions) | (1L << target);
        if (TryLanePhase(target, phase, controls) || TryLanes([target], [1, 0, 0, phase], controls))
        {
            return;
        }

        if (Precision == Precision.Double)
        {
            Scale<double>(phase, positions, setMask);
        }
        else
        {
            Scale<float>(phase, positions, setMask);
        }
    }

    /// <summary>Flips <paramref name="target"/> where all controls are 1 (X, CX, Toffoli, multi-controlled X): a pure permutation.</summary>
    public void ApplyX(int target, ReadOnlySpan<int> controls = default)
    {
        Span<int> positions = stackalloc int[controls.Length + 1];
        long setMask = Positions(controls, [target], positions);
        if (TryLanes([target], [0, 1, 1, 0], controls))
        {
            return;
        }

        SwapRuns(0, 1L << target, positions, setMask);
    }

    /// <summary>Exchanges qubits <paramref name="a"/> and <paramref name="b"/> where all controls are 1 (SWAP, Fredkin).</summary>
    public void ApplySwap(int a, int b, ReadOnlySpan<int> controls = default)
    {
        Span<int> positions = stackalloc int[controls.Length + 2];
        long setMask = Positions(controls, [a, b], positions);
        // With a qubit below the vector width the transposing dense kernel (a pass at the floor) beats permuting lanes.
        Span<Complex> swap = stackalloc Complex[16];
        swap[0] = swap[6] = swap[9] = swap[15] = 1;
        if (TryLowTargetDense([a, b], swap, controls) || TryLanes([a, b], swap, controls))
        {
            return;
        }

        SwapRuns(1L << a, 1L << b, positions, setMask);
    }

    /// <summary>Multiplies every amplitude by <paramref name="factor"/> (a global phase, or a renormalisation).</summary>
    public void Scale(Complex factor)
    {
        if (Precision == Precision.Double)
        {
            Scale<double>(factor, [], 0);
        }
        else
        {
            Scale<float>(factor, [], 0);
        }
    }

    private static long Claim(long used, int qubit)
    {
        if ((used & (1L << qubit)) != 0)
        {
            throw new ArgumentException($"Qubit {qubit} appears twice in one gate.");
        }

        return used | (1L << qubit);
    }

    /// <summary>
    /// A phase (symmetric in target and controls) on qubits both below and above the vector width: the high ones select
    /// the runs, so only that fraction of the state is touched, and the low ones a lane mask inside each vector.
    /// </summary>
    private bool TryLanePhase(int target, Complex phase, ReadOnlySpan<int> controls)
    {
        int laneBits = Precision == Precision.Double ? LanePlan.LaneBits<double>(_width) : LanePlan.LaneBits<float>(_width);
        if (_width == 0 || QubitCount < laneBits + 1)
        {
            return false;
        }

        int lowMask = 0, high = 0;
        Span<int> positions = stackalloc int[controls.Length + 1];
        long setMask = 0;
        for (int i = 0; i <= controls.Length; i++)
        {
            int q = i == 0 ? target : controls[i - 1];
            if (q < laneBits)
            {
                lowMask |= 1 << q;
            }
            else
            {
                positions[high++] = q;
                setMask |= 1L << q;
            }
        }

        if (lowMask == 0 || high == 0)
        {
            return false;
        }

        if (Precision == Precision.Double)
        {
            LanePhase<double>(phase, lowMask, laneBits, positions[..high], setMask);
        }
        else
        {
            LanePhase<float>(phase, lowMask, laneBits, positions[..high], setMask);
        }

        return true;
    }

    private void LanePhase<T>(Complex phase, int lowMask, int laneBits, ReadOnlySpan<int> positions, long setMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        Span<T> re = stackalloc T[Vector512<T>.Count];
        Span<T> imAlt = stackalloc T[Vector512<T>.Count];
        for (int lane = 0; lane < 1 << laneBits; lane++)
        {
            var c = (lane & lowMask) == lowMask ? phase : Complex.One;
            re[2 * lane] = re[(2 * lane) + 1] = T.CreateTruncating(c.Real);
            imAlt[2 * lane] = T.CreateTruncating(-c.Imaginary);
            imAlt[(2 * lane) + 1] = T.CreateTruncating(c.Imaginary);
        }

        var kernel = new LaneScaleKernel<T>
        {
            Data = (T*)_data,
            Width = _width,
            LowMask = lowMask,
            Re = Vector512.Create((ReadOnlySpan<T>)re),
            ImAlt = Vector512.Create((ReadOnlySpan<T>)imAlt),
            Factor = new(phase),
        };
        GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
    }

    /// <summary>
    /// Runs a dense 4×4 or 8×8 with <see cref="LowTargetDenseKernel"/> when one or two of its targets sit below the
    /// vector width and the kernel fits (see its remarks); returns false to try the lane kernel.
    /// </summary>
    /// <summary>
    /// Runs a dense block with targets below the vector width by exchanging them with free high qubits inside the
    /// registers (<see cref="LaneSwapDenseKernel{T}"/>); false when it does not apply: a low control, no low target,
    /// no 512-bit path, not enough free qubits, or a shape the specialised kernels already run at the floor.
    /// </summary>
    private bool TryLaneSwapDense(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls) =>
        Precision == Precision.Double ? TryLaneSwapDense<double>(targets, matrix, controls) : TryLaneSwapDense<float>(targets, matrix, controls);

    [System.Runtime.CompilerServices.SkipLocalsInit]
    private bool TryLaneSwapDense<T>(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int laneBits = LaneSwapDenseKernel<T>.LaneBits;
        int k = targets.Length;
        if (_width != 512 || !LaneSwapDenseKernel<T>.Supported || k < LaneSwapMinTargets<T>() || k > LaneSwapDenseKernel<T>.MaxTargets)
        {
            return false;
        }

        long used = 0;
        int lowTargets = 0;
        foreach (int t in targets)
        {
            lowTargets += t < laneBits ? 1 : 0;
            used |= 1L << t;
        }

        foreach (int c in controls)
        {
            if (c < laneBits)
            {
                return false;
            }

            used |= 1L << c;
        }

        if (lowTargets == 0)
        {
            return false;
        }

        // The partners: the highest free qubits, so that the group loop's runs (2^(lowest position) long) stay long.
        Span<int> partners = stackalloc int[LaneSwapDenseKernel<T>.MaxSwaps];
        int found = 0;
        for (int bit = QubitCount - 1; bit >= laneBits && found < lowTargets; bit--)
        {
            if ((used & (1L << bit)) == 0)
            {
                partners[found++] = bit;
            }
        }

        if (found < lowTargets)
        {
            return false;
        }

        // Slot order: the low targets ascending (slot bit s exchanged with partner s), then the high targets as given.
        Span<int> order = stackalloc int[k];
        int count = LowTargetsFirst(targets, laneBits, order);

        Span<int> positions = stackalloc int[k + controls.Length];
        int positionCount = 0;
        for (int s = 0; s < lowTargets; s++)
        {
            positions[positionCount++] = partners[s];
        }

        for (int i = 0; i < k; i++)
        {
            if (targets[i] >= laneBits)
            {
                order[count++] = i;
                positions[positionCount++] = targets[i];
            }
        }

        long setMask = 0;
        foreach (int c in controls)
        {
            positions[positionCount++] = c;
            setMask |= 1L << c;
        }

        int dim = 1 << k;
        var offsets = stackalloc long[dim];
        Span<int> original = stackalloc int[dim];
        for (int slot = 0; slot < dim; slot++)
        {
            long offset = 0;
            int index = 0;
            for (int b = 0; b < k; b++)
            {
                long bit = (slot >> b) & 1L;
                offset |= bit << (b < lowTargets ? partners[b] : targets[order[b]]);
                index |= (int)bit << order[b];
            }

            offsets[slot] = offset;
            original[slot] = index;
        }

        var coefficients = stackalloc Coefficient<T>[dim * dim];
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++)
            {
                coefficients[(r * dim) + c] = new Coefficient<T>(matrix[(original[r] * dim) + original[c]]);
            }
        }

        var indices = stackalloc Vector512<T>[2 * LaneSwapDenseKernel<T>.MaxSwaps];
        for (int s = 0; s < lowTargets; s++)
        {
            LaneSwapDenseKernel<T>.FillIndices(targets[order[s]], indices + (2 * s));
        }

        var kernel = new LaneSwapDenseKernel<T> { Data = (T*)_data, Dimension = dim, Swaps = lowTargets, Offsets = offsets, Indices = indices, M = coefficients };
        GroupLoop.Run(_pool, kernel, QubitCount, positions[..positionCount], setMask);
        return true;
    }

    /// <summary>
    /// Writes into <paramref name="order"/> the indices of the targets below <paramref name="laneBits"/>, ascending by
    /// qubit, and returns how many; the callers append the high targets after them (the slot order of the low-target
    /// kernels).
    /// </summary>
    private static int LowTargetsFirst(ReadOnlySpan<int> targets, int laneBits, Span<int> order)
    {
        int count = 0;
        for (int q = 0; q < laneBits; q++)
        {
            int i = targets.IndexOf(q);
            if (i >= 0)
            {
                order[count++] = i;
            }
        }

        return count;
    }

    /// <summary>
    /// The smallest block the lane-swap kernel takes, from the ratio table in docs/benchmarks.md: in double precision
    /// the transposing kernel already runs 4×4 and 8×8 blocks with low targets near the floor, and in single precision
    /// the lane kernel's straight-line 4×4 (1.3–1.5× the floor) beats this kernel's general loop (2.2–2.7×).
    /// </summary>
    private static int LaneSwapMinTargets<T>() => typeof(T) == typeof(float) ? 3 : 4;

    private bool TryLowTargetDense(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls)
    {
        const int laneBits = 2;
        int lowTargets = 0, lowControls = 0;
        long used = 0;
        foreach (int t in targets)
        {
            lowTargets += t < laneBits ? 1 : 0;
            used |= 1L << t;
        }

        foreach (int c in controls)
        {
            lowControls += c < laneBits ? 1 : 0;
            used |= 1L << c;
        }

        if (!LowTargetDenseKernel.Fits(_width, Precision, targets.Length, lowTargets, lowControls))
        {
            return false;
        }

        // The partners: the lowest free bits from 2 up. When they are bits 2 (and 3) they lie inside every run;
        // otherwise the group loop enumerates them as positions and the kernel takes one vector per step.
        Span<int> partners = stackalloc int[2];
        int found = 0;
        for (int bit = laneBits; bit < QubitCount && found < lowTargets; bit++)
        {
            if ((used & (1L << bit)) == 0)
            {
                partners[found++] = bit;
            }
        }

        if (found < lowTargets)
        {
            return false;
        }

        bool inRun = partners[0] == laneBits && (lowTargets == 1 || partners[1] == laneBits + 1);
        // Slot order: the low targets ascending, then the high targets as given.
        int k = targets.Length, dim = 1 << k;
        Span<int> order = stackalloc int[k];
        int count = LowTargetsFirst(targets, laneBits, order);

        var kernel = new LowTargetDenseKernel
        {
            Data = (double*)_data,
            Dimension = dim,
            Low = lowTargets,
            LowQubit = targets[order[0]],
            PartnerA = 1L << partners[0],
            PartnerB = lowTargets == 2 ? 1L << partners[1] : 0,
            Step = inRun ? 4L << lowTargets : 4,
        };
        Span<int> positions = stackalloc int[k + controls.Length];
        int highCount = 0;
        long setMask = 0;
        for (int i = 0; i < k; i++)
        {
            if (targets[i] >= laneBits)
            {
                order[count++] = i;
                positions[highCount++] = targets[i];
            }
        }

        Span<long> offsets = stackalloc long[4];
        for (int h = 0; h < 1 << (k - lowTargets); h++)
        {
            for (int b = 0; b < k - lowTargets; b++)
            {
                offsets[h] |= ((h >> b) & 1L) << targets[order[lowTargets + b]];
            }
        }

        (kernel.Offset1, kernel.Offset2, kernel.Offset3) = (offsets[1], offsets[2], offsets[3]);
        for (int i = 0; i < controls.Length; i++)
        {
            positions[highCount++] = controls[i];
            setMask |= 1L << controls[i];
        }

        for (int i = 0; i < lowTargets && !inRun; i++)
        {
            positions[highCount++] = partners[i];
        }

        Span<int> original = stackalloc int[dim];
        for (int slot = 0; slot < dim; slot++)
        {
            for (int b = 0; b < k; b++)
            {
                original[slot] |= ((slot >> b) & 1) << order[b];
            }
        }

        var coefficients = stackalloc Coefficient<double>[dim * dim];
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++)
            {
                coefficients[(r * dim) + c] = new Coefficient<double>(matrix[(original[r] * dim) + original[c]]);
            }
        }

        kernel.M = coefficients;
        GroupLoop.Run(_pool, kernel, QubitCount, positions[..highCount], setMask);
        return true;
    }

    /// <summary>
    /// Runs the gate with <see cref="LaneKernel{T}"/> when a vector path is active and the gate touches a qubit below
    /// the vector width (whose amplitude pairs sit inside one vector); returns false to use the pair kernels.
    /// </summary>
    private bool TryLanes(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls) =>
        Precision == Precision.Double ? TryLanes<double>(targets, matrix, controls) : TryLanes<float>(targets, matrix, controls);

    private bool TryLanes<T>(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int laneBits = LanePlan.LaneBits<T>(_width);
        if (_width == 0 || QubitCount < laneBits || !LaneKernel<T>.Supported(_width))
        {
            return false;
        }

        int lowControls = 0, lowTargets = 0;
        foreach (int c in controls)
        {
            lowControls |= c < laneBits ? 1 << c : 0;
        }

        foreach (int t in targets)
        {
            lowTargets += t < laneBits ? 1 : 0;
        }

        if (lowControls == 0 && lowTargets == 0)
        {
            return false;
        }

        int highTargets = targets.Length - lowTargets;
        Span<int> positions = stackalloc int[targets.Length + controls.Length];
        int count = 0;
        long setMask = 0;
        foreach (int t in targets)
        {
            if (t >= laneBits)
            {
                positions[count++] = t;
            }
        }

        foreach (int c in controls)
        {
            if (c >= laneBits)
            {
                positions[count++] = c;
                setMask |= 1L << c;
            }
        }

        var offsets = stackalloc long[LaneKernel<T>.MaxVectors];
        var permutations = stackalloc Vector512<int>[LaneKernel<T>.MaxPatterns];
        var coefficients = stackalloc Vector512<T>[LanePlan.CoefficientCount(highTargets, lowTargets)];
        var kernel = new LaneKernel<T> { Data = (T*)_data, Width = _width, Offsets = offsets, Permutations = permutations, Coefficients = coefficients };
        LanePlan.Fill(ref kernel, targets, matrix, laneBits, lowControls);
        GroupLoop.Run(_pool, kernel, QubitCount, positions[..count], setMask);
        return true;
    }

    private void Dense1<T>(int target, ReadOnlySpan<Complex> m, ReadOnlySpan<int> positions, long setMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var kernel = new Dense1Kernel<T>
        {
            Data = (T*)_data,
            Offset = 1L << target,
            Width = _width,
            M00 = new(m[0]),
            M01 = new(m[1]),
            M10 = new(m[2]),
            M11 = new(m[3]),
        };
        GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
    }

    private void Dense2<T>(int q0, int q1, ReadOnlySpan<Complex> m, ReadOnlySpan<int> positions, long setMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var coefficients = stackalloc Coefficient<T>[16];
        for (int i = 0; i < 16; i++)
        {
            coefficients[i] = new Coefficient<T>(m[i]);
        }

        var kernel = new Dense2Kernel<T> { Data = (T*)_data, Offset0 = 1L << q0, Offset1 = 1L << q1, Width = _width, M = coefficients };
        GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
    }

    private void DenseK<T>(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> m, ReadOnlySpan<int> positions, long setMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int dim = 1 << targets.Length;
        var coefficients = stackalloc Coefficient<T>[dim * dim];
        for (int i = 0; i < dim * dim; i++)
        {
            coefficients[i] = new Coefficient<T>(m[i]);
        }

        var offsets = stackalloc long[dim];
        for (int index = 0; index < dim; index++)
        {
            long offset = 0;
            for (int b = 0; b < targets.Length; b++)
            {
                if ((index & (1 << b)) != 0)
                {
                    offset |= 1L << targets[b];
                }
            }

            offsets[index] = offset;
        }

        var kernel = new DenseKernel<T> { Data = (T*)_data, Dimension = dim, Width = _width, Offsets = offsets, M = coefficients };
        GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
    }

    private void SparseReal<T>(ReadOnlySpan<int> targets, ReadOnlySpan<int> positions, ReadOnlySpan<int> sources, ReadOnlySpan<double> weights, int terms)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int members = 1 << targets.Length;
        var offsets = stackalloc long[members];
        for (int m = 0; m < members; m++)
        {
            long offset = 0;
            for (int b = 0; b < targets.Length; b++)
            {
                offset |= ((m >> b) & 1L) << targets[b];
            }

            offsets[m] = offset;
        }

        var sourceTable = stackalloc int[sources.Length];
        var weightTable = stackalloc T[weights.Length];
        for (int i = 0; i < sources.Length; i++)
        {
            sourceTable[i] = sources[i];
            weightTable[i] = T.CreateTruncating(weights[i]);
        }

        var kernel = new SparseRealKernel<T> { Data = (T*)_data, Members = members, Terms = terms, Width = _width, Offsets = offsets, Sources = sourceTable, Weights = weightTable };
        GroupLoop.Run(_pool, kernel, QubitCount, positions, 0);
    }

    private void Diagonal1<T>(int target, Complex d0, Complex d1, ReadOnlySpan<int> positions, long setMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var kernel = new Diagonal1Kernel<T> { Data = (T*)_data, Offset = 1L << target, Width = _width, D0 = new(d0), D1 = new(d1) };
        GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
    }

    private void Scale<T>(Complex factor, ReadOnlySpan<int> positions, long setMask)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        var kernel = new ScaleKernel<T> { Data = (T*)_data, Width = _width, Factor = new(factor) };
        GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
    }

    private void SwapRuns(long offsetA, long offsetB, ReadOnlySpan<int> positions, long setMask)
    {
        if (Precision == Precision.Double)
        {
            var kernel = new SwapRunsKernel<double> { Data = (double*)_data, OffsetA = offsetA, OffsetB = offsetB, Width = _width };
            GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
        }
        else
        {
            var kernel = new SwapRunsKernel<float> { Data = (float*)_data, OffsetA = offsetA, OffsetB = offsetB, Width = _width };
            GroupLoop.Run(_pool, kernel, QubitCount, positions, setMask);
        }
    }
}
