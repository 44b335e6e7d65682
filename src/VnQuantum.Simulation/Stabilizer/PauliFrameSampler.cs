using VnQuantum.Randomness;
namespace VnQuantum.Simulation.Stabilizer;

/// <summary>
/// Samples many shots of a noisy Clifford program as Stim's frame simulator does (Gidney, Quantum 5, 497 (2021)): one
/// noiseless reference shot on the tableau, then, for a batch of shots at once, the Pauli frame by which each shot
/// differs from the reference, one bit per shot in 64-bit words. Gates conjugate frames (a few word operations per
/// gate for the whole batch), noise XORs random Paulis in, a measurement's flip is the frame's X bit. Random Z frames
/// at the start, after each measurement and after each reset make non-deterministic measurements come out random.
/// </summary>
/// <remarks>
/// Batches are independent, each seeded from (seed, batch index): the same seed gives the same bits on any thread count.
/// </remarks>
public sealed class PauliFrameSampler
{
    /// <summary>Shots per batch (a multiple of 256, so the word loops run on whole vectors).</summary>
    public const int BatchShots = 4096;

    private readonly CliffordProgram _program;
    private readonly bool[] _reference;

    /// <exception cref="ArgumentException">The program has feedback frames cannot take; see <see cref="CliffordProgram.FrameSamplingObstacle"/>.</exception>
    public PauliFrameSampler(CliffordProgram program, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.FrameSamplingObstacle() is { } why)
        {
            throw new ArgumentException($"The Pauli-frame sampler cannot run this program: {why}.", nameof(program));
        }

        _program = program;
        Seed = seed;

