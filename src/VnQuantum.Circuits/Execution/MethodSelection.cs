using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Circuits.Passes;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Execution;

/// <summary>What one method would cost for a circuit: memory (bytes) and a rough time, or why it cannot run it.</summary>
public sealed record MethodCost(SimulationMethod Method, long MemoryBytes, double RoughSeconds, string? Obstacle);

/// <summary>The method a run will use and why.</summary>
public sealed record MethodChoice(SimulationMethod Method, string Reason);

/// <summary>
/// Chooses the simulation method for a circuit and estimates what each would cost. The automatic choice: a
/// Clifford-only circuit (with Pauli noise at most) goes to the stabilizer engine; a noisy circuit goes to the exact
/// density matrix up to <see cref="DensityMatrixAutoLimit"/> qubits and to trajectories above; anything else to the
/// state vector, or to a matrix product state when the state vector does not fit.
/// </summary>
public static class MethodSelection
{
    /// <summary>The largest noisy circuit that Auto runs as a density matrix (4^12 entries = 256 MiB).</summary>
    public const int DensityMatrixAutoLimit = 12;

    // A pass over memory streams at roughly this rate on one socket (bytes per second); estimates only.
    private const double StreamBytesPerSecond = 8e9;

    // The state vector's cost model, measured on the 2-core development machine with `bench costmodel --qubits 24`
    // (docs/benchmarks.md): a fixed cost per fused operation (dispatch, threads), a cost per amplitude it passes over
    // (a dense one-qubit gate out of cache), the first pass over freshly mapped memory, and for sampling one pass
    // over the probabilities plus a cost per shot.
    private const double SecondsPerFusedOperation = 1.5e-6;
    private const double SecondsPerAmplitudePass = 0.6e-9;
    private const double SecondsPerFreshAmplitude = 0.75e-9;
    private const double SecondsPerSampledAmplitude = 0.9e-9;
    private const double SecondsPerSampledShot = 1e-6;

    public static MethodChoice Choose(Circuit circuit, ExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        var noise = options.Noise;
        bool wantsArrays = options.IncludeStatevector || options.IncludeProbabilities;
        switch (options.Method)
        {
            case SimulationMethod.StateVector:
                if (noise is not null)
                {
                    throw new CircuitExecutionException("the statevector method is noiseless; with --noise use --method trajectories or density-matrix");
                }

                return new(SimulationMethod.StateVector, "asked for");
            case SimulationMethod.DensityMatrix:
                if (options.IncludeStatevector)
                {
                    throw new CircuitExecutionException("a density matrix has no state vector to return; ask for --probabilities instead");
                }

                return new(SimulationMethod.DensityMatrix, "asked for");
            case SimulationMethod.Trajectories:
                if (options.IncludeStatevector)
                {
                    throw new CircuitExecutionException("trajectories end in a different state every shot; --statevector is offered by the statevector method");
                }

                return new(SimulationMethod.Trajectories, "asked for");
            case SimulationMethod.Stabilizer:
                if (wantsArrays)
                {
                    throw new CircuitExecutionException("the stabilizer method returns counts only; --statevector and --probabilities need the statevector or density-matrix method");
                }

                if (CliffordLowering.TryLower(circuit, noise, out string? why) is null)
                {
                    throw new CircuitExecutionException($"the stabilizer method cannot run this circuit: {why}; use " + (noise is null ? "--method statevector" : "--method trajectories or density-matrix"));
                }

                return new(SimulationMethod.Stabilizer, "asked for");
            case SimulationMethod.MatrixProductState:
                if (noise is not null)
                {
                    throw new CircuitExecutionException("the mps method is noiseless; with --noise use --method trajectories or density-matrix");
                }

                return new(SimulationMethod.MatrixProductState, "asked for");
        }

        if (options.IncludeStatevector)
        {
            if (noise is not null)
            {
                throw new CircuitExecutionException("--statevector is for noiseless runs; with --noise ask for --probabilities (density matrix)");
            }

            return new(SimulationMethod.StateVector, "the state vector was asked for");
        }

        if (!options.IncludeProbabilities && CliffordLowering.TryLower(circuit, noise, out _) is not null)
        {
            return new(SimulationMethod.Stabilizer, noise is null ? "the circuit is Clifford-only" : "the circuit is Clifford-only and its noise is Pauli");
        }

        if (noise is not null)
        {
            return circuit.QubitCount <= DensityMatrixAutoLimit
                ? new(SimulationMethod.DensityMatrix, $"noisy, {circuit.QubitCount} qubits: the exact density matrix needs {StateVector.FormatBytes(DensityMatrix.RequiredBytes(circuit.QubitCount))}")
                : new(SimulationMethod.Trajectories, $"noisy, {circuit.QubitCount} qubits: a density matrix would need {StateVector.FormatBytes(DensityMatrix.RequiredBytes(Math.Min(circuit.QubitCount, 31)))}" + (circuit.QubitCount > 31 ? " or more" : string.Empty) + ", so one trajectory per shot");
        }

        if (!StateVector.Fits(circuit.QubitCount, options.Precision))
        {
            string need = circuit.QubitCount <= StateVector.MaxQubits
                ? $"a state vector of {circuit.QubitCount} qubits needs {StateVector.FormatBytes(StateVector.RequiredBytes(circuit.QubitCount, options.Precision))}, more than this machine has"
                : $"a state vector holds at most {StateVector.MaxQubits} qubits";
            return new(SimulationMethod.MatrixProductState, $"noiseless, not Clifford-only, and {need}: a matrix product state, whose size follows the entanglement");
        }

        return new(SimulationMethod.StateVector, "noiseless and not Clifford-only");
    }

