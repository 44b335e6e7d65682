using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using VnQuantum.Simulation.Decoding;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Qec;

/// <summary>
/// One (circuit, decoder) pair to sample and decode, as sinter's <c>Task</c>: a noisy Clifford circuit with detectors
/// and observables, its detector error model, a decoder by name, metadata that says what the circuit is, and the
/// strong id that names all of these in a CSV.
/// </summary>
public sealed class DecodingTask
{
    /// <exception cref="ArgumentException">An unknown decoder; a program the frame sampler cannot run, or one without observables.</exception>
    public DecodingTask(string name, string circuitText, CliffordProgram program, string decoder, JsonNode? metadata, long? maxShots = null, long? maxErrors = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(circuitText);
        ArgumentNullException.ThrowIfNull(program);
        ArgumentNullException.ThrowIfNull(decoder);
        if (!QecDecoders.Names.Contains(decoder))
        {
            throw new ArgumentException($"unknown decoder '{decoder}' (known: {string.Join(", ", QecDecoders.Names)})", nameof(decoder));
        }

        if (program.FrameSamplingObstacle() is { } why)
        {
            throw new ArgumentException($"{name}: the frame sampler cannot run it: {why}", nameof(program));
        }

        if (program.Observables.Length is 0 or > 64)
        {
            throw new ArgumentException($"{name}: a decoding task needs 1 to 64 observables (OBSERVABLE_INCLUDE), not {program.Observables.Length}", nameof(program));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(maxShots ?? 0, nameof(maxShots));
        ArgumentOutOfRangeException.ThrowIfNegative(maxErrors ?? 0, nameof(maxErrors));
        Name = name;
        Program = program;
        Decoder = decoder;
        MaxShots = maxShots;
        MaxErrors = maxErrors;
        // Decomposed, as sinter asks Stim for its matching decoders' models: a Y error is its X part and its Z part.
        Model = DetectorErrorModel.FromProgram(program, decomposeErrors: true);
        MetadataJson = SinterCsv.CanonicalJson(metadata);

        // Sinter's recipe (Task.strong_id_value, hashed as UTF-8 JSON with SHA-256), over this tool's texts of the
        // circuit and its model: the ids name the same things as sinter's but are not equal to them.
        var identity = new JsonObject
        {
            ["circuit"] = circuitText.ReplaceLineEndings("\n").TrimEnd(),
            ["decoder"] = decoder,
            ["decoder_error_model"] = Model.ToStimText().TrimEnd(),
            ["postselection_mask"] = null,
            ["json_metadata"] = metadata?.DeepClone(),
        };
        StrongId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity.ToJsonString())));
    }

    /// <summary>What progress and errors call it: the file, or the generated experiment's name.</summary>
    public string Name { get; }

    public CliffordProgram Program { get; }

    public string Decoder { get; }

    public DetectorErrorModel Model { get; }

    /// <summary>Canonical JSON of the metadata (keys sorted), as the CSV stores it.</summary>
    public string MetadataJson { get; }

    /// <summary>SHA-256 (hex) of the circuit, the model, the decoder and the metadata.</summary>
    public string StrongId { get; }

    /// <summary>This task's own limits; null takes the collection's.</summary>
    public long? MaxShots { get; }

    public long? MaxErrors { get; }

    /// <summary>
    /// A circuit in Stim's format; the metadata is <paramref name="metadata"/>, or else, as sinter's
    /// <c>--metadata_func auto</c>, the <c>key=value</c> terms of the file name (<c>d=5,p=0.001.stim</c>).
    /// </summary>
    /// <exception cref="StimCircuitException">The file is not a circuit this reader runs.</exception>
    /// <exception cref="ArgumentException">No metadata given and the name is not key=value terms; or as the constructor.</exception>
    public static DecodingTask FromStimFile(string path, string decoder, JsonNode? metadata = null, long? maxShots = null, long? maxErrors = null)
    {
        var circuit = StimCircuit.Load(path);
        return new DecodingTask(path, circuit.Text, circuit.Program, decoder, metadata ?? MetadataFromFileName(path), maxShots, maxErrors);
    }

    /// <summary>A generated memory experiment, with metadata <c>{"b": "Z", "code", "d", "p", "r"}</c>.</summary>
    public static DecodingTask FromMemoryExperiment(MemoryExperiment experiment, string code, string decoder = "matching", long? maxShots = null, long? maxErrors = null)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        var metadata = new JsonObject
        {
            ["b"] = "Z",
            ["code"] = code,
            ["d"] = experiment.Distance,
            ["p"] = experiment.Probability,
            ["r"] = experiment.Rounds,
        };
        string text = StimFormat.Write(experiment.Circuit, experiment.Noise);
        return new DecodingTask(experiment.Name, text, MemoryExperimentRunner.Program(experiment), decoder, metadata, maxShots, maxErrors);
    }

    /// <summary>Sinter's <c>comma_separated_key_values</c>: <c>folder/d=5,r=3.5,x=abc.stim</c> → {"d": 5, "r": 3.5, "x": "abc"}.</summary>
    /// <exception cref="ArgumentException">A term of the name is not key=value.</exception>
    public static JsonObject MetadataFromFileName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string name = Path.GetFileName(path);
        int dot = name.LastIndexOf('.');
        if (dot >= 0)
        {
            name = name[..dot];
        }

        var result = new JsonObject();
        foreach (string term in name.Split(','))
        {
            var parts = term.Split('=');
            if (parts.Length != 2)
            {
                throw new ArgumentException($"{path}: metadata from the file name needs comma-separated key=value terms like 'd=5,p=0.001.stim' (or give the metadata another way)", nameof(path));
            }

            // Python's int() takes digit groups with underscores (1_000), as sinter's parser does through it.
            string digits = System.Text.RegularExpressions.Regex.IsMatch(parts[1], @"^[+-]?\d+(_\d+)*$") ? parts[1].Replace("_", "", StringComparison.Ordinal) : parts[1];
            result[parts[0]] = long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long i)
                ? JsonValue.Create(i)
                : double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double x) && double.IsFinite(x)
                    ? JsonValue.Create(x)
                    : JsonValue.Create(parts[1]);
        }

        return result;
    }
}

