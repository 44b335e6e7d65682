using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using VnQuantum.Randomness;
using VnQuantum.Simulation.Kernels;

namespace VnQuantum.Simulation;

/// <summary>
/// A pure state of n qubits as 2^n complex amplitudes in native, 64-byte aligned memory, indexed by 64-bit integers
/// so that states of 2^31 amplitudes and more work. Bit order as Qiskit: qubit 0 is the least significant bit of a
/// basis index. Gates take matrices and qubit indices; the engine knows no circuit language.
/// </summary>
/// <remarks>Not thread-safe: one caller at a time. Each gate runs on <see cref="Threads"/> threads and allocates nothing.</remarks>
public sealed unsafe class StateVector : IDisposable
{
    /// <summary>The most qubits a state may have (an index must fit in a long, and no machine holds more).</summary>
    public const int MaxQubits = 40;

    private const int MaxControls = GroupLoop.MaxPositions - 2;

    private readonly WorkerPool _pool;
    private readonly int _width;
    private void* _data;

    private StateVector(int qubits, Precision precision, int threads, KernelPath path)
    {
        QubitCount = qubits;
        Length = 1L << qubits;
        Precision = precision;
        Path = path;
        _width = precision == Precision.Double ? ComplexLanes.Width<double>(path) : ComplexLanes.Width<float>(path);
        long bytes = RequiredBytes(qubits, precision);
        try
        {
            _data = NativeMemory.AlignedAlloc((nuint)bytes, 64);
        }
        catch (OutOfMemoryException e)
        {
            throw new StateTooLargeException($"Could not allocate {FormatBytes(bytes)} for a {qubits}-qubit state.", e);
        }

        _pool = new WorkerPool(threads <= 0 ? Environment.ProcessorCount : threads);
        SetBasisState(0);
    }

    ~StateVector() => Free();

    /// <summary>Number of qubits n.</summary>
    public int QubitCount { get; }

    /// <summary>Number of amplitudes, 2^n.</summary>
    public long Length { get; }

    public Precision Precision { get; }

    public KernelPath Path { get; }

    /// <summary>Threads each gate runs on.</summary>
    public int Threads => _pool.Threads;

    /// <summary>The vector width in bits the kernels use here (512, 256, or 0 for scalar).</summary>
    public int VectorWidth => _width;

    /// <summary>Bytes of amplitude memory a state of <paramref name="qubits"/> qubits needs.</summary>
    public static long RequiredBytes(int qubits, Precision precision) =>
        (1L << qubits) * (precision == Precision.Double ? 16L : 8L);

    /// <summary>
    /// Allocates |0…0⟩ on <paramref name="qubits"/> qubits. <paramref name="threads"/> ≤ 0 means one per processor.
    /// </summary>
    /// <exception cref="StateTooLargeException">The state needs more memory than this machine has available.</exception>
    public static StateVector Create(int qubits, Precision precision = Precision.Double, int threads = 0, KernelPath path = KernelPath.Auto)
    {
        if (qubits < 1 || qubits > MaxQubits)
        {
            throw new ArgumentOutOfRangeException(nameof(qubits), qubits, $"A state vector has 1 to {MaxQubits} qubits.");
        }

        EnsureFits(qubits, precision);
        return new StateVector(qubits, precision, threads, path);
    }

    /// <summary>Throws <see cref="StateTooLargeException"/> with the memory needed when the state would not fit.</summary>
    public static void EnsureFits(int qubits, Precision precision)
    {
        long bytes = RequiredBytes(qubits, precision);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

        // Leave room for the runtime and the program itself.
        long headroom = Math.Max(256L << 20, available / 32);
        if (bytes > available - headroom)
        {
            string single = precision == Precision.Double && RequiredBytes(qubits, Precision.Single) <= available - headroom
                ? " Single precision (--precision single) would fit."
                : string.Empty;
            throw new StateTooLargeException(
                $"A {qubits}-qubit state in {precision.ToString().ToLowerInvariant()} precision needs {FormatBytes(bytes)}; " +
                $"this machine has {FormatBytes(available)} available.{single}");
        }
    }

