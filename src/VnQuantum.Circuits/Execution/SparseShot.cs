using System.Numerics;
using VnQuantum.Circuits.Ir;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;

namespace VnQuantum.Circuits.Execution;

/// <summary>
/// One shot's state as its non-zero amplitudes only: (basis index, amplitude) pairs in no order. Reversible
/// classical gates (X, CX, Toffoli, SWAP and their controlled forms) and diagonal gates touch each pair once without
/// moving it; a dense gate pairs the entries that differ only in its targets. A circuit of mostly classical
/// arithmetic with a few superpositions — QASMBench's bwt (a quantum walk on a welded tree: 21 qubits, at most a
/// few thousand amplitudes ever non-zero) — runs here thousands of times faster than on the full 2^n amplitudes.
/// </summary>
/// <remarks>
/// Measurement uses <see cref="ProjectiveMeasurement"/>'s rule on the exact sums of the two halves, as the dense
/// state does, so a shot draws the same outcomes as on <see cref="StateVector"/> with the same stream (up to the
/// order of the sums' rounding). An amplitude whose squared magnitude falls below <see cref="Negligible"/> is
/// dropped: a gate that cancels two paths leaves rounding residue of 10⁻³⁴ rather than an exact zero, and keeping it
/// would let the entries grow without bound. Past <paramref name="maxEntries"/> entries the shot gives up
/// (<see cref="SparseShotTooDenseException"/>) and the caller runs the dense state instead.
/// </remarks>
internal sealed class SparseShot(int qubits, int maxEntries) : IShotState
{
    /// <summary>Amplitudes with |a|² below this are dropped as rounding residue of a cancellation.</summary>
    private const double Negligible = 1e-30;

    private readonly Dictionary<long, int> _groups = [];
    private long[] _index = new long[16];
    private Complex[] _amplitude = new Complex[16];
    private long[] _nextIndex = new long[16];
    private Complex[] _nextAmplitude = new Complex[16];
    private Complex[] _block = new Complex[16];
    private int _count = 1;

    public int QubitCount => qubits;

    /// <summary>The number of non-zero amplitudes now.</summary>
    public int Count => _count;

    /// <summary>The most non-zero amplitudes this state has held since it was made.</summary>
    public int PeakCount { get; private set; } = 1;

    public void Restart()
    {
        _count = 1;
        _index[0] = 0;
        _amplitude[0] = Complex.One;
    }