/// <summary>The decoders a collection can run, by the names the CSV's decoder column holds.</summary>
public static class QecDecoders
{
    /// <summary>
    /// matching: exact minimum-weight perfect matching (<see cref="MatchingDecoder"/>) on the model's one- and
    /// two-detector mechanisms. vacuous: predicts no flip, the baseline that shows what decoding gains (as sinter's).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } = ["matching", "vacuous"];

    internal delegate ulong ShotDecoder(ReadOnlySpan<bool> detectionEvents);

    internal static (ShotDecoder Decode, int Edges) Create(string name, DetectorErrorModel model)
    {
        switch (name)
        {
            case "matching":
                var matching = new MatchingDecoder(model, 'Z');
                return (matching.Decode, matching.EdgeCount);
            case "vacuous":
                return (_ => 0, 0);
            default:
                throw new ArgumentException($"unknown decoder '{name}' (known: {string.Join(", ", Names)})", nameof(name));
        }
    }
}

/// <summary>When to stop each task (whichever limit comes first), how many threads to use and the seed.</summary>
/// <param name="MaxShots">Shots per task at most: required (here or on every task), as sinter requires it, so that a task that never fails still ends.</param>
/// <param name="MaxErrors">Stop a task once this many of its shots were decoded wrongly.</param>
/// <param name="Threads">Threads in all; 0 for one per processor.</param>
/// <param name="Seed">With the seed, a task's strong id fixes its bits: the same totals on any thread count, and after a resume.</param>
/// <param name="MaxBatchShots">Shots per batch (CSV row) at most; a batch also stays under 64 MB of detection events.</param>
public sealed record CollectionOptions(long? MaxShots, long? MaxErrors, int Threads = 0, ulong Seed = 1, int MaxBatchShots = 1 << 20);

/// <summary>A task's totals after a collection (earlier rows included), with the time this run spent on it.</summary>
public sealed record CollectedTask(DecodingTask Task, TaskStats Stats, double SamplingSeconds, double DecodingSeconds, int GraphEdges);

/// <summary>Progress: the totals of a task after one of its batches, and whether it has met its limit.</summary>
public readonly record struct CollectionProgress(int TaskIndex, TaskStats Totals, bool Done, double Fraction);

/// <summary>
/// Sinter's <c>collect</c>: runs many decoding tasks over the cores, one batch of shots at a time per task, each
/// batch sampled with Pauli frames, decoded, counted and handed out as a row; a task stops at its shot or error
/// limit. Rows from an earlier run (read back from its CSV) count toward the limits, so an interrupted run
/// resumes where it stopped and finished tasks are not run again.
/// </summary>
/// <remarks>
/// Determinism: a task's batch sizes depend only on its totals so far, and a batch is the next stretch of shots of one
/// stream seeded by (seed, strong id) (<see cref="PauliFrameSampler.SampleDetectorsFrom(long, int, int)"/>). Running
/// every batch in one go, or stopping after any batch and resuming, gives the same totals.
/// </remarks>
public static class QecCollection
{
    private const long BatchBytes = 64L << 20;

