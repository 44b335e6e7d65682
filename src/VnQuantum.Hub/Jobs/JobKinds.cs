using System.Diagnostics;
using System.Text.Json;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Sensing.Design;

namespace VnQuantum.Hub.Jobs;

/// <summary>A circuit run: an OpenQASM program, shots and a seed.</summary>
public sealed record CircuitJob(string Source, int Shots, ulong Seed);

/// <summary>A probe-state optimisation of the sensing pillar (product, ghz, squeezed or optimal).</summary>
public sealed record ProbeJob(string State, int Spins, double DephasingRate);

/// <summary>
/// What a job's page shows of a finished circuit run. A job stores the run as <see cref="ResultJson"/> writes it (the
/// same document as <c>vnq run --format json</c>); <see cref="Read"/> also reads the smaller form earlier versions stored.
/// </summary>
public sealed record CircuitJobResult(IReadOnlyDictionary<string, int> Counts, int Qubits, string Method, ulong Seed, double Seconds)
{
    public static CircuitJobResult Read(string json)
    {
        using (var doc = JsonDocument.Parse(json))
        {
            if (!doc.RootElement.TryGetProperty("metadata", out _))
            {
                return JsonSerializer.Deserialize<CircuitJobResult>(json, JobKinds.Json)!;
            }
        }

        var result = ResultJson.Read(json);
        var m = result.Metadata;
        return new(result.Counts, m.Qubits, m.Method, m.Seed, (m.FusionMilliseconds + m.SimulationMilliseconds + m.SamplingMilliseconds) / 1000);
    }
}

/// <summary>What a finished probe job keeps.</summary>
public sealed record ProbeJobResult(string Sensor, IReadOnlyList<SensorQuantity> Quantities, IReadOnlyList<string> Notes, double Seconds);

/// <summary>The kinds of background job, their checks before queuing, and how a worker runs them.</summary>
public static class JobKinds
{
    public const string Circuit = "circuit";

    public const string Probe = "probe";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What a worker process takes besides the simulation's own memory (runtime, parsed program, buffers).</summary>
    public const long WorkerFootprintBytes = 96L << 20;

    /// <summary>A problem with the input that makes queuing pointless (a parse error, too many qubits), or null.</summary>
    /// <param name="cancel">Stops the admission's compile (the submitting request's deadline).</param>
    public static string? Admit(string kind, string input, JobLimits limits, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(limits);
        switch (kind)
        {
            case Circuit:
                var job = JsonSerializer.Deserialize<CircuitJob>(input, Json)!;
                var parsed = QasmFrontEnd.Parse(job.Source, "job.qasm", cancel: cancel);
                if (parsed.Circuit is not { } circuit)
                {
                    return parsed.Error!.ToString();
                }

                if (circuit.QubitCount > limits.MaxQubits)
                {
                    return $"The circuit has {circuit.QubitCount} qubits; jobs here take at most {limits.MaxQubits}.";
                }

                // The estimate of the method the worker's executor will choose: a Clifford circuit runs on the
                // stabilizer engine in kilobytes, a non-Clifford one needs its state vector.
                var cost = MethodSelection.CostOfRun(circuit, new ExecutionOptions { Shots = job.Shots, Seed = job.Seed });
                long bytes = cost.MemoryBytes == long.MaxValue ? long.MaxValue : cost.MemoryBytes + WorkerFootprintBytes;
                string what = cost.Method == SimulationMethod.StateVector ? "state vector" : $"{MethodSelection.Name(cost.Method)} run";
                return bytes > limits.MaxMemoryBytes
                    ? $"A {circuit.QubitCount}-qubit {what} needs about {(bytes == long.MaxValue ? "more memory than exists" : $"{bytes >> 20:N0} MiB")}; the memory limit per job is {limits.MaxMemoryBytes >> 20:N0} MiB."
                    : null;
            case Probe:
                var probe = JsonSerializer.Deserialize<ProbeJob>(input, Json)!;
                return probe.State is not ("product" or "ghz" or "squeezed" or "optimal") ? "State must be product, ghz, squeezed or optimal."
                    : probe.Spins is < 1 or > 2000 ? "Spins must be 1 to 2000."
                    : probe.State == "optimal" && probe.Spins > 24 ? "The optimal-state search takes at most 24 spins."
                    : !(probe.DephasingRate > 0) ? "The dephasing rate must be above 0."
                    : null;
            default:
                return $"Unknown job kind '{kind}'.";
        }
    }

    /// <summary>Runs a job in the worker process, reporting progress; returns the result as JSON.</summary>
    public static string Run(string kind, string input, IProgress<double> progress)
    {
        var clock = Stopwatch.StartNew();
        switch (kind)
        {
            case Circuit:
                var job = JsonSerializer.Deserialize<CircuitJob>(input, Json)!;
                var circuit = QasmFrontEnd.Parse(job.Source, "job.qasm").Circuit ?? throw new InvalidDataException("The program no longer parses.");
                var result = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = job.Shots, Seed = job.Seed, Progress = progress });
                return ResultJson.Write(result);
            case Probe:
                var probe = JsonSerializer.Deserialize<ProbeJob>(input, Json)!;
                var report = SensorEvaluation.Probe(probe.State, probe.Spins, probe.DephasingRate, progress);
                return JsonSerializer.Serialize(new ProbeJobResult(report.Sensor, report.Quantities, report.Notes, clock.Elapsed.TotalSeconds), Json);
            default:
                throw new InvalidDataException($"Unknown job kind '{kind}'.");
        }
    }
}

/// <summary>Limits per job, from configuration (Hub:Jobs).</summary>
public sealed class JobLimits
{
    public int MaxQubits { get; set; } = 26;

    /// <summary>Seconds of computation a job may take; the worker's start-up is not counted (see <see cref="StartSeconds"/>).</summary>
    public int MaxSeconds { get; set; } = 600;

    /// <summary>Seconds a worker process may take to start and load its job before it is stopped.</summary>
    public int StartSeconds { get; set; } = 60;

    public int MaxMemoryMiB { get; set; } = 2048;

    public long MaxMemoryBytes => (long)MaxMemoryMiB << 20;

    /// <summary>Worker processes at once on this node.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>Submissions per member per minute.</summary>
    public int SubmissionsPerMinute { get; set; } = 10;

    /// <summary>
    /// More environment for the worker processes (Hub:Jobs:WorkerEnvironment:NAME): runtime settings such as
    /// DOTNET_TieredPGO, or a start-up hook. The database and the heap limit are set by the dispatcher and win.
    /// </summary>
    public Dictionary<string, string> WorkerEnvironment { get; set; } = [];

    /// <summary>How many times a job interrupted by a restart is run again before it is failed.</summary>
    public int MaxAttempts { get; set; } = 3;
}