    /// <summary>The amplitude of basis state <paramref name="index"/> (zero where none is stored).</summary>
    public Complex Amplitude(long index)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_index[i] == index)
            {
                return _amplitude[i];
            }
        }

        return Complex.Zero;
    }

    public void Apply(CompiledOperation operation) => operation.ApplyUnitary(this);

    public void ApplyChannel(KrausChannel channel, int[] qubits, SeededRandom random) =>
        throw new InvalidOperationException("the sparse state runs noiseless circuits only");

    public void ApplyX(int target, ReadOnlySpan<int> controls)
    {
        long c = Mask(controls), t = 1L << target;
        for (int i = 0; i < _count; i++)
        {
            if ((_index[i] & c) == c)
            {
                _index[i] ^= t;
            }
        }
    }

    public void ApplySwap(int a, int b, ReadOnlySpan<int> controls)
    {
        long c = Mask(controls), both = (1L << a) | (1L << b);
        for (int i = 0; i < _count; i++)
        {
            long index = _index[i];
            long bits = index & both;
            if ((index & c) == c && bits != 0 && bits != both)
            {
                _index[i] = index ^ both;
            }
        }
    }

    public void ApplyDiagonal1(int target, Complex onZero, Complex onOne, ReadOnlySpan<int> controls)
    {
        long c = Mask(controls), t = 1L << target;
        for (int i = 0; i < _count; i++)
        {
            long index = _index[i];
            if ((index & c) == c)
            {
                _amplitude[i] *= (index & t) != 0 ? onOne : onZero;
            }
        }

        if (onZero == Complex.Zero || onOne == Complex.Zero)
        {
            DropNegligible();
        }
    }

    /// <summary>A 2^k×2^k matrix (row-major, matrix index bit i = targets[i]) on the entries whose controls are all 1.</summary>
    public void ApplyMatrix(ReadOnlySpan<int> targets, ReadOnlySpan<Complex> matrix, ReadOnlySpan<int> controls)
    {
        int k = targets.Length, dim = 1 << k;
        long c = Mask(controls), t = Mask(targets);
        _groups.Clear();
        int groups = 0, kept = 0;
        EnsureNext(_count);
        for (int i = 0; i < _count; i++)
        {
            long index = _index[i];
            if ((index & c) != c)
            {
                // Untouched by the gate: carried over as it is.
                _nextIndex[kept] = index;
                _nextAmplitude[kept++] = _amplitude[i];
                continue;
            }

            long rest = index & ~t;
            if (!_groups.TryGetValue(rest, out int g))
            {
                g = groups++;
                _groups[rest] = g;
                if ((long)groups * dim > 2L * maxEntries)
                {
                    // The gate could write more entries than the state may hold: give up before allocating them.
                    throw new SparseShotTooDenseException(groups * dim);
                }

                if (_block.Length < groups * dim)
                {
                    Array.Resize(ref _block, Math.Max(_block.Length * 2, groups * dim));
                }

                _block.AsSpan(g * dim, dim).Clear();
            }

            _block[(g * dim) + Local(index, targets)] = _amplitude[i];
        }

        int count = kept;
        foreach (var (rest, g) in _groups)
        {
            var input = _block.AsSpan(g * dim, dim);
            for (int r = 0; r < dim; r++)
            {
                Complex sum = Complex.Zero;
                var row = matrix.Slice(r * dim, dim);
                for (int col = 0; col < dim; col++)
                {
                    sum += row[col] * input[col];
                }

                if ((sum.Real * sum.Real) + (sum.Imaginary * sum.Imaginary) >= Negligible)
                {
                    if (count == _nextIndex.Length)
                    {
                        EnsureNext(count + 1);
                    }

                    _nextIndex[count] = rest | Deposit(r, targets);
                    _nextAmplitude[count++] = sum;
                }
            }
        }

        (_index, _nextIndex) = (_nextIndex, _index);
        (_amplitude, _nextAmplitude) = (_nextAmplitude, _amplitude);
        SetCount(count);
    }

    public int Measure(int qubit, SeededRandom random)
    {
        var (zero, one) = OutcomeWeights(qubit);
        var (outcome, onZero, onOne) = ProjectiveMeasurement.Draw(zero, one, random);
        ApplyDiagonal1(qubit, onZero, onOne, []);
        return outcome;
    }

    public void Reset(int qubit, SeededRandom random)
    {
        if (Measure(qubit, random) == 1)
        {
            ApplyX(qubit, []);
        }
    }

    public long[] Sample(int shots, SeededRandom random)
    {
        var cumulative = new double[_count];
        double total = 0;
        for (int i = 0; i < _count; i++)
        {
            total += Norm(_amplitude[i]);
            cumulative[i] = total;
        }

        var result = new long[shots];
        for (int s = 0; s < shots; s++)
        {
            int at = Array.BinarySearch(cumulative, random.NextDouble() * total);
            at = at < 0 ? ~at : at;
            result[s] = _index[Math.Min(at, _count - 1)];
        }

        return result;
    }

    private (double Zero, double One) OutcomeWeights(int qubit)
    {
        long bit = 1L << qubit;
        double zero = 0, one = 0;
        for (int i = 0; i < _count; i++)
        {
            double p = Norm(_amplitude[i]);
            if ((_index[i] & bit) != 0)
            {
                one += p;
            }
            else
            {
                zero += p;
            }
        }

        return (zero, one);
    }

    private void DropNegligible()
    {
        int count = 0;
        for (int i = 0; i < _count; i++)
        {
            if (Norm(_amplitude[i]) >= Negligible)
            {
                _index[count] = _index[i];
                _amplitude[count++] = _amplitude[i];
            }
        }

        _count = count;
    }

    private void SetCount(int count)
    {
        _count = count;
        PeakCount = Math.Max(PeakCount, count);
        if (count > maxEntries)
        {
            throw new SparseShotTooDenseException(count);
        }
    }

    private void EnsureNext(int needed)
    {
        if (_nextIndex.Length < needed)
        {
            int size = Math.Max(needed, _nextIndex.Length * 2);
            Array.Resize(ref _nextIndex, size);
            Array.Resize(ref _nextAmplitude, size);
            // The arrays swap after each dense gate, so both halves grow together.
            Array.Resize(ref _index, size);
            Array.Resize(ref _amplitude, size);
        }
    }

    private static double Norm(Complex a) => (a.Real * a.Real) + (a.Imaginary * a.Imaginary);

    private static long Mask(ReadOnlySpan<int> qubits)
    {
        long mask = 0;
        foreach (int q in qubits)
        {
            mask |= 1L << q;
        }

        return mask;
    }

    private static int Local(long index, ReadOnlySpan<int> targets)
    {
        int local = 0;
        for (int j = 0; j < targets.Length; j++)
        {
            local |= (int)((index >> targets[j]) & 1) << j;
        }

        return local;
    }

    private static long Deposit(int local, ReadOnlySpan<int> targets)
    {
        long bits = 0;
        for (int j = 0; j < targets.Length; j++)
        {
            bits |= (long)((local >> j) & 1) << targets[j];
        }

        return bits;
    }
}

/// <summary>A sparse shot grew past the entries it was allowed; the run goes on with the dense state.</summary>
internal sealed class SparseShotTooDenseException(int entries) : Exception($"the sparse state reached {entries} amplitudes")
{
    public int Entries { get; } = entries;
}