    /// <param name="previous">Rows read from an earlier run's CSV; rows of other tasks are ignored.</param>
    /// <param name="onBatch">Called with each batch's row, one call at a time, in the order batches finish.</param>
    /// <param name="cancel">Stops the collection: batches still running are dropped, not reported; finished ones were.</param>
    /// <exception cref="ArgumentException">
    /// No shot limit for some task; a task given twice (the same strong id: it would sample the same shots twice); or
    /// an earlier row with a task's strong id but another decoder or metadata.
    /// </exception>
    public static IReadOnlyList<CollectedTask> Collect(
        IReadOnlyList<DecodingTask> tasks,
        CollectionOptions options,
        IEnumerable<TaskStats>? previous = null,
        Action<TaskStats>? onBatch = null,
        IProgress<CollectionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchShots, PauliFrameSampler.BatchShots, nameof(options));
        var states = tasks.Select((t, i) => new TaskState(i, t, options)).ToArray();
        if (states.FirstOrDefault(s => s.MaxShots is null) is { } unbounded)
        {
            throw new ArgumentException($"{unbounded.Task.Name}: set a maximum number of shots, or a task that never fails never ends", nameof(options));
        }

        var byId = new Dictionary<string, TaskState>();
        foreach (var state in states)
        {
            if (!byId.TryAdd(state.Task.StrongId, state))
            {
                throw new ArgumentException($"the same task is given twice: {state.Task.Name} with decoder {state.Task.Decoder} and metadata {state.Task.MetadataJson} (its shots would be the same shots)", nameof(tasks));
            }
        }

        foreach (var row in previous ?? [])
        {
            if (byId.TryGetValue(row.StrongId, out var state))
            {
                state.Totals += row;
            }
        }

        int threads = options.Threads <= 0 ? Environment.ProcessorCount : options.Threads;
        var gate = new object();
        int workers = Math.Max(1, Math.Min(threads, states.Count(s => !s.Done)));
        Exception? failure = null;
        var pool = Enumerable.Range(0, workers).Select(_ => new Thread(Work) { IsBackground = true }).ToList();
        pool.ForEach(t => t.Start());
        pool.ForEach(t => t.Join());
        if (failure is not null)
        {
            throw new AggregateException(failure);
        }

        return [.. states.Select(s => new CollectedTask(s.Task, s.Totals, s.SamplingSeconds, s.DecodingSeconds, s.GraphEdges))];

