using System.Numerics;
using VnQuantum.Mpi;
using VnQuantum.Randomness;
using VnQuantum.Simulation.Kernels;

namespace VnQuantum.Simulation;

/// <summary>
/// A state vector split over the 2^k ranks of an MPI job, as QuEST splits it: each rank holds 2^(n−k) consecutive
/// amplitudes, the n−k low ("local") physical qubits inside its chunk and the k high ("global") ones in its rank
/// number. A gate whose qubits are all local runs on the rank's own <see cref="StateVector"/>, kernels unchanged. A
/// global control needs no communication (a rank whose bit is 0 skips the gate). A global target is first swapped with
/// a local qubit the gate does not use, by exchanging half of the chunk with the partner rank in pieces, so no rank
/// holds a second full buffer; the swap is not undone: the logical→physical map remembers it, and runs of gates on
/// the same qubits stay local. Sampling reproduces the one-process sampler draw for draw.
/// </summary>
public sealed unsafe class DistributedStateVector : IDisposable
{
    /// <summary>Amplitudes (complex) sent per exchange call: 16 MiB, the only extra memory a rank takes.</summary>
    private const int ExchangePiece = 1 << 20;

    private readonly MpiWorld _world;
    private readonly int[] _physicalOf;
    private readonly int[] _logicalAt;
    private double[]? _send;
    private double[]? _receive;

    private DistributedStateVector(int qubits, MpiWorld world, int threads)
    {
        _world = world;
        QubitCount = qubits;
        GlobalQubits = int.Log2(world.Size);
        LocalQubits = qubits - GlobalQubits;
        Local = StateVector.Create(LocalQubits, Precision.Double, threads);
        if (world.Rank != 0)
        {
            Local.SetAmplitude(0, Complex.Zero);
        }

        _physicalOf = [.. Enumerable.Range(0, qubits)];
        _logicalAt = [.. Enumerable.Range(0, qubits)];
    }

    public int QubitCount { get; }

    public int LocalQubits { get; }

    public int GlobalQubits { get; }

    /// <summary>This rank's chunk, in physical qubit order.</summary>
    public StateVector Local { get; }

    /// <summary>Half-chunk exchanges made so far (each moves half of every rank's amplitudes).</summary>
    public long Exchanges { get; private set; }

    /// <summary>Bytes this rank sent in exchanges.</summary>
    public long BytesSent { get; private set; }

    /// <summary>The fewest local qubits a rank may hold: one sampling chunk (2^12 amplitudes) or more.</summary>
    public static int MinLocalQubits => int.Log2((int)Reductions.ChunkLength);

    /// <summary>
    /// The fewest ranks (a power of two) whose share of a <paramref name="qubits"/>-qubit state, with the exchange
    /// buffers, fits in <paramref name="bytesPerRank"/>; null where no count does (a rank holds at least 2^12 and at
    /// most 2^40 amplitudes, and at most 2^30 ranks are counted).
    /// </summary>
    public static int? RanksNeeded(int qubits, long bytesPerRank)
    {
        for (int k = 0; k <= 30 && qubits - k >= MinLocalQubits; k++)
        {
            if (qubits - k <= StateVector.MaxQubits && StateVector.RequiredBytes(qubits - k, Precision.Double) + (2L * 16 * ExchangePiece) <= bytesPerRank)
            {
                return 1 << k;
            }
        }

        return null;
    }

    /// <summary>A distributed |0…0⟩; the rank count must be a power of two that leaves each rank at least 2^12 amplitudes.</summary>
    public static DistributedStateVector Create(int qubits, MpiWorld world, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (!int.IsPow2(world.Size))
        {
            throw new ArgumentException($"the distributed state vector needs a power-of-two number of ranks; this job has {world.Size}");
        }

        int local = qubits - int.Log2(world.Size);
        if (local < MinLocalQubits)
        {
            throw new ArgumentException($"{world.Size} ranks are too many for {qubits} qubits: each rank needs at least 2^{MinLocalQubits} amplitudes, so at most {(qubits >= MinLocalQubits ? 1 << (qubits - MinLocalQubits) : 1)} rank(s)");
        }

        return new DistributedStateVector(qubits, world, threads);
    }