        // The reference shot: noiseless, random outcomes forced to 0 (any valid outcome serves; frames supply the
        // randomness). On the inverse tableau, as Stim takes it: most of its measurements are determined.
        _reference = new bool[program.RecordCount];
        program.RunShot(_reference, random: null);
    }

    public ulong Seed { get; }

    /// <summary>The reference shot's measurement records.</summary>
    public IReadOnlyList<bool> Reference => _reference;

    /// <summary>
    /// Samples <paramref name="shots"/> shots of every measurement record (column r = record r).
    /// <paramref name="threads"/> ≤ 0 means one per processor; <paramref name="cancel"/> is checked between batches.
    /// </summary>
    public SampleTable Sample(int shots, int threads = 0, IProgress<double>? progress = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var table = new SampleTable(shots, _program.RecordCount);
        RunBatches(0, shots, threads, progress, cancel, RecordCollector(table, 0));
        return table;
    }

    /// <summary>
    /// Samples detection events and observable flips, as Stim's detector sampler: columns 0..D−1 are the detectors
    /// (the parity of their records' flips against the noiseless reference), then one column per observable.
    /// </summary>
    public SampleTable SampleDetectors(int shots, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var table = new SampleTable(shots, _program.Detectors.Length + _program.Observables.Length);
        RunBatches(0, shots, threads, null, CancellationToken.None, DetectorCollector(table, 0));
        return table;
    }

    /// <summary>
    /// Shots <paramref name="firstShot"/> … <paramref name="firstShot"/> + <paramref name="shots"/> − 1 of the stream
    /// <see cref="SampleDetectors(int, int)"/> starts, bit for bit for the same seed: a collection that runs a task in
    /// batches, or resumes it, gets the shots one long call would have given. <paramref name="firstShot"/> is a
    /// multiple of <see cref="BatchShots"/>.
    /// </summary>
    public SampleTable SampleDetectorsFrom(long firstShot, int shots, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        ArgumentOutOfRangeException.ThrowIfNegative(firstShot);
        if (firstShot % BatchShots != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(firstShot), firstShot, $"The first shot is a multiple of {BatchShots}.");
        }

        var table = new SampleTable(shots, _program.Detectors.Length + _program.Observables.Length);
        RunBatches(firstShot, shots, threads, null, CancellationToken.None, DetectorCollector(table, firstShot));
        return table;
    }

    /// <summary>
    /// The same shots as <see cref="Sample"/> (or <see cref="SampleDetectors"/> when <paramref name="detectors"/>),
    /// bit for bit for the same seed, handed over in order as tables of at most <paramref name="chunkShots"/> shots
    /// (a multiple of <see cref="BatchShots"/>): a writer streams them out and memory stays bounded by the chunk.
    /// </summary>
    public void SampleInChunks(int shots, bool detectors, int chunkShots, Action<SampleTable> consume, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        ArgumentNullException.ThrowIfNull(consume);
        if (chunkShots <= 0 || chunkShots % BatchShots != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(chunkShots), chunkShots, $"A chunk is a positive multiple of {BatchShots} shots.");
        }

        int columns = detectors ? _program.Detectors.Length + _program.Observables.Length : _program.RecordCount;
        for (int first = 0; first < shots; first += chunkShots)
        {
            int count = Math.Min(chunkShots, shots - first);
            var table = new SampleTable(count, columns);
            RunBatches(first, count, threads, null, CancellationToken.None, detectors ? DetectorCollector(table, first) : RecordCollector(table, first));
            consume(table);
        }
    }

    /// <summary>
    /// The first detector (index d) or observable (index D + o) whose value is random without noise, or −1 when all
    /// are fixed, as an error model needs. One noiseless batch with random frames decides it: a random parity reads
    /// 1 in some of its 4,096 shots except with probability 2^−4096.
    /// </summary>
    public int FirstRandomAnnotation()
    {
        var batch = new Batch(_program.QubitCount, _program.RecordCount);
        batch.Run(_program, _reference, new SeededRandom(BatchSeed(Seed, -2)), noise: false);
        Span<ulong> parity = stackalloc ulong[BatchShots / 64];
        var detectors = _program.Detectors;
        for (int k = 0; k < detectors.Length + _program.Observables.Length; k++)
        {
            batch.Parity(k < detectors.Length ? detectors[k].Records : _program.Observables[k - detectors.Length], parity);
            if (!BitWords.IsZero(parity))
            {
                return k;
            }
        }

        return -1;
    }

    private Action<Batch, long> RecordCollector(SampleTable table, long firstShot) => (batch, shot) =>
    {
        for (int r = 0; r < _program.RecordCount; r++)
        {
            table.Write(r, (int)(shot - firstShot), batch.FlipWords(r), _reference[r]);
        }
    };

    private Action<Batch, long> DetectorCollector(SampleTable table, long firstShot) => (batch, shot) =>
    {
        var detectors = _program.Detectors;
        var observables = _program.Observables;
        Span<ulong> parity = stackalloc ulong[BatchShots / 64];
        for (int k = 0; k < detectors.Length + observables.Length; k++)
        {
            batch.Parity(k < detectors.Length ? detectors[k].Records : observables[k - detectors.Length], parity);
            table.Write(k, (int)(shot - firstShot), parity, invert: false);
        }
    };

    /// <summary>
    /// Runs the batches of shots <paramref name="firstShot"/>… (a multiple of <see cref="BatchShots"/>) in parallel;
    /// batch b is seeded by its index in the whole run, so chunks give the same bits as one call. Each batch's results
    /// go to disjoint words of the table, so no lock is needed.
    /// </summary>
    private void RunBatches(long firstShot, int shots, int threads, IProgress<double>? progress, CancellationToken cancel, Action<Batch, long> collect)
    {
        long firstBatch = firstShot / BatchShots;
        int batches = (shots + BatchShots - 1) / BatchShots;
        int done = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads, CancellationToken = cancel };
        Parallel.For(firstBatch, firstBatch + batches, options, () => new Batch(_program.QubitCount, _program.RecordCount), (b, _, batch) =>
        {
            batch.Run(_program, _reference, new SeededRandom(BatchSeed(Seed, b)));
            collect(batch, b * BatchShots);
            progress?.Report((double)Interlocked.Increment(ref done) / batches);
            return batch;
        }, _ => { });
    }

    /// <summary>
    /// For each error (lane), the detectors and observables it flips: <paramref name="injections"/>[i] holds (lane,
    /// Pauli code, or −1 for a measurement flip) at top-level instruction i; lanes are 0 ≤ lane &lt; <see cref="BatchShots"/>.
    /// </summary>
    internal (ulong[][] Detectors, ulong[][] Observables) Propagate(List<(int Lane, int Pauli)>?[] injections)
    {
        var batch = new Batch(_program.QubitCount, _program.RecordCount);
        batch.Propagate(_program, _reference, injections);
        var detectors = new ulong[_program.Detectors.Length][];
        for (int d = 0; d < detectors.Length; d++)
        {
            detectors[d] = new ulong[BatchShots / 64];
            batch.Parity(_program.Detectors[d].Records, detectors[d]);
        }

        var observables = new ulong[_program.Observables.Length][];
        for (int o = 0; o < observables.Length; o++)
        {
            observables[o] = new ulong[BatchShots / 64];
            batch.Parity(_program.Observables[o], observables[o]);
        }

        return (detectors, observables);
    }

    /// <summary>Draws a Pauli index from a probability table (identity first) with a uniform u in [0, 1).</summary>
    public static int DrawPauli(ReadOnlySpan<double> probabilities, double u)
    {
        double acc = 0;
        for (int i = 1; i < probabilities.Length; i++)
        {
            acc += probabilities[i];
            if (u < acc)
            {
                return i;
            }
        }

        return 0;
    }

    private static ulong BatchSeed(ulong seed, long batch) => seed ^ (0x9E3779B97F4A7C15UL * (ulong)(batch + 1));

    /// <summary>The frames and measurement flips of one batch; reused across batches on a thread.</summary>
    private sealed class Batch
    {
        private const int Words = BatchShots / 64;
        private readonly ulong[] _x;
        private readonly ulong[] _z;
        private readonly ulong[] _flips;
        private readonly ulong[] _scratch = new ulong[Words];
        private bool _sampleNoise = true;
        private bool _randomFrames = true;

        public Batch(int qubits, int records)
        {
            _x = new ulong[qubits * Words];
            _z = new ulong[qubits * Words];
            _flips = new ulong[Math.Max(records, 1) * Words];
        }

        public void Run(CliffordProgram program, bool[] reference, SeededRandom random, bool noise = true)
        {
            _sampleNoise = noise;
            _randomFrames = true;
            Array.Clear(_x);
            Array.Clear(_flips);
            FillRandom(_z, random);
            foreach (var op in program.Instructions)
            {
                Apply(op, reference, random);
            }
        }

        /// <summary>
        /// Propagates one chosen error per lane instead of sampling noise: no random frames (errors propagate
        /// deterministically), and <paramref name="injections"/>[i] lists the (lane, Pauli code or −1 for a
        /// measurement flip) to XOR in at top-level instruction i.
        /// </summary>
        public void Propagate(CliffordProgram program, bool[] reference, List<(int Lane, int Pauli)>?[] injections)
        {
            _sampleNoise = false;
            _randomFrames = false;
            Array.Clear(_x);
            Array.Clear(_z);
            Array.Clear(_flips);
            var unused = new SeededRandom(0);

            // Frames are zero until the first injected error, and instructions leave zero frames zero: start there.
            int first = Array.FindIndex(injections, list => list is not null);
            for (int i = Math.Max(first, 0); i < program.Instructions.Length; i++)
            {
                var op = program.Instructions[i];
                var inject = injections[i];
                if (inject is not null && op.Kind == CliffordKind.PauliChannel)
                {
                    foreach (var (lane, pauli) in inject)
                    {
                        FlipPauli(op.A, pauli & 3, lane >> 6, 1UL << (lane & 63));
                        if (op.B >= 0)
                        {
                            FlipPauli(op.B, (pauli >> 2) & 3, lane >> 6, 1UL << (lane & 63));
                        }
                    }

                    continue;
                }

                Apply(op, reference, unused);
                if (inject is not null && op.Kind == CliffordKind.Measure)
                {
                    var flips = Flips(op.Record);
                    foreach (var (lane, _) in inject)
                    {
                        flips[lane >> 6] ^= 1UL << (lane & 63);
                    }
                }
            }
        }

        /// <summary>The parity, per lane, of the flips of <paramref name="records"/>, into <paramref name="destination"/>.</summary>
        public void Parity(IEnumerable<int> records, Span<ulong> destination)
        {
            destination.Clear();
            foreach (int r in records)
            {
                BitWords.Xor(destination, Flips(r));
            }
        }

        public ReadOnlySpan<ulong> FlipWords(int record) => _flips.AsSpan(record * Words, Words);

        private Span<ulong> X(int q) => _x.AsSpan(q * Words, Words);

        private Span<ulong> Z(int q) => _z.AsSpan(q * Words, Words);

        private Span<ulong> Flips(int record) => _flips.AsSpan(record * Words, Words);

        private void Apply(CliffordInstruction op, bool[] reference, SeededRandom random)
        {
            switch (op.Kind)
            {
                case CliffordKind.H:
                    BitWords.Swap(X(op.A), Z(op.A));
                    break;
                case CliffordKind.S:
                case CliffordKind.Sdg:
                    BitWords.Xor(Z(op.A), X(op.A));
                    break;
                case CliffordKind.X:
                case CliffordKind.Y:
                case CliffordKind.Z:
                    break; // a Pauli changes only signs, which frames do not track
                case CliffordKind.CX:
                    BitWords.Xor(X(op.B), X(op.A));
                    BitWords.Xor(Z(op.A), Z(op.B));
                    break;
                case CliffordKind.CZ:
                    BitWords.Xor(Z(op.A), X(op.B));
                    BitWords.Xor(Z(op.B), X(op.A));
                    break;
                case CliffordKind.CY:
                    // X_a → X_a Y_b, X_b → Z_a X_b, Z_b → Z_a Z_b, Z_a → Z_a.
                    BitWords.Xor(Z(op.A), X(op.B));
                    BitWords.Xor(Z(op.A), Z(op.B));
                    BitWords.Xor(X(op.B), X(op.A));
                    BitWords.Xor(Z(op.B), X(op.A));
                    break;
                case CliffordKind.Swap:
                    BitWords.Swap(X(op.A), X(op.B));
                    BitWords.Swap(Z(op.A), Z(op.B));
                    break;
                case CliffordKind.Measure:
                    {
                        var flips = Flips(op.Record);
                        X(op.A).CopyTo(flips);
                        if (_sampleNoise && (op.FlipZeroToOne > 0 || op.FlipOneToZero > 0))
                        {
                            ReadoutErrors(flips, reference[op.Record], op.FlipZeroToOne, op.FlipOneToZero, random);
                        }

                        if (_randomFrames)
                        {
                            FillRandom(_scratch, random);
                            BitWords.Xor(Z(op.A), _scratch);
                        }

                        break;
                    }

                case CliffordKind.Reset:
                    X(op.A).Clear();
                    if (_randomFrames)
                    {
                        FillRandom(Z(op.A), random);
                    }
                    else
                    {
                        Z(op.A).Clear();
                    }

                    break;
                case CliffordKind.PauliChannel:
                    if (_sampleNoise)
                    {
                        ApplyPauliChannel(op, random);
                    }

                    break;
                case CliffordKind.Conditional:
                    {
                        // The shot's Pauli differs from the reference's exactly where the condition's record flipped.
                        var flips = Flips(op.Conditions[0]);
                        foreach (var inner in op.Body)
                        {
                            if (inner.Kind is CliffordKind.X or CliffordKind.Y)
                            {
                                BitWords.Xor(X(inner.A), flips);
                            }

                            if (inner.Kind is CliffordKind.Z or CliffordKind.Y)
                            {
                                BitWords.Xor(Z(inner.A), flips);
                            }
                        }

                        break;
                    }
            }
        }

        private void ApplyPauliChannel(CliffordInstruction op, SeededRandom random)
        {
            var p = op.Probabilities.AsSpan();
            double total = 1 - p[0];
            if (total <= 0)
            {
                return;
            }

            // Geometric skipping: draw the gap to the next shot hit by an error rather than one coin per shot.
            double logMiss = Math.Log(1 - Math.Min(total, 1 - 1e-16));
            int s = -1;
            while (true)
            {
                double u = 1 - random.NextDouble();
                double gap = total >= 1 ? 0 : Math.Floor(Math.Log(u) / logMiss);
                if (gap >= BatchShots - s - 1)
                {
                    return;
                }

                s += (int)gap + 1;
                int pauli = DrawPauli(p, random.NextDouble() * total);
                if (pauli == 0)
                {
                    pauli = LastNonIdentity(p);
                }

                int word = s >> 6;
                ulong bit = 1UL << (s & 63);
                FlipPauli(op.A, pauli & 3, word, bit);
                if (op.B >= 0)
                {
                    FlipPauli(op.B, (pauli >> 2) & 3, word, bit);
                }
            }
        }

        private static int LastNonIdentity(ReadOnlySpan<double> p)
        {
            for (int i = p.Length - 1; i > 0; i--)
            {
                if (p[i] > 0)
                {
                    return i;
                }
            }

            return 0;
        }

        private void FlipPauli(int q, int code, int word, ulong bit)
        {
            if ((code & 1) != 0)
            {
                _x[(q * Words) + word] ^= bit;
            }

            if ((code & 2) != 0)
            {
                _z[(q * Words) + word] ^= bit;
            }
        }

        private static void ReadoutErrors(Span<ulong> flips, bool reference, double p01, double p10, SeededRandom random)
        {
            // The true outcome of a shot is reference ⊕ flip; it is misread with the probability for that outcome.
            for (int w = 0; w < flips.Length; w++)
            {
                ulong flipped = flips[w];
                ulong misread = 0;
                for (int b = 0; b < 64; b++)
                {
                    bool one = (((flipped >> b) & 1) != 0) ^ reference;
                    double p = one ? p10 : p01;
                    if (p > 0 && random.NextDouble() < p)
                    {
                        misread |= 1UL << b;
                    }
                }

                flips[w] = flipped ^ misread;
            }
        }

        private static void FillRandom(Span<ulong> words, SeededRandom random)
        {
            for (int i = 0; i < words.Length; i++)
            {
                words[i] = random.NextUInt64();
            }
        }
    }
}
