using System.Diagnostics;
using System.Reflection;
using System.Text;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Circuits.Passes;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Execution;

/// <summary>
/// Runs a circuit with the method <see cref="MethodSelection"/> picks (or the one asked for): state vector, density
/// matrix, trajectories or stabilizer. When every measurement is terminal and nothing is conditioned or reset, a
/// noiseless or density-matrix run simulates once and samples all shots from the final state; otherwise each shot is
/// a trajectory with mid-circuit collapse. One seeded generator drives everything, so a seed fixes the counts on any
/// thread count.
/// </summary>
public static class CircuitExecutor
{
    /// <summary>Above this many qubits the state and the probabilities are not returned as arrays.</summary>
    public const int MaxQubitsForArrays = 27;

    public static string Version { get; } =
        typeof(CircuitExecutor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <exception cref="CircuitExecutionException">The circuit has an opaque gate or does not suit the method asked for.</exception>
    /// <exception cref="StateTooLargeException">The state does not fit in memory, or the circuit has more qubits than the method holds; the message says how much it needs.</exception>
    /// <exception cref="NoiseModelException">The noise model does not fit the circuit (a 2-qubit channel on a 1-qubit gate).</exception>
    public static ExecutionResult Run(Circuit circuit, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        options ??= new ExecutionOptions();
        options.Validate();
        // A classical-only program (Qiskit accepts `bit[2] c; if (c == 0) { }`) runs on one idle qubit: its |0>
        // stands for the empty register's only state, and the arrays returned are cut back to that one entry.
        bool classicalOnly = circuit.QubitCount == 0;
        var simulated = classicalOnly
            ? new Circuit([new Register("_idle", 1, 0)], circuit.ClassicalRegisters, circuit.Operations, circuit.OpaqueGates, scratchClbits: circuit.ScratchClbitCount)
            : circuit;
        var choice = options.Distributed ? DistributedChoice(options) : MethodSelection.Choose(simulated, options);
        ulong seed = options.Seed ?? (options.Distributed ? SeedOfRankZero() : (ulong)Random.Shared.NextInt64());
        var random = new SeededRandom(seed);
        var run = choice.Method switch
        {
            SimulationMethod.Stabilizer => RunStabilizer(simulated, options, random),
            SimulationMethod.DensityMatrix => RunDensityMatrix(simulated, options, random),
            SimulationMethod.MatrixProductState => RunMatrixProductState(simulated, options, random),
            _ when options.Distributed => RunDistributed(simulated, options, random),
            _ => RunStateVector(simulated, options, random, choice.Method == SimulationMethod.Trajectories ? options.Noise : null),
        };
        if (classicalOnly)
        {
            run = run with { Statevector = run.Statevector?[..1], Probabilities = run.Probabilities?[..1] };
        }

        options.Progress?.Report(1.0);
        var metadata = new ExecutionMetadata(
            seed,
            MethodSelection.Name(choice.Method),
            circuit.QubitCount,
            circuit.ClbitCount,
            options.Shots,
            run.Threads,
            choice.Method == SimulationMethod.Stabilizer ? "exact" : options.Precision.ToString().ToLowerInvariant(),
            run.FusionMaxQubits,
            circuit.Operations.Length,
            run.ExecutedOperations,
            run.SampledFromFinalState,
            run.FusionMilliseconds,
            run.SimulationMilliseconds,
            run.SamplingMilliseconds,
            Version)
        {
            MethodReason = choice.Reason + (run.Note is null ? string.Empty : $"; {run.Note}"),
            DiscardedWeight = run.Bonds?.DiscardedWeight,
            LargestBond = run.Bonds?.LargestBond,
        };
        return new ExecutionResult(run.Counts, run.Statevector, run.Probabilities, metadata);
    }

    /// <summary>What one method produced, before the metadata is assembled.</summary>
    private sealed record MethodRun(
        Dictionary<string, int> Counts,
        System.Numerics.Complex[]? Statevector,
        double[]? Probabilities,
        int Threads,
        int FusionMaxQubits,
        int ExecutedOperations,
        bool SampledFromFinalState,
        double FusionMilliseconds,
        double SimulationMilliseconds,
        double SamplingMilliseconds,
        string? Note = null,
        (double DiscardedWeight, int LargestBond)? Bonds = null);

    /// <summary>
    /// The state-vector engine: noiseless (sampling the final state when measurements are terminal) or, with a
    /// noise model, one trajectory per shot with every channel sampled.
    /// </summary>
    private static MethodRun RunStateVector(Circuit circuit, ExecutionOptions options, SeededRandom random, NoiseModel? noise)
    {
        if (circuit.QubitCount > StateVector.MaxQubits)
        {
            // A resource limit, not a fault in the program: the same exit code as a state that does not fit in memory.
            throw new StateTooLargeException($"the program has {circuit.QubitCount} qubits; the state-vector method holds at most {StateVector.MaxQubits} (2^{circuit.QubitCount} amplitudes); a Clifford circuit of this size runs with --method stabilizer");
        }

        if ((options.IncludeStatevector || options.IncludeProbabilities) && circuit.QubitCount > MaxQubitsForArrays)
        {
            throw new CircuitExecutionException($"the state of {circuit.QubitCount} qubits is too large to return; the state vector and probabilities are offered up to {MaxQubitsForArrays} qubits");
        }

        StateVector.EnsureFits(circuit.QubitCount, options.Precision);
        var program = Compile(circuit, options, noise);
        bool sampleFinal = !program.Noisy && circuit.HasOnlyTerminalMeasurements();
        using var state = StateVector.Create(circuit.QubitCount, options.Precision, options.Threads, options.KernelPath);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var (simulationMs, samplingMs, shotNote) = Simulate(circuit, options, program, new StateVectorShot(state), sampleFinal, noise, random, counts);

        var statevector = options.IncludeStatevector ? state.ToArray() : null;
        var probabilities = options.IncludeProbabilities ? state.Probabilities() : null;
        return new MethodRun(counts, statevector, probabilities, state.Threads, program.Fusion, program.Operations.Count, sampleFinal, program.Milliseconds, simulationMs, samplingMs, shotNote);
    }

    /// <summary>Without --seed, every rank must still draw the same numbers: rank 0 picks the seed and sends it to the others.</summary>
    private static ulong SeedOfRankZero()
    {
        var world = Mpi.MpiWorld.Join();
        Span<byte> bytes = stackalloc byte[8];
        if (world.IsRoot)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)Random.Shared.NextInt64());
        }

        world.Broadcast(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    private static MethodChoice DistributedChoice(ExecutionOptions options)
    {
        if (options.Method is not (SimulationMethod.Auto or SimulationMethod.StateVector))
        {
            throw new CircuitExecutionException($"under mpirun the state vector is split over the ranks; --method {MethodSelection.Name(options.Method)} runs in one process");
        }

        if (options.Noise is not null)
        {
            throw new CircuitExecutionException("the state vector split over MPI ranks is noiseless; run a noisy circuit in one process");
        }

        return new(SimulationMethod.StateVector, "split over the ranks of the MPI job");
    }

    /// <summary>
    /// The state vector split over MPI ranks (<see cref="DistributedStateVector"/>): evolved once with the same fused
    /// operations as one process and sampled draw for draw as one process samples; a dynamic circuit runs shot by
    /// shot with the per-shot streams of one process. Either way the same seed gives the same counts on every rank
    /// count.
    /// </summary>
    private static MethodRun RunDistributed(Circuit circuit, ExecutionOptions options, SeededRandom random)
    {
        if (options.Precision != Precision.Double)
        {
            throw new CircuitExecutionException("the state vector split over MPI ranks is double precision");
        }

        if ((options.IncludeStatevector || options.IncludeProbabilities) && circuit.QubitCount > 24)
        {
            throw new CircuitExecutionException($"the state of {circuit.QubitCount} qubits is too large to gather from the ranks; the state vector and probabilities are offered up to 24 qubits under mpirun");
        }

        var world = Mpi.MpiWorld.Join();
        var program = Compile(circuit, options with { FusionMaxQubits = Math.Min(options.FusionMaxQubits, circuit.QubitCount - int.Log2(world.Size)) }, null);
        DistributedStateVector created;
        try
        {
            created = DistributedStateVector.Create(circuit.QubitCount, world, options.Threads);
        }
        catch (ArgumentException e)
        {
            throw new CircuitExecutionException(e.Message); // the same on every rank: rank 0 reports it, all end
        }

        using var state = created;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        bool sampleFinal = circuit.HasOnlyTerminalMeasurements();
        var (simulationMs, samplingMs, shotNote) = Simulate(circuit, options, program, new DistributedShot(state), sampleFinal, null, random, counts);
        var statevector = options.IncludeStatevector || options.IncludeProbabilities ? state.Gather() : null;
        var probabilities = options.IncludeProbabilities ? statevector!.Select(a => (a.Real * a.Real) + (a.Imaginary * a.Imaginary)).ToArray() : null;
        string note = $"{world.Size} ranks × 2^{state.LocalQubits} amplitudes, {state.Exchanges} exchanges of half a rank's amplitudes ({StateVector.FormatBytes(state.BytesSent)} sent by this rank)"
            + (shotNote is null ? string.Empty : $"; {shotNote}");
        return new MethodRun(counts, options.IncludeStatevector ? statevector : null, probabilities, state.Local.Threads, program.Fusion, program.Operations.Count, sampleFinal, program.Milliseconds, simulationMs, samplingMs, note);
    }

    /// <summary>
    /// The exact density matrix: evolved once and sampled when every measurement is terminal, else once per shot
    /// with mid-circuit collapse.
    /// </summary>
    private static MethodRun RunDensityMatrix(Circuit circuit, ExecutionOptions options, SeededRandom random)
    {
        if (circuit.QubitCount > DensityMatrix.MaxQubits)
        {
            throw new StateTooLargeException($"the program has {circuit.QubitCount} qubits; the density-matrix method holds at most {DensityMatrix.MaxQubits}; use --method trajectories");
        }

        if (options.IncludeProbabilities && circuit.QubitCount > MaxQubitsForArrays)
        {
            throw new CircuitExecutionException($"probabilities are offered up to {MaxQubitsForArrays} qubits");
        }

        DensityMatrix.EnsureFits(circuit.QubitCount, options.Precision);
        var noise = options.Noise;
        var program = Compile(circuit, options, noise);
        bool sampleFinal = circuit.HasOnlyTerminalMeasurements();
        using var rho = DensityMatrix.Create(circuit.QubitCount, options.Precision, options.Threads, options.KernelPath);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var (simulationMs, samplingMs, shotNote) = Simulate(circuit, options, program, new DensityMatrixShot(rho), sampleFinal, noise, random, counts);

        var probabilities = options.IncludeProbabilities ? rho.Probabilities() : null;
        return new MethodRun(counts, null, probabilities, rho.Threads, program.Fusion, program.Operations.Count, sampleFinal, program.Milliseconds, simulationMs, samplingMs, shotNote);
    }

    /// <summary>
    /// The matrix product state: evolved once and sampled outcome by outcome when every measurement is terminal,
    /// else re-evolved shot by shot. Fusion stops at 2 qubits: a wider block would contract more sites into one
    /// SVD than the gates it replaces need.
    /// </summary>
    private static MethodRun RunMatrixProductState(Circuit circuit, ExecutionOptions options, SeededRandom random)
    {
        int n = circuit.QubitCount;
        if ((options.IncludeStatevector || options.IncludeProbabilities) && n > MatrixProductState.MaxQubitsForStateVector)
        {
            throw new CircuitExecutionException($"the state of {n} qubits is too large to return; the mps method expands it up to {MatrixProductState.MaxQubitsForStateVector} qubits (--shots samples any size)");
        }

        var program = Compile(circuit, options with { FusionMaxQubits = Math.Min(options.FusionMaxQubits, 2) }, null);
        var shot = new MatrixProductStateShot(new MatrixProductState(n, options.MaxBond, options.TruncationThreshold));
        var state = shot.State;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        bool sampleFinal = circuit.HasOnlyTerminalMeasurements();
        var clock = Stopwatch.StartNew();
        double simulationMs, samplingMs = 0;
        try
        {
            if (sampleFinal)
            {
                var measurements = EvolveOnce(program.Operations, program.Channels, shot, random, options);
                simulationMs = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                if (measurements.Count > 0 && circuit.ClbitCount > 0 && options.Shots > 0)
                {
                    var clbits = new bool[circuit.ClbitCount];
                    state.Sample(options.Shots, random, (bits, count) =>
                    {
                        Array.Clear(clbits);
                        foreach (var m in measurements)
                        {
                            clbits[m.Clbit] = bits[m.Qubit];
                        }

                        string key = CountsKey(circuit, clbits);
                        counts[key] = counts.GetValueOrDefault(key) + count;
                    });
                }

                samplingMs = clock.Elapsed.TotalMilliseconds;
            }
            else
            {
                int shots = Math.Max(options.Shots, 1);
                RunShots(circuit, options, program.Operations, program.Channels, shot, null, ShotStreams.For(random.NextUInt64(), shots), counts);
                simulationMs = clock.Elapsed.TotalMilliseconds;
            }
        }
        catch (StateTooLargeException e)
        {
            // The state has grown past its limit part-way: say where, so the user can weigh --max-bond.
            throw new StateTooLargeException($"{e.Message} (stopped after {clock.Elapsed.TotalSeconds:F1} s)", e);
        }

        var statevector = options.IncludeStatevector ? state.ToStateVector() : null;
        var probabilities = options.IncludeProbabilities ? (statevector ?? state.ToStateVector()).Select(a => (a.Real * a.Real) + (a.Imaginary * a.Imaginary)).ToArray() : null;
        var (discarded, largest) = shot.WorstSoFar();
        string note = $"largest bond {largest}" + (options.MaxBond > 0 ? $" of at most {options.MaxBond}" : string.Empty) + $", discarded weight {discarded:G3}" + (sampleFinal ? string.Empty : ", shot by shot");
        return new MethodRun(counts, statevector, probabilities, 1, program.Fusion, program.Operations.Count, sampleFinal, program.Milliseconds, simulationMs, samplingMs, note, (discarded, largest));
    }

    /// <summary>The circuit fused and compiled for a state-vector or density-matrix run, with each operation's noise channels.</summary>
    private sealed record CompiledProgram(List<CompiledOperation> Operations, (KrausChannel Channel, int[] Qubits)[][] Channels, int Fusion, bool Noisy, double Milliseconds);

    private static CompiledProgram Compile(Circuit circuit, ExecutionOptions options, NoiseModel? noise)
    {
        var clock = Stopwatch.StartNew();

        // Channels sit between gates, so a circuit with a channel on any gate is not fused; a noise model that puts
        // none on this circuit's gates (readout errors only) fuses as a noiseless run does. Both engines decide alike.
        bool noisy = noise is not null && circuit.Operations.Any(op => noise.ChannelsFor(op).Any());
        int fusion = noisy ? 0 : options.FusionMaxQubits;
        var fused = GateFusion.Fuse(circuit, fusion);
        var compiled = fused.Operations.Select(op => CompiledOperation.Compile(op, circuit)).ToList();
        var channels = compiled.Select(c => noisy ? noise!.ChannelsFor(c.Source).ToArray() : []).ToArray();
        return new CompiledProgram(compiled, channels, fusion, noisy, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>
    /// Evolves once and samples every shot from the final state when <paramref name="sampleFinal"/>, else runs each
    /// shot with mid-circuit collapse (branching the state when it can); returns the simulation and sampling times,
    /// and for a dynamic circuit how its shots ran.
    /// </summary>
    private static (double SimulationMs, double SamplingMs, string? Note) Simulate(Circuit circuit, ExecutionOptions options, CompiledProgram program, IShotState shot, bool sampleFinal, NoiseModel? noise, SeededRandom random, Dictionary<string, int> counts)
    {
        var clock = Stopwatch.StartNew();
        if (!sampleFinal)
        {
            int shots = Math.Max(options.Shots, 1);
            ulong root = random.NextUInt64();
            bool branchable = options.ShotBranching && noise is null && !program.Noisy && shot is StateVectorShot;
            // A circuit that stays sparse runs its first shot on a SparseShot; that shot's time prices the sparse
            // run, and shot branching goes on only while it is on course to cost less.
            var sparse = branchable ? SparseShotRun.TryStart(circuit, options, root) : null;
            int peak = branchable && shots > 1 ? Branch(circuit, options, program.Operations, ((StateVectorShot)shot).State, ShotStreams.For(root, shots), counts, sparse?.SecondsForTheRest ?? double.PositiveInfinity) : 0;
            string note;
            if (peak > 0)
            {
                note = $"shot branching, at most {peak} state{(peak == 1 ? string.Empty : "s")}";
            }
            else if (sparse is not null && sparse.RunTheRest(counts))
            {
                note = $"sparse amplitudes shot by shot, at most {sparse.PeakEntries:N0} of 2^{circuit.QubitCount} non-zero";
            }
            else
            {
                // Fresh streams: a branching or sparse run given up part-way has drawn from the ones it had.
                RunShots(circuit, options, program.Operations, program.Channels, shot, noise, ShotStreams.For(root, shots), counts);
                note = sparse is not null ? "shot by shot (a sparse shot grew too dense)"
                    : branchable && shots > 1 ? "shot by shot (the branches would not fit in memory)"
                    : "shot by shot";
            }

            return (clock.Elapsed.TotalMilliseconds, 0, note);
        }

        var measurements = EvolveOnce(program.Operations, program.Channels, shot, random, options);
        double simulationMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        if (measurements.Count > 0 && circuit.ClbitCount > 0)
        {
            CountSampledIndices(circuit, measurements, shot.Sample(options.Shots, random), noise, random, counts);
        }

        return (simulationMs, clock.Elapsed.TotalMilliseconds, null);
    }

    /// <summary>
    /// The stabilizer engine: the Pauli-frame sampler when feedback is Pauli-only (all shots in bulk), else the
    /// tableau one shot at a time.
    /// </summary>
    private static MethodRun RunStabilizer(Circuit circuit, ExecutionOptions options, SeededRandom random)
    {
        var clock = Stopwatch.StartNew();
        var lowered = CliffordLowering.TryLower(circuit, options.Noise, out string? why)
            ?? throw new CircuitExecutionException($"the stabilizer method cannot run this circuit: {why}");
        var program = lowered.Program;
        double loweringMs = clock.Elapsed.TotalMilliseconds;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var clbits = new bool[circuit.ClbitCount];
        string? obstacle = program.FrameSamplingObstacle();
        string note;
        clock.Restart();
        int threads = options.Threads <= 0 ? Environment.ProcessorCount : options.Threads;
        if (obstacle is null)
        {
            note = "Pauli-frame sampler";
            var sampler = new PauliFrameSampler(program, random.NextUInt64());
            var bits = sampler.Sample(options.Shots, options.Threads, options.Progress, options.Cancellation);
            for (int s = 0; s < options.Shots && circuit.ClbitCount > 0; s++)
            {
                CliffordLowering.ToClbits(lowered.ClbitRecords, r => bits[s, r], clbits);
                string key = CountsKey(circuit, clbits);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        }
        else
        {
            note = $"tableau shot by shot ({obstacle})";
            threads = 1;
            var records = new bool[program.RecordCount];
            for (int s = 0; s < options.Shots; s++)
            {
                Array.Clear(records);
                program.RunShot(records, random);
                CliffordLowering.ToClbits(lowered.ClbitRecords, r => records[r], clbits);
                string key = CountsKey(circuit, clbits);
                counts[key] = counts.GetValueOrDefault(key) + 1;
                ReportEvery(options, s, options.Shots);
            }
        }

        return new MethodRun(counts, null, null, threads, 0, program.Instructions.Length, false, loweringMs, clock.Elapsed.TotalMilliseconds, 0, note);
    }

    /// <summary>
    /// Shot branching when the branches fit: at most as many states as shots, and as memory allows (a quarter of
    /// what the process may use); the most states it held, or 0 when they would not fit, before or during the run, or when it is on course to take longer than <paramref name="budgetSeconds"/>.
    /// </summary>
    private static int Branch(Circuit circuit, ExecutionOptions options, List<CompiledOperation> compiled, StateVector state, SeededRandom[] streams, Dictionary<string, int> counts, double budgetSeconds)
    {
        long stateBytes = StateVector.RequiredBytes(circuit.QubitCount, options.Precision);
        long spare = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4;
        int maxBranches = (int)Math.Min(streams.Length, Math.Max(1, spare / Math.Max(1, stateBytes)));
        if (maxBranches < 2)
        {
            return 0;
        }

        state.SetBasisState(0);
        var clock = Stopwatch.StartNew();
        double graceSeconds = Math.Min(0.25, budgetSeconds / 10), startSeconds = 0;
        int startDone = 0;

        // The pace since the first tenth of the budget (at most a quarter second; before it the operations pay for
        // compiling the code), per operation, times those left: branching stops once that passes the budget. The
        // pace of a recent window instead swung with the branch count: bwt_n21's branches split and merge at its
        // 9,207 resets, and a window's pace gave up 68 s of branching for 139 s of sparse shots; the compile-time
        // pace gave up square_root_n18_transpiled's 0.4 s of branching for 2.4 s of sparse shots.
        bool WorthContinuing(int done, int total)
        {
            double now = clock.Elapsed.TotalSeconds;
            if (now < graceSeconds || done <= startDone)
            {
                (startSeconds, startDone) = (now, done);
                return true;
            }

            double secondsPerOperation = (now - startSeconds) / (done - startDone);
            return now + (secondsPerOperation * (total - done)) <= budgetSeconds;
        }

        var branching = new ShotBranching(circuit, maxBranches, options.Cancellation) { WorthContinuing = double.IsFinite(budgetSeconds) ? WorthContinuing : null };
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!branching.Run(compiled, state, streams, found, (done, total) => ReportEvery(options, done, total)))
        {
            return 0;
        }

        if (options.Shots > 0)
        {
            foreach (var (key, n) in found)
            {
                counts[key] = counts.GetValueOrDefault(key) + n;
            }
        }

        return branching.PeakBranches;
    }

    private static void RunShots(Circuit circuit, ExecutionOptions options, List<CompiledOperation> compiled, (KrausChannel Channel, int[] Qubits)[][] channels, IShotState state, NoiseModel? noise, SeededRandom[] streams, Dictionary<string, int> counts)
    {
        var clbits = new bool[circuit.ClbitCount];
        int shots = streams.Length;
        var interpreter = new ShotInterpreter(circuit, noise, options.Cancellation);

        // Progress inside a shot as well: one shot of a large matrix product state can take minutes, and vnq info's
        // trial run has nothing to extrapolate until something is reported.
        int shot = 0;
        var progress = options.Progress;
        Action<int, int>? within = progress is null ? null : (done, total) =>
        {
            if (done % Math.Max(1, total / 200) == 0)
            {
                progress.Report((shot + ((double)done / total)) / shots);
            }
        };
        for (; shot < shots; shot++)
        {
            state.Restart();
            Array.Clear(clbits);
            interpreter.Run(compiled, channels, state, clbits, streams[shot], within);
            if (options.Shots > 0 && circuit.ClbitCount > 0)
            {
                string key = CountsKey(circuit, clbits);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }

            ReportEvery(options, shot + 1, shots);
        }
    }

    /// <summary>
    /// Applies every operation but the (terminal) measurements once, with each channel after its gate and before its
    /// measurement, and returns the measurements, whose shots are then sampled from the final state.
    /// </summary>
    private static List<MeasureOperation> EvolveOnce(List<CompiledOperation> compiled, (KrausChannel Channel, int[] Qubits)[][] channels, IShotState state, SeededRandom random, ExecutionOptions options)
    {
        var measurements = new List<MeasureOperation>();

        // A matrix product state's gates differ in cost by the swaps that bring their qubits together, so its
        // progress (which `vnq info` extrapolates) counts the factorisations planned, not the operations.
        long[]? plan = state is MatrixProductStateShot mps
            ? MatrixProductState.PlanFactorisations(mps.State.QubitCount, [.. compiled.Select(c => c.Source is MeasureOperation || c.IsIdentity ? [] : c.Qubits.ToArray())])
            : null;
        for (int i = 0; i < compiled.Count; i++)
        {
            if (compiled[i].Source is MeasureOperation m)
            {
                measurements.Add(m);
            }
            else
            {
                state.Apply(compiled[i]);
            }

            foreach (var (channel, qubits) in channels[i])
            {
                state.ApplyChannel(channel, qubits, random);
            }

            if (plan is null)
            {
                ReportEvery(options, i, compiled.Count);
            }
            else
            {
                ReportWork(options, i, compiled.Count, plan);
            }
        }

        return measurements;
    }

    private static void CountSampledIndices(Circuit circuit, List<MeasureOperation> measurements, long[] indices, NoiseModel? noise, SeededRandom random, Dictionary<string, int> counts)
    {
        var clbits = new bool[circuit.ClbitCount];
        bool readoutErrors = noise is not null && measurements.Any(m => noise.Readout.ContainsKey(m.Qubit));
        if (!readoutErrors)
        {
            var byIndex = new Dictionary<long, int>();
            foreach (long index in indices)
            {
                byIndex[index] = byIndex.GetValueOrDefault(index) + 1;
            }

            foreach (var (index, count) in byIndex)
            {
                Array.Clear(clbits);
                foreach (var m in measurements)
                {
                    clbits[m.Clbit] = ((index >> m.Qubit) & 1) == 1;
                }

                string key = CountsKey(circuit, clbits);
                counts[key] = counts.GetValueOrDefault(key) + count;
            }

            return;
        }

        foreach (long index in indices)
        {
            Array.Clear(clbits);
            foreach (var m in measurements)
            {
                clbits[m.Clbit] = ShotInterpreter.Misread(((index >> m.Qubit) & 1) == 1, m.Qubit, noise, random);
            }

            string key = CountsKey(circuit, clbits);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
    }

    /// <summary>Qiskit's key: classical bit 0 rightmost, registers separated by spaces, the last declared leftmost.</summary>
    public static string CountsKey(Circuit circuit, ReadOnlySpan<bool> clbits)
    {
        var key = new StringBuilder(clbits.Length + circuit.ClassicalRegisters.Length);
        for (int r = circuit.ClassicalRegisters.Length - 1; r >= 0; r--)
        {
            var register = circuit.ClassicalRegisters[r];
            for (int b = register.Size - 1; b >= 0; b--)
            {
                key.Append(clbits[register.Offset + b] ? '1' : '0');
            }

            if (r > 0)
            {
                key.Append(' ');
            }
        }

        return key.ToString();
    }

    // As ReportEvery, with progress measured in planned work (plan[i] done after operation i) plus one per operation.
    private static void ReportWork(ExecutionOptions options, int done, int total, long[] plan)
    {
        options.Cancellation.ThrowIfCancellationRequested();
        if (options.Progress is { } progress && done % Math.Max(1, total / 200) == 0)
        {
            progress.Report((double)(plan[done] + done) / (plan[^1] + total));
        }
    }

    // Called after each operation or shot: the cancellation check is one volatile read, the report rarer.
    private static void ReportEvery(ExecutionOptions options, int done, int total)
    {
        options.Cancellation.ThrowIfCancellationRequested();
        if (options.Progress is { } progress && done % Math.Max(1, total / 200) == 0)
        {
            progress.Report((double)done / total);
        }
    }
}