    /// <summary>
    /// Makes a gate's qubits usable on <see cref="Local"/>: targets become local (swapping in as needed), controls on
    /// global qubits are resolved by the rank number. False where this rank's part of the gate is the identity (a
    /// global control is 0 here); otherwise the physical targets and the remaining, local, controls.
    /// </summary>
    public bool Localize(ReadOnlySpan<int> targets, ReadOnlySpan<int> controls, out int[] localTargets, out int[] localControls)
    {
        if (targets.Length > LocalQubits)
        {
            throw new ArgumentException($"a gate on {targets.Length} qubits does not fit in {LocalQubits} local qubits");
        }

        foreach (int t in targets)
        {
            if (_physicalOf[t] >= LocalQubits)
            {
                SwapIn(t, targets);
            }
        }

        var kept = new List<int>(controls.Length);
        foreach (int c in controls)
        {
            int p = _physicalOf[c];
            if (p < LocalQubits)
            {
                kept.Add(p);
            }
            else if (((_world.Rank >> (p - LocalQubits)) & 1) == 0)
            {
                localTargets = [];
                localControls = [];
                return false;
            }
        }

        localTargets = new int[targets.Length];
        for (int i = 0; i < targets.Length; i++)
        {
            localTargets[i] = _physicalOf[targets[i]];
        }

        localControls = [.. kept];
        return true;
    }

    /// <summary>Moves logical qubit <paramref name="logical"/> from a global position to a local one that no qubit in <paramref name="busy"/> occupies.</summary>
    private void SwapIn(int logical, ReadOnlySpan<int> busy)
    {
        for (int p = LocalQubits - 1; p >= 0; p--)
        {
            if (!busy.Contains(_logicalAt[p]))
            {
                SwapPositions(p, _physicalOf[logical]);
                return;
            }
        }

        throw new InvalidOperationException("no free local qubit to swap in");
    }

    /// <summary>
    /// Swaps the qubits at a local and a global position: the amplitudes whose local bit differs from this rank's
    /// global bit trade places with the partner rank's, in pieces of <see cref="ExchangePiece"/>.
    /// </summary>
    private void SwapPositions(int local, int global)
    {
        int bit = global - LocalQubits;
        int partner = _world.Rank ^ (1 << bit);
        int mine = (_world.Rank >> bit) & 1;

        // Entries with local bit ≠ mine go to the partner, whose entries with local bit = mine come back into them;
        // both ranks walk the other bits in the same order, so position j of one piece meets position j.
        long half = Local.Length / 2;
        _send ??= new double[2 * Math.Min(ExchangePiece, half)];
        _receive ??= new double[_send.Length];
        double* data = Local.DoubleData;
        long lowMask = (1L << local) - 1;
        long flip = (long)(1 - mine) << local;
        for (long done = 0; done < half; done += ExchangePiece)
        {
            int count = (int)Math.Min(ExchangePiece, half - done);
            for (int j = 0; j < count; j++)
            {
                long k = done + j;
                long index = ((k & ~lowMask) << 1) | flip | (k & lowMask);
                _send[2 * j] = data[2 * index];
                _send[(2 * j) + 1] = data[(2 * index) + 1];
            }

            _world.Exchange(_send.AsSpan(0, 2 * count), _receive.AsSpan(0, 2 * count), partner);
            for (int j = 0; j < count; j++)
            {
                long k = done + j;
                long index = ((k & ~lowMask) << 1) | flip | (k & lowMask);
                data[2 * index] = _receive[2 * j];
                data[(2 * index) + 1] = _receive[(2 * j) + 1];
            }

            BytesSent += 16L * count;
        }

        Exchanges++;
        Swapped(local, global);
    }

    private void Swapped(int a, int b)
    {
        int la = _logicalAt[a], lb = _logicalAt[b];
        _logicalAt[a] = lb;
        _logicalAt[b] = la;
        _physicalOf[la] = b;
        _physicalOf[lb] = a;
    }

    /// <summary>Puts every logical qubit back at its own position (exchanges for global ones, local swaps for the rest).</summary>
    private void Canonicalize()
    {
        for (int g = LocalQubits; g < QubitCount; g++)
        {
            if (_physicalOf[g] == g)
            {
                continue;
            }

            if (_physicalOf[g] >= LocalQubits)
            {
                SwapIn(g, []);
            }

            SwapPositions(_physicalOf[g], g);
        }

        for (int p = 0; p < LocalQubits; p++)
        {
            if (_logicalAt[p] != p)
            {
                int other = _physicalOf[p];
                Local.ApplySwap(p, other);
                Swapped(p, other);
            }
        }
    }

