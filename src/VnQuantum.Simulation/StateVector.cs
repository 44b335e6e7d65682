using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VnQuantum.Simulation.Kernels;

namespace VnQuantum.Simulation;

/// <summary>
/// A pure state of n qubits as 2^n complex amplitudes in native, 64-byte aligned memory, indexed by 64-bit integers
/// so that states of 2^31 amplitudes and more work. Bit order as Qiskit: qubit 0 is the least significant bit of a
/// basis index. Gates take matrices and qubit indices; the engine knows no circuit language.
/// </summary>
/// <remarks>Not thread-safe: one caller at a time. Each gate runs on <see cref="Threads"/> threads and allocates nothing.</remarks>
public sealed unsafe partial class StateVector : IDisposable
{
    /// <summary>The most qubits a state may have (an index must fit in a long, and no machine holds more).</summary>
    public const int MaxQubits = 40;

    private const int MaxControls = GroupLoop.MaxPositions - 2;

    private readonly WorkerPool _pool;
    private readonly bool _ownsPool = true;
    private readonly int _width;
    private readonly AmplitudeMemory _memory;
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
            _memory = AmplitudeMemory.Allocate(bytes);
            _data = _memory.Data;
        }
        catch (OutOfMemoryException e)
        {
            throw new StateTooLargeException($"Could not allocate {FormatBytes(bytes)} for a {qubits}-qubit state.", e);
        }

        _pool = new WorkerPool(threads <= 0 ? Environment.ProcessorCount : threads);
        if (_memory.IsZeroed)
        {
            // Fresh pages read zero: clearing them would only fault in every page now rather than at the first gate.
            SetAmplitude(0, Complex.One);
        }
        else
        {
            SetBasisState(0);
        }
    }

    /// <summary>A copy of <paramref name="source"/>'s amplitudes that runs its gates on the source's worker threads.</summary>
    private StateVector(StateVector source)
    {
        QubitCount = source.QubitCount;
        Length = source.Length;
        Precision = source.Precision;
        Path = source.Path;
        _width = source._width;
        long bytes = RequiredBytes(QubitCount, Precision);
        try
        {
            _memory = AmplitudeMemory.Allocate(bytes);
            _data = _memory.Data;
        }
        catch (OutOfMemoryException e)
        {
            throw new StateTooLargeException($"Could not allocate {FormatBytes(bytes)} for a copy of a {QubitCount}-qubit state.", e);
        }

        _pool = source._pool;
        _ownsPool = false;
        Buffer.MemoryCopy(source._data, _data, bytes, bytes);
    }

    ~StateVector() => Free();

    /// <summary>
    /// An exact copy (one memory pass) that shares this state's worker threads, for shot branching: many states
    /// stepped one at a time by one caller. Dispose the copies before this state; they must not outlive it.
    /// </summary>
    public StateVector Clone()
    {
        ObjectDisposedException.ThrowIf(_data is null, this);
        return new StateVector(this);
    }

    /// <summary>Whether every real and imaginary part of the two states (same size and precision) differs by at most <paramref name="tolerance"/>.</summary>
    public bool AmplitudesEqual(StateVector other, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Length != Length || other.Precision != Precision)
        {
            return false;
        }

        long parts = 2 * Length;
        if (Precision == Precision.Double)
        {
            double* a = (double*)_data, b = (double*)other._data;
            for (long i = 0; i < parts; i++)
            {
                if (Math.Abs(a[i] - b[i]) > tolerance)
                {
                    return false;
                }
            }
        }
        else
        {
            float* a = (float*)_data, b = (float*)other._data;
            for (long i = 0; i < parts; i++)
            {
                if (Math.Abs(a[i] - b[i]) > tolerance)
                {
                    return false;
                }
            }
        }

        return true;
    }

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

    /// <summary>True when a state of <paramref name="qubits"/> fits in this process's memory (what <see cref="EnsureFits"/> checks).</summary>
    public static bool Fits(int qubits, Precision precision)
    {
        if (qubits > MaxQubits)
        {
            return false;
        }

        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return RequiredBytes(qubits, precision) <= available - Headroom(available);
    }

    // Leave room for the runtime and the program itself.
    private static long Headroom(long available) => Math.Max(256L << 20, available / 32);

    /// <summary>Throws <see cref="StateTooLargeException"/> with the memory needed when the state would not fit.</summary>
    public static void EnsureFits(int qubits, Precision precision)
    {
        long bytes = RequiredBytes(qubits, precision);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        long headroom = Headroom(available);
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
    /// <summary>The amplitudes as interleaved doubles (re, im, …), for the distributed layer's exchanges; double precision only.</summary>
    internal double* DoubleData => Precision == Precision.Double ? (double*)_data : throw new InvalidOperationException("the amplitudes are single precision");

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

    public void Dispose()
    {
        Free();
        if (_ownsPool)
        {
            _pool.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private void Free()
    {
        _memory?.Free();
        _data = null;
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