/// <summary>
/// A dynamic circuit's shots on <see cref="SparseShot"/>s, in parallel: <see cref="TryStart"/> runs the first shots,
/// which decides whether the circuit stays sparse (never more than 1/64 of its 2^n amplitudes non-zero) and what the
/// other shots will cost; <see cref="RunTheRest"/> runs them. Each shot draws from its own stream, so the counts are
/// those of the dense per-shot path with the same seed.
/// </summary>
internal sealed class SparseShotRun
{
    /// <summary>The smallest state for which a sparse run is tried: below it the dense kernels take microseconds a gate.</summary>
    public const int MinQubits = 14;

    private readonly Circuit _circuit;
    private readonly ExecutionOptions _options;
    private readonly List<CompiledOperation> _compiled;
    private readonly (KrausChannel Channel, int[] Qubits)[][] _channels;
    private readonly SeededRandom[] _streams;
    private readonly int _maxEntries;
    private readonly int _threads;
    private readonly Dictionary<string, int> _first;
    private int _started;

    private SparseShotRun(Circuit circuit, ExecutionOptions options, List<CompiledOperation> compiled, ulong root, int maxEntries)
    {
        var streams = ShotStreams.For(root, Math.Max(options.Shots, 1));
        _circuit = circuit;
        _options = options;
        _compiled = compiled;
        _channels = new (KrausChannel Channel, int[] Qubits)[compiled.Count][];
        Array.Fill(_channels, []);
        _streams = streams;
        _maxEntries = maxEntries;
        _threads = Math.Clamp(options.Threads <= 0 ? Environment.ProcessorCount : options.Threads, 1, streams.Length);
        _first = new(StringComparer.Ordinal);
    }

    /// <summary>The most non-zero amplitudes a shot held.</summary>
    public int PeakEntries { get; private set; }

    /// <summary>What the shots after the first two should take, at the second one's pace over the threads.</summary>
    public double SecondsForTheRest { get; private set; }

    /// <summary>Runs the first shot; null when the circuit is too small to gain or the shot grew too dense.</summary>
    public static SparseShotRun? TryStart(Circuit circuit, ExecutionOptions options, ulong root)
    {
        int n = circuit.QubitCount;
        if (n < MinQubits || options.Precision != Precision.Double)
        {
            return null;
        }

        var compiled = circuit.Operations.Select(op => CompiledOperation.Compile(op, circuit)).ToList();
        var run = new SparseShotRun(circuit, options, compiled, root, (int)Math.Min(1L << (n - 6), 1 << 24));
        try
        {
            // The first shot decides whether the circuit stays sparse (and compiles the code it runs); the second,
            // timed, prices the rest.
            run.PeakEntries = run.RunShots(0, 1, 1, run._first);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            run._started = Math.Min(2, run._streams.Length);
            run.PeakEntries = Math.Max(run.PeakEntries, run.RunShots(1, 1, run._started, run._first));
            run.SecondsForTheRest = clock.Elapsed.TotalSeconds * (run._streams.Length - run._started) / run._threads;
        }
        catch (SparseShotTooDenseException)
        {
            return null;
        }

        return run;
    }

    /// <summary>
    /// Runs the other shots and adds every shot's bits to <paramref name="counts"/>. False, with
    /// <paramref name="counts"/> untouched, should a later shot grow too dense: the caller then runs the lot on the
    /// dense state, with fresh streams.
    /// </summary>
    public bool RunTheRest(Dictionary<string, int> counts)
    {
        var parts = new Dictionary<string, int>[_threads];
        var peaks = new int[_threads];
        try
        {
            Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads, CancellationToken = _options.Cancellation }, t =>
            {
                parts[t] = new(StringComparer.Ordinal);
                peaks[t] = RunShots(_started + t, _threads, _streams.Length, parts[t]);
            });
        }
        catch (AggregateException a) when (a.InnerExceptions.Any(x => x is SparseShotTooDenseException))
        {
            return false;
        }
        catch (AggregateException a) when (a.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(a.InnerExceptions[0]).Throw();
            throw;
        }

        PeakEntries = Math.Max(PeakEntries, peaks.Max());
        if (_options.Shots > 0)
        {
            foreach (var part in parts.Prepend(_first))
            {
                foreach (var (key, c) in part)
                {
                    counts[key] = counts.GetValueOrDefault(key) + c;
                }
            }
        }

        return true;
    }

    /// <summary>Shots <paramref name="start"/>, start + step, … below <paramref name="end"/> on one sparse state; the most entries it held.</summary>
    private int RunShots(int start, int step, int end, Dictionary<string, int> counts)
    {
        var state = new SparseShot(_circuit.QubitCount, _maxEntries);
        var interpreter = new ShotInterpreter(_circuit, null, _options.Cancellation);
        var clbits = new bool[_circuit.ClbitCount];
        for (int s = start; s < end; s += step)
        {
            state.Restart();
            Array.Clear(clbits);
            interpreter.Run(_compiled, _channels, state, clbits, _streams[s]);
            if (_circuit.ClbitCount > 0)
            {
                string key = CircuitExecutor.CountsKey(_circuit, clbits);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            if (start == _started && _options.Progress is { } progress && s % Math.Max(1, _streams.Length / 200) < step)
            {
                progress.Report((double)s / _streams.Length);
            }
        }

        return state.PeakCount;
    }
}