    /// <summary>
    /// The method a run with <paramref name="options"/> would use and the memory it needs: the one estimate the CLI's
    /// <c>info</c>, the executor's choice and the hub's job admission share.
    /// </summary>
    /// <exception cref="CircuitExecutionException">The options ask for a method that cannot run the circuit.</exception>
    public static MethodCost CostOfRun(Circuit circuit, ExecutionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var choice = Choose(circuit, options);
        return Estimate(circuit, options.Shots, options.Noise, options.MaxBond).First(c => c.Method == choice.Method);
    }

    /// <summary>
    /// Memory and a rough time for every method on this circuit with <paramref name="shots"/> shots; the mps
    /// method's is an upper bound for a run with bond limit <paramref name="maxBond"/> (0: the exact limit).
    /// </summary>
    public static IReadOnlyList<MethodCost> Estimate(Circuit circuit, int shots, NoiseModel? noise = null, int maxBond = 0)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        int n = circuit.QubitCount;
        int gates = circuit.Operations.Count(o => o is not BarrierOperation);
        var list = new List<MethodCost>();

        long sv = n <= StateVector.MaxQubits ? StateVector.RequiredBytes(n, Precision.Double) : long.MaxValue;
        double svPass = sv / StreamBytesPerSecond * 2; // read and write
        bool terminal = circuit.HasOnlyTerminalMeasurements();
        double amplitudes = Math.Pow(2, Math.Min(n, 62));
        int fused = n <= StateVector.MaxQubits ? GateFusion.Fuse(circuit, new ExecutionOptions().FusionMaxQubits).Operations.Length : gates;
        double evolve = FreshMemorySeconds(n) + (fused * (SecondsPerFusedOperation + (amplitudes * SecondsPerAmplitudePass)));

        // A dynamic circuit is priced shot by shot: shot branching and the sparse state only make it cheaper, by
        // how much only a run shows (vnq info times a trial run for that).
        double stateVectorSeconds = terminal
            ? evolve + (amplitudes * SecondsPerSampledAmplitude) + (shots * SecondsPerSampledShot)
            : Math.Max(shots, 1) * evolve;
        list.Add(new(SimulationMethod.StateVector, sv, stateVectorSeconds, noise is not null ? "noiseless only" : n > StateVector.MaxQubits ? $"more than {StateVector.MaxQubits} qubits" : null));

        long dm = n <= DensityMatrix.MaxQubits ? DensityMatrix.RequiredBytes(n) : long.MaxValue;
        list.Add(new(SimulationMethod.DensityMatrix, dm, gates * 2 * (dm / StreamBytesPerSecond * 2), n > DensityMatrix.MaxQubits ? $"more than {DensityMatrix.MaxQubits} qubits" : null));

        double trajectoryRuns = noise is null && terminal ? 1 : Math.Max(shots, 1);
        list.Add(new(SimulationMethod.Trajectories, sv, trajectoryRuns * gates * svPass, n > StateVector.MaxQubits ? $"more than {StateVector.MaxQubits} qubits" : null));