    /// <summary>Back to |0…0⟩ for the next shot (the qubit map may stay as it is: |0…0⟩ looks the same in any order).</summary>
    public void Restart()
    {
        if (_world.IsRoot)
        {
            Local.SetBasisState(0);
        }
        else
        {
            Local.Scale(Complex.Zero);
        }
    }

    /// <summary>
    /// Measures a qubit, as <see cref="StateVector.Measure"/> does on the whole state: the outcome weights summed
    /// over the ranks, one draw (the same on every rank, from the same stream), and the collapse.
    /// </summary>
    public int Measure(int qubit, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int p = _physicalOf[qubit];
        Span<double> weights = stackalloc double[2];
        if (p < LocalQubits)
        {
            (weights[0], weights[1]) = Local.OutcomeWeights(p);
        }
        else
        {
            weights[RankBit(p)] = Local.NormSquared();
        }

        _world.SumInPlace(weights);
        var (outcome, onZero, onOne) = ProjectiveMeasurement.Draw(weights[0], weights[1], random);
        if (p < LocalQubits)
        {
            Local.ApplyDiagonal1(p, onZero, onOne);
        }
        else
        {
            Local.Scale(RankBit(p) == 1 ? onOne : onZero); // a global qubit is one value on a whole rank
        }

        return outcome;
    }

    /// <summary>Resets a qubit to |0⟩: measure, then flip on 1, as <see cref="StateVector.ResetQubit"/>.</summary>
    public void Reset(int qubit, SeededRandom random)
    {
        if (Measure(qubit, random) == 1 && Localize([qubit], [], out var target, out _))
        {
            Local.ApplyX(target[0]);
        }
    }

    private int RankBit(int physical) => (_world.Rank >> (physical - LocalQubits)) & 1;

    /// <summary>Draws shots of all qubits, as <see cref="StateVector.Sample"/> on the whole state would with the same random state: the same outcomes on every rank.</summary>
    public long[] Sample(int shots, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Canonicalize(); // the one-process sampler walks amplitudes in logical order
        var local = Local.ChunkPartials();
        var partials = new double[local.Length * _world.Size];
        local.CopyTo(partials, local.Length * _world.Rank);
        _world.SumInPlace(partials); // each entry is one rank's, the others add exact zeros
        var uniforms = StateVector.SortedUniforms(shots, partials, random);
        var physical = new long[shots];
        Local.WalkSamples(partials, local.Length * (long)_world.Rank, uniforms, physical, (long)_world.Rank << LocalQubits);
        _world.SumInPlace(physical); // each draw was picked by exactly one rank
        return physical;
    }

    /// <summary>The whole state in logical qubit order, on every rank (for output of at most 24 qubits).</summary>
    public Complex[] Gather()
    {
        if (QubitCount > 24)
        {
            throw new InvalidOperationException($"a {QubitCount}-qubit distributed state is too large to gather into one array");
        }

        var all = new double[2L << QubitCount];
        double* data = Local.DoubleData;
        long offset = (long)_world.Rank << LocalQubits;
        for (long i = 0; i < Local.Length; i++)
        {
            long logical = ToLogical(offset + i);
            all[2 * logical] = data[2 * i];
            all[(2 * logical) + 1] = data[(2 * i) + 1];
        }

        _world.SumInPlace(all);
        var result = new Complex[1L << QubitCount];
        for (long i = 0; i < result.Length; i++)
        {
            result[i] = new Complex(all[2 * i], all[(2 * i) + 1]);
        }

        return result;
    }

    /// <summary>A physical basis index with its bits put back in logical qubit order.</summary>
    private long ToLogical(long physical)
    {
        long logical = 0;
        for (int p = 0; p < QubitCount; p++)
        {
            if (((physical >> p) & 1) != 0)
            {
                logical |= 1L << _logicalAt[p];
            }
        }

        return logical;
    }

    public void Dispose() => Local.Dispose();
}