        void Work()
        {
            while (true)
            {
                TaskState? state;
                int inner;
                lock (gate)
                {
                    while (true)
                    {
                        if (failure is not null || cancel.IsCancellationRequested || states.All(s => s.Done))
                        {
                            Monitor.PulseAll(gate);
                            return;
                        }

                        state = states.Where(s => !s.Done && !s.Running).MinBy(s => s.Totals.Shots);
                        if (state is not null)
                        {
                            break;
                        }

                        Monitor.Wait(gate);
                    }

                    state.Running = true;

                    // Threads the finished tasks no longer use go to the batches still running.
                    inner = Math.Max(1, threads / Math.Max(1, states.Count(s => !s.Done)));
                }

                try
                {
                    var row = state.RunBatch(inner, cancel);
                    lock (gate)
                    {
                        state.Totals += row;
                        state.Running = false;
                        onBatch?.Invoke(row);
                        progress?.Report(new CollectionProgress(state.Index, state.Totals, state.Done, state.Fraction));
                        if (state.Done)
                        {
                            state.Release();
                        }

                        Monitor.PulseAll(gate);
                    }
                }
                catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                {
                    lock (gate)
                    {
                        state.Running = false;
                        Monitor.PulseAll(gate);
                    }

                    return;
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        failure ??= e;
                        Monitor.PulseAll(gate);
                    }

                    return;
                }
            }
        }
    }

    /// <summary>
    /// The decoding work a batch may carry, in squared detection events summed over its shots: matching a shot costs
    /// about its events squared (the shortest paths from each event), so a batch of a large code at a high error rate
    /// is kept to seconds (d = 9, p = 0.008: about 20 events a shot, 10^4 shots) while small codes run big batches.
    /// </summary>
    private const double BatchWork = 4e6;

    /// <summary>
    /// The next batch's size: doubling from one sampler batch, cut so it does not overshoot a limit by much and does
    /// not carry more than <see cref="BatchWork"/>. It depends only on the totals so far, never on timings, so the same
    /// seed gives the same batches (and totals) on any machine.
    /// </summary>
    internal static int NextBatch(long shots, long errors, long events, long? maxShots, long? maxErrors, int maxBatch, int columns)
    {
        long unit = PauliFrameSampler.BatchShots;
        long size = Math.Max(unit, shots);
        if (shots > 0)
        {
            double perShot = (double)events / shots;
            size = Math.Min(size, (long)Math.Max(unit, BatchWork / Math.Max(1, perShot * perShot)));
        }

        if (maxErrors is { } e && errors > 0)
        {
            // At the rate seen so far, the shots that would bring the remaining errors.
            long needed = (long)Math.Ceiling((double)(e - errors) * shots / errors);
            size = Math.Min(size, Math.Max(unit, needed));
        }

        size = Math.Min(size, Math.Min(maxBatch, Math.Max(unit, BatchBytes * 8 / Math.Max(1, columns))));
        size = Math.Max(unit, size / unit * unit);
        if (maxShots is { } m)
        {
            size = Math.Min(size, m - shots);
        }

        return (int)size;
    }

    private sealed class TaskState(int index, DecodingTask task, CollectionOptions options)
    {
        private PauliFrameSampler? _sampler;
        private QecDecoders.ShotDecoder? _decoder;

        public int Index { get; } = index;

        public DecodingTask Task { get; } = task;

        public long? MaxShots { get; } = task.MaxShots ?? options.MaxShots;

        public long? MaxErrors { get; } = task.MaxErrors ?? options.MaxErrors;

        public TaskStats Totals { get; set; } = new(task.StrongId, task.Decoder, task.MetadataJson, 0, 0, 0, 0);

        public bool Running { get; set; }

        public double SamplingSeconds { get; private set; }

        public double DecodingSeconds { get; private set; }

        public int GraphEdges { get; private set; }

        public bool Done => Totals.Shots >= (MaxShots ?? long.MaxValue) || Totals.Errors >= (MaxErrors ?? long.MaxValue);

        public double Fraction => Math.Min(1, Math.Max(
            MaxShots is { } s ? s == 0 ? 1 : (double)Totals.Shots / s : 0,
            MaxErrors is { } e ? e == 0 ? 1 : (double)Totals.Errors / e : 0));

        public TaskStats RunBatch(int threads, CancellationToken cancel)
        {
            var clock = Stopwatch.StartNew();
            if (_sampler is null)
            {
                _sampler = new PauliFrameSampler(Task.Program, StreamSeed(options.Seed, Task.StrongId));
                (_decoder, int edges) = QecDecoders.Create(Task.Decoder, Task.Model);
                GraphEdges = edges;
            }

            int detectors = Task.Program.Detectors.Length, observables = Task.Program.Observables.Length;

            // A stream position past a partial batch (a run stopped at a shot limit, since raised) starts at the next
            // whole sampler batch: no shot is used twice.
            long unit = PauliFrameSampler.BatchShots;
            long first = (Totals.Shots + unit - 1) / unit * unit;
            int shots = NextBatch(first, Totals.Errors, Totals.DetectionEvents, MaxShots is { } m ? m - Totals.Shots + first : null, MaxErrors, options.MaxBatchShots, detectors + observables);
            var table = _sampler.SampleDetectorsFrom(first, shots, threads);
            long events = 0;
            for (int d = 0; d < detectors; d++)
            {
                events += table.CountOnes(d);
            }

            double sampled = clock.Elapsed.TotalSeconds;

            var decoder = _decoder!;
            int errors = 0;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = cancel };
            Parallel.For(0, shots, parallel, () => (Events: new bool[detectors], Errors: 0), (s, _, local) =>
            {
                for (int d = 0; d < detectors; d++)
                {
                    local.Events[d] = table[s, d];
                }

                ulong actual = 0;
                for (int o = 0; o < observables; o++)
                {
                    actual |= (table[s, detectors + o] ? 1UL : 0) << o;
                }

                local.Errors += decoder(local.Events) != actual ? 1 : 0;
                return local;
            }, local => Interlocked.Add(ref errors, local.Errors));
            double total = clock.Elapsed.TotalSeconds;
            SamplingSeconds += sampled;
            DecodingSeconds += total - sampled;

            // Sinter's seconds are core-seconds: the batch's time on each of the threads it ran on.
            return new TaskStats(Task.StrongId, Task.Decoder, Task.MetadataJson, shots, errors, 0, total * threads) { DetectionEvents = events };
        }

        /// <summary>Drops the sampler and decoder of a finished task, so a long collection's memory stays bounded.</summary>
        public void Release()
        {
            _sampler = null;
            _decoder = null;
        }

        private static ulong StreamSeed(ulong seed, string strongId)
        {
            Span<byte> bytes = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, seed);
            return BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData([.. bytes, .. Encoding.ASCII.GetBytes(strongId)]));
        }
    }
}