        var lowered = CliffordLowering.TryLower(circuit, noise, out string? why);
        long tableau = StabilizerTableau.RequiredBytes(n);
        long frames = (long)n * PauliFrameSampler.BatchShots / 8 * 2 * Environment.ProcessorCount;
        int measurements = circuit.Operations.Count(o => o is MeasureOperation);
        double stabilizerSeconds = ((measurements * (double)n * n / 64) + (gates * n / 64.0)) / 1e9 + ((double)shots * gates * 2 / 64 / 1e9);
        list.Add(new(SimulationMethod.Stabilizer, tableau + frames, stabilizerSeconds, lowered is null ? why : null));
        var (mpsBytes, mpsSeconds) = MatrixProductStateBound(circuit, maxBond);
        list.Add(new(SimulationMethod.MatrixProductState, mpsBytes, mpsSeconds, noise is not null ? "noiseless only" : null));
        return list;
    }

    // A managed complex SVD of an m × m matrix takes about this many seconds per m³ on the development machine
    // (MathNet.Numerics: 2.2 s at m = 512, docs/methods.md).
    private const double SecondsPerSvdCube = 1.6e-8;

    /// <summary>
    /// A rough upper bound on the mps method's memory and time, from the qubit order as declared: the bond at a
    /// cut is at most 2^(qubits on its smaller side), at most 4 times larger for each multi-qubit gate spanning it,
    /// and at most the bond limit. Circuits whose gates the swaps bring together (GHZ, Bernstein–Vazirani) stay
    /// far below it; only a run shows the real bond (reported in the result's metadata).
    /// </summary>
    private static (long Bytes, double Seconds) MatrixProductStateBound(Circuit circuit, int maxBond)
    {
        int n = circuit.QubitCount;
        int capLog = (int)Math.Ceiling(Math.Log2(maxBond > 0 ? maxBond : MatrixProductState.ExactBondLimit));
        var spanning = new int[n + 1];
        double seconds = 0;
        var gates = new List<(int Low, int High)>();
        foreach (var op in circuit.Operations)
        {
            if (op is BarrierOperation || op.Qubits.IsEmpty)
            {
                continue;
            }

            int low = op.Qubits.Min(), high = op.Qubits.Max();
            if (high > low)
            {
                spanning[low + 1]++;
                spanning[high + 1]--;
                gates.Add((low, high));
            }

            seconds += 2e-6;
        }

        var bondLog = new int[n + 1];
        int crossing = 0;
        for (int cut = 1; cut < n; cut++)
        {
            crossing += spanning[cut];
            bondLog[cut] = Math.Min(Math.Min(cut, n - cut), Math.Min(capLog, 2 * crossing));
        }

        double bytes = 0, largest = 1;
        for (int site = 0; site < n; site++)
        {
            double left = Math.Pow(2, bondLog[site]), right = Math.Pow(2, bondLog[site + 1]);
            bytes += 2 * left * right * 16;
            largest = Math.Max(largest, Math.Max(left, right));
        }

        foreach (var (low, high) in gates)
        {
            double bond = Math.Pow(2, bondLog[(low + high + 1) / 2]);
            seconds += SecondsPerSvdCube * Math.Pow(2 * bond, 3) * Math.Max(1, high - low);
        }

        // The block being split and its SVD's factors sit beside the tensors.
        bytes += 6 * (2 * largest) * (2 * largest) * 16;
        return ((long)Math.Min(bytes, long.MaxValue / 2), seconds);
    }

    /// <summary>The largest state <see cref="TimeByTrialRun"/> will allocate (2^22 amplitudes, 64 MiB).</summary>
    public const int TrialRunMaxQubits = 22;

    /// <summary>
    /// The time a run with <paramref name="options"/> takes, found by starting it: a run that ends within
    /// <paramref name="budget"/> gives its own time; one that does not is stopped and its time extrapolated from
    /// the share of the work its progress reports had reached. Null when a state vector or density matrix is over
    /// <see cref="TrialRunMaxQubits"/> qubits, or the run reported no progress in the budget. For a dynamic circuit
    /// this is the one estimate that holds: how far shots branch, or whether the state stays sparse, shows only in
    /// the run. Shot branching reports progress by operations, so while its branches still multiply the figure is
    /// a lower bound.
    /// </summary>
    public static double? TimeByTrialRun(Circuit circuit, ExecutionOptions options, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        // The stabilizer and mps methods allocate by the circuit's structure, not by 2^n, and the budget bounds them.
        if (circuit.QubitCount > TrialRunMaxQubits && Choose(circuit, options).Method is not (SimulationMethod.Stabilizer or SimulationMethod.MatrixProductState))
        {
            return null;
        }

        var progress = new LatestProgress();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(options.Cancellation);
        stop.CancelAfter(budget);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            _ = CircuitExecutor.Run(circuit, options with { Progress = progress, Cancellation = stop.Token, IncludeStatevector = false, IncludeProbabilities = false });
            return clock.Elapsed.TotalSeconds;
        }
        catch (OperationCanceledException) when (!options.Cancellation.IsCancellationRequested)
        {
            return progress.Extrapolate();
        }
    }

    /// <summary>
    /// The time a state-vector run of a circuit over <see cref="TrialRunMaxQubits"/> qubits takes, without allocating
    /// its state: each distinct kernel of the fused circuit is timed on a 2^22-amplitude state with its qubits at
    /// positions of the same kind (low ones where they are, the top ones as far from the top) and scaled to the full
    /// size, the most frequent first for up to <paramref name="budget"/>; the first pass over fresh memory and the
    /// sampling come from the cost model. Null unless the run would be a noiseless state vector sampled from its final
    /// state.
    /// </summary>
    public static double? TimeByProxy(Circuit circuit, ExecutionOptions options, TimeSpan budget)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(options);
        int n = circuit.QubitCount;
        if (n <= TrialRunMaxQubits || n > StateVector.MaxQubits || options.Noise is not null || !circuit.HasOnlyTerminalMeasurements()
            || Choose(circuit, options).Method != SimulationMethod.StateVector)
        {
            return null;
        }

        if (ProxyTiming.EvolveSeconds(circuit, options, budget) is not { } evolve)
        {
            return null;
        }

        double amplitudes = Math.Pow(2, n);
        bool measures = circuit.Operations.Any(o => o is MeasureOperation);
        return FreshMemorySeconds(n) + evolve + (measures ? (amplitudes * SecondsPerSampledAmplitude) + (options.Shots * SecondsPerSampledShot) : 0);
    }

    // States from 32 MiB are mapped fresh and not cleared (VnQuantum.Simulation's AmplitudeMemory.MappedFrom): the
    // first pass over them pays the page faults.
    private static double FreshMemorySeconds(int n) =>
        n <= StateVector.MaxQubits && StateVector.RequiredBytes(n, Precision.Double) >= (32L << 20) ? Math.Pow(2, n) * SecondsPerFreshAmplitude : 0;

    /// <summary>
    /// Progress reports and when they came, taken on the reporting thread (not posted as <see cref="Progress{T}"/>
    /// does). A run may plan before it runs (a sparse trial, a branching attempt given up), and each phase reports
    /// from 0 again, so the total is extrapolated from the pace of the last phase's last second, not from its
    /// start: the time so far plus what is left at that pace.
    /// </summary>
    private sealed class LatestProgress : IProgress<double>
    {
        private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
        private readonly Lock _lock = new();
        private readonly List<(double Seconds, double Fraction)> _reports = [];

        public void Report(double value)
        {
            lock (_lock)
            {
                var now = (_clock.Elapsed.TotalSeconds, value);
                if (_reports.Count > 0 && value < _reports[^1].Fraction)
                {
                    _reports.Clear();
                }

                _reports.Add(now);
            }
        }

        public double? Extrapolate()
        {
            lock (_lock)
            {
                if (_reports.Count == 0 || _reports[^1].Fraction <= 0)
                {
                    return null;
                }

                var (t, f) = _reports[^1];
                var from = _reports.FirstOrDefault(r => r.Seconds >= t - 1 && r.Fraction < f, _reports[0]);
                double pace = from.Fraction < f && t > from.Seconds ? (t - from.Seconds) / (f - from.Fraction) : t / f;
                return _clock.Elapsed.TotalSeconds + ((1 - f) * pace);
            }
        }
    }

    /// <summary>True when the stabilizer engine can run the circuit; otherwise <paramref name="obstacle"/> names the first gate (and line) that is not a Clifford.</summary>
    public static bool IsClifford(Circuit circuit, out string? obstacle) => CliffordLowering.IsClifford(circuit, out obstacle);

    /// <summary>The name the command line uses for a method.</summary>
    public static string Name(SimulationMethod method) => method switch
    {
        SimulationMethod.StateVector => "statevector",
        SimulationMethod.DensityMatrix => "density-matrix",
        SimulationMethod.Trajectories => "trajectories",
        SimulationMethod.Stabilizer => "stabilizer",
        SimulationMethod.MatrixProductState => "mps",
        _ => "auto",
    };
}