    /// <summary>A byte count for people: "4 GiB", "512 MiB".</summary>
    public static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 40 => $"{bytes / (double)(1L << 40):0.##} TiB",
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.##} MiB",
        >= 1L << 10 => $"{bytes / (double)(1L << 10):0.##} KiB",
        _ => $"{bytes} B",
    };

    /// <summary>Sets the state to the basis state |index⟩.</summary>
    public void SetBasisState(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        long bytes = RequiredBytes(QubitCount, Precision);
        var job = new ClearJob { Data = (byte*)_data };
        _pool.Run(&ClearBody, Unsafe.AsPointer(ref job), bytes / ClearJob.Block, alignment: 1);
        if (bytes % ClearJob.Block != 0)
        {
            NativeMemory.Clear((byte*)_data + (bytes / ClearJob.Block * ClearJob.Block), (nuint)(bytes % ClearJob.Block));
        }

        SetAmplitude(index, Complex.One);
    }

    /// <summary>The amplitude ⟨index|ψ⟩.</summary>
    public Complex GetAmplitude(long index)
    {
        if ((ulong)index >= (ulong)Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        return Precision == Precision.Double
            ? new Complex(((double*)_data)[2 * index], ((double*)_data)[(2 * index) + 1])
            : new Complex(((float*)_data)[2 * index], ((float*)_data)[(2 * index) + 1]);
    }

    /// <summary>Sets one amplitude; the caller keeps the state normalised.</summary>
    public void SetAmplitude(long index, Complex value)
    {
        if ((ulong)index >= (ulong)Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index));
        }

        if (Precision == Precision.Double)
        {
            ((double*)_data)[2 * index] = value.Real;
            ((double*)_data)[(2 * index) + 1] = value.Imaginary;
        }
        else
        {
            ((float*)_data)[2 * index] = (float)value.Real;
            ((float*)_data)[(2 * index) + 1] = (float)value.Imaginary;
        }
    }

    /// <summary>Copies all amplitudes into <paramref name="destination"/> (at least <see cref="Length"/> long).</summary>
    public void CopyTo(Span<Complex> destination)
    {
        if (destination.Length < Length)
        {
            throw new ArgumentException($"Destination holds {destination.Length} amplitudes; the state has {Length}.", nameof(destination));
        }

        for (long i = 0; i < Length; i++)
        {
            destination[(int)i] = GetAmplitude(i);
        }
    }

    /// <summary>Copies all amplitudes from <paramref name="source"/> (exactly <see cref="Length"/> long).</summary>
    public void CopyFrom(ReadOnlySpan<Complex> source)
    {
        if (source.Length != Length)
        {
            throw new ArgumentException($"Source holds {source.Length} amplitudes; the state has {Length}.", nameof(source));
        }

        for (int i = 0; i < source.Length; i++)
        {
            SetAmplitude(i, source[i]);
        }
    }

    /// <summary>A copy of the amplitudes; for states of at most 2^27 amplitudes.</summary>
    public Complex[] ToArray()
    {
        if (QubitCount > 27)
        {
            throw new InvalidOperationException($"A {QubitCount}-qubit state is too large to copy into an array.");
        }

        var result = new Complex[Length];
        CopyTo(result);
        return result;
    }

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
        if (TryLowTargetDense([q0, q1], matrix, controls) || TryLanes([q0, q1], matrix, controls))
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
        if (TryLowTargetDense(targets, matrix, controls) || TryLanes(targets, matrix, controls))
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

    /// <summary>The probability that measuring <paramref name="qubit"/> gives 1.</summary>
    public double ProbabilityOfOne(int qubit)
    {
        RequireQubit(qubit);
        long bit = 1L << qubit;
        return Precision == Precision.Double
            ? Reductions.Probability(_pool, (double*)_data, Length, bit, bit)
            : Reductions.Probability(_pool, (float*)_data, Length, bit, bit);
    }

    /// <summary>⟨ψ|ψ⟩.</summary>
    public double NormSquared() => Precision == Precision.Double
        ? Reductions.Probability(_pool, (double*)_data, Length, 0, 0)
        : Reductions.Probability(_pool, (float*)_data, Length, 0, 0);

    /// <summary>Measures <paramref name="qubit"/> in the Z basis, collapses and renormalises the state, and returns 0 or 1.</summary>
    public int Measure(int qubit, SeededRandom random)
    {
        var (outcome, onZero, onOne) = ProjectiveMeasurement.Draw(ProbabilityOfOne(qubit), random);
        ApplyDiagonal1(qubit, onZero, onOne);
        return outcome;
    }

    /// <summary>Resets <paramref name="qubit"/> to |0⟩ (measure, then flip on 1), as OpenQASM's <c>reset</c>.</summary>
    public void ResetQubit(int qubit, SeededRandom random)
    {
        if (Measure(qubit, random) == 1)
        {
            ApplyX(qubit);
        }
    }

    /// <summary>
    /// The reduced density matrix of one or two qubits (the rest traced out), row-major, index bit i = qubits[i]:
    /// what a trajectory needs to weigh the Kraus operators of a general channel.
    /// </summary>
    public Complex[] ReducedDensityMatrix(ReadOnlySpan<int> qubits)
    {
        if (qubits.Length is < 1 or > 2)
        {
            throw new ArgumentException("A reduced density matrix is offered for 1 or 2 qubits.", nameof(qubits));
        }

        Span<int> positions = stackalloc int[qubits.Length];
        Positions([], qubits, positions);
        return Precision == Precision.Double
            ? ReducedDensityMatrix<double>((double*)_data, Length, qubits)
            : ReducedDensityMatrix<float>((float*)_data, Length, qubits);
    }

    /// <summary>⟨ψ|P|ψ⟩ for a Pauli string (its rightmost letter on qubit 0).</summary>
    public double Expectation(PauliString pauli)
    {
        ArgumentNullException.ThrowIfNull(pauli);
        if (pauli.Length > QubitCount)
        {
            throw new ArgumentException($"The Pauli string '{pauli}' names {pauli.Length} qubits; the state has {QubitCount}.", nameof(pauli));
        }

        Complex sum = Precision == Precision.Double
            ? Reductions.PauliSum(_pool, (double*)_data, Length, pauli.XMask, pauli.ZMask)
            : Reductions.PauliSum(_pool, (float*)_data, Length, pauli.XMask, pauli.ZMask);
        Complex phase = (pauli.YCount & 3) switch { 0 => 1, 1 => Complex.ImaginaryOne, 2 => -1, _ => -Complex.ImaginaryOne };
        return (phase * sum).Real;
    }

    /// <summary>
    /// The probabilities of the basis states of <paramref name="qubits"/> (marginal over the rest); entry j has bit i
    /// equal to the outcome of qubits[i]. All qubits when <paramref name="qubits"/> is empty (n ≤ 27).
    /// </summary>
    public double[] Probabilities(ReadOnlySpan<int> qubits = default)
    {
        if (qubits.IsEmpty)
        {
            if (QubitCount > 27)
            {
                throw new InvalidOperationException($"All 2^{QubitCount} probabilities do not fit in an array; name the qubits to keep.");
            }

            var all = new double[Length];
            for (long i = 0; i < Length; i++)
            {
                all[i] = AmplitudeNorm(i);
            }

            return all;
        }

        if (qubits.Length > 27)
        {
            throw new ArgumentException("At most 27 qubits in a marginal distribution.", nameof(qubits));
        }

        foreach (int q in qubits)
        {
            RequireQubit(q);
        }

        var result = new double[1L << qubits.Length];
        int[] order = qubits.ToArray();
        for (long i = 0; i < Length; i++)
        {
            double p = AmplitudeNorm(i);
            if (p == 0)
            {
                continue;
            }

            long j = 0;
            for (int k = 0; k < order.Length; k++)
            {
                j |= ((i >> order[k]) & 1) << k;
            }

            result[j] += p;
        }

        return result;
    }

    /// <summary>
    /// Draws <paramref name="shots"/> basis indices from |ψ|² without copying the state: one pass of per-chunk
    /// probabilities, then one sweep over sorted uniforms. The result is sorted, so it suits counting, not per-shot order.
    /// </summary>
    public long[] Sample(int shots, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var result = new long[shots];
        if (shots == 0)
        {
            return result;
        }

        long chunks = Reductions.ChunkCount(Length);
        var partials = new double[chunks];
        if (Precision == Precision.Double)
        {
            Reductions.ChunkProbabilities(_pool, (double*)_data, Length, 0, 0, partials);
        }
        else
        {
            Reductions.ChunkProbabilities(_pool, (float*)_data, Length, 0, 0, partials);
        }

        double total = 0;
        foreach (double p in partials)
        {
            total += p;
        }

        var uniforms = new double[shots];
        for (int s = 0; s < shots; s++)
        {
            uniforms[s] = random.NextDouble() * total;
        }

        Array.Sort(uniforms);

        long chunk = 0;
        double chunkStart = 0;
        long index = -1;
        double cumulative = 0;
        for (int s = 0; s < shots; s++)
        {
            double r = uniforms[s];
            while (chunk < chunks - 1 && chunkStart + partials[chunk] <= r)
            {
                chunkStart += partials[chunk];
                chunk++;
            }

            long chunkFirst = chunk * Reductions.ChunkLength;
            if (index < chunkFirst - 1)
            {
                index = chunkFirst - 1;
                cumulative = chunkStart;
            }

            while ((index < 0 || cumulative <= r) && index < Length - 1)
            {
                index++;
                cumulative += AmplitudeNorm(index);
            }

            long pick = index;
            while (pick > 0 && AmplitudeNorm(pick) == 0)
            {
                // Rounding pushed r past the last non-zero amplitude: take that one.
                pick--;
            }

            result[s] = pick;
        }

        return result;
    }

    public void Dispose()
    {
        Free();
        _pool.Dispose();
        GC.SuppressFinalize(this);
    }

    private double AmplitudeNorm(long i)
    {
        if (Precision == Precision.Double)
        {
            double re = ((double*)_data)[2 * i], im = ((double*)_data)[(2 * i) + 1];
            return (re * re) + (im * im);
        }
        else
        {
            double re = ((float*)_data)[2 * i], im = ((float*)_data)[(2 * i) + 1];
            return (re * re) + (im * im);
        }
    }

    private static Complex[] ReducedDensityMatrix<T>(T* data, long length, ReadOnlySpan<int> qubits)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int k = qubits.Length;
        int dim = 1 << k;
        Span<long> offsets = stackalloc long[dim];
        long mask = 0;
        for (int j = 0; j < dim; j++)
        {
            for (int b = 0; b < k; b++)
            {
                offsets[j] |= ((j >> b) & 1L) << qubits[b];
            }
        }

        foreach (int q in qubits)
        {
            mask |= 1L << q;
        }

        Span<Complex> amplitudes = stackalloc Complex[dim];
        var rho = new Complex[dim * dim];
        for (long rest = 0; rest < length; rest++)
        {
            if ((rest & mask) != 0)
            {
                continue;
            }

            for (int j = 0; j < dim; j++)
            {
                long i = rest | offsets[j];
                amplitudes[j] = new Complex(double.CreateTruncating(data[2 * i]), double.CreateTruncating(data[(2 * i) + 1]));
            }

            for (int r = 0; r < dim; r++)
            {
                for (int c = 0; c < dim; c++)
                {
                    rho[(r * dim) + c] += amplitudes[r] * Complex.Conjugate(amplitudes[c]);
                }
            }
        }

        return rho;
    }

    private void Free()
    {
        if (_data != null)
        {
            NativeMemory.AlignedFree(_data);
            _data = null;
        }
    }

    private void RequireQubit(int qubit)
    {
        if ((uint)qubit >= (uint)QubitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(qubit), qubit, $"Qubit index must be in 0..{QubitCount - 1}.");
        }
    }

    private static void RequireLength(ReadOnlySpan<Complex> matrix, int length)
    {
        if (matrix.Length != length)
        {
            throw new ArgumentException($"Expected a matrix of {length} entries, got {matrix.Length}.", nameof(matrix));
        }
    }

    /// <summary>Validates the qubits (in range, all distinct), writes them to <paramref name="positions"/>, and returns the control mask.</summary>
    private long Positions(ReadOnlySpan<int> controls, ReadOnlySpan<int> targets, Span<int> positions)
    {
        if (controls.Length > MaxControls)
        {
            throw new ArgumentException($"At most {MaxControls} controls.", nameof(controls));
        }

        long used = 0;
        long setMask = 0;
        int k = 0;
        foreach (int q in targets)
        {
            RequireQubit(q);
            used = Claim(used, q);
            positions[k++] = q;
        }

        foreach (int q in controls)
        {
            RequireQubit(q);
            used = Claim(used, q);
            setMask |= 1L << q;
            positions[k++] = q;
        }

        return setMask;
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
        int count = 0;
        for (int q = 0; q < laneBits; q++)
        {
            int i = targets.IndexOf(q);
            if (i >= 0)
            {
                order[count++] = i;
            }
        }

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

    private struct ClearJob
    {
        public const long Block = 1L << 16;
        public byte* Data;
    }

    private static void ClearBody(void* context, long start, long end)
    {
        byte* data = ((ClearJob*)context)->Data;
        NativeMemory.Clear(data + (start * ClearJob.Block), (nuint)((end - start) * ClearJob.Block));
    }
}
