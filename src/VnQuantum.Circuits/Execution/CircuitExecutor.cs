using System.Diagnostics;
using System.Reflection;
using System.Text;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Passes;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Execution;

/// <summary>
/// Runs a circuit on the state-vector engine. When every measurement is terminal and nothing is conditioned or
/// reset, the circuit is simulated once and all shots are sampled from the final state; otherwise each shot is a
/// trajectory with mid-circuit collapse. One seeded generator drives everything, so a seed fixes the counts on any
/// thread count.
/// </summary>
public static class CircuitExecutor
{
    /// <summary>Above this many qubits the state and the probabilities are not returned as arrays.</summary>
    public const int MaxQubitsForArrays = 27;

    public static string Version { get; } =
        typeof(CircuitExecutor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <exception cref="CircuitExecutionException">The circuit has an opaque gate, no qubits, or more than the engine holds.</exception>
    /// <exception cref="StateTooLargeException">The state does not fit in memory; the message says how much it needs.</exception>
    public static ExecutionResult Run(Circuit circuit, ExecutionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        options ??= new ExecutionOptions();
        options.Validate();
        if (circuit.QubitCount == 0)
        {
            throw new CircuitExecutionException("the program declares no qubits");
        }

        if (circuit.QubitCount > StateVector.MaxQubits)
        {
            throw new CircuitExecutionException($"the program has {circuit.QubitCount} qubits; the state-vector method holds at most {StateVector.MaxQubits}");
        }

        if ((options.IncludeStatevector || options.IncludeProbabilities) && circuit.QubitCount > MaxQubitsForArrays)
        {
            throw new CircuitExecutionException($"the state of {circuit.QubitCount} qubits is too large to return; the state vector and probabilities are offered up to {MaxQubitsForArrays} qubits");
        }

        StateVector.EnsureFits(circuit.QubitCount, options.Precision);
        ulong seed = options.Seed ?? (ulong)Random.Shared.NextInt64();
        var random = new SeededRandom(seed);

        var clock = Stopwatch.StartNew();
        var fused = GateFusion.Fuse(circuit, options.FusionMaxQubits);
        var compiled = fused.Operations.Select(op => CompiledOperation.Compile(op, circuit)).ToList();
        double fusionMs = clock.Elapsed.TotalMilliseconds;

        bool sampleFinal = circuit.HasOnlyTerminalMeasurements();
        using var state = StateVector.Create(circuit.QubitCount, options.Precision, options.Threads, options.KernelPath);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        double simulationMs, samplingMs;

        if (sampleFinal)
        {
            clock.Restart();
            var measurements = new List<MeasureOperation>();
            for (int i = 0; i < compiled.Count; i++)
            {
                if (compiled[i].Source is MeasureOperation m)
                {
                    measurements.Add(m);
                }
                else
                {
                    compiled[i].ApplyUnitary(state);
                }

                ReportEvery(options.Progress, i, compiled.Count);
            }

            simulationMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            if (measurements.Count > 0 && circuit.ClbitCount > 0)
            {
                var byIndex = new Dictionary<long, int>();
                foreach (long index in state.Sample(options.Shots, random))
                {
                    byIndex[index] = byIndex.GetValueOrDefault(index) + 1;
                }

                var clbits = new bool[circuit.ClbitCount];
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
            }

            samplingMs = clock.Elapsed.TotalMilliseconds;
        }
        else
        {
            clock.Restart();
            var clbits = new bool[circuit.ClbitCount];
            int shots = Math.Max(options.Shots, 1);
            for (int shot = 0; shot < shots; shot++)
            {
                state.SetBasisState(0);
                Array.Clear(clbits);
                RunTrajectory(compiled, state, clbits, random);
                if (options.Shots > 0 && circuit.ClbitCount > 0)
                {
                    string key = CountsKey(circuit, clbits);
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }

                ReportEvery(options.Progress, shot, shots);
            }

            simulationMs = clock.Elapsed.TotalMilliseconds;
            samplingMs = 0;
        }

        options.Progress?.Report(1.0);
        var statevector = options.IncludeStatevector ? state.ToArray() : null;
        var probabilities = options.IncludeProbabilities ? state.Probabilities() : null;
        var metadata = new ExecutionMetadata(
            seed,
            "statevector",
            circuit.QubitCount,
            circuit.ClbitCount,
            options.Shots,
            state.Threads,
            options.Precision.ToString().ToLowerInvariant(),
            options.FusionMaxQubits,
            circuit.Operations.Length,
            compiled.Count,
            sampleFinal,
            fusionMs,
            simulationMs,
            samplingMs,
            Version);
        return new ExecutionResult(counts, statevector, probabilities, metadata);
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

    private static void RunTrajectory(List<CompiledOperation> compiled, StateVector state, bool[] clbits, SeededRandom random)
    {
        foreach (var op in compiled)
        {
            if (op.Source.Condition is { } condition && !Holds(condition, clbits))
            {
                continue;
            }

            switch (op.Source)
            {
                case MeasureOperation m:
                    clbits[m.Clbit] = state.Measure(m.Qubit, random) == 1;
                    break;
                case ResetOperation r:
                    state.ResetQubit(r.Qubit, random);
                    break;
                default:
                    op.ApplyUnitary(state);
                    break;
            }
        }
    }

    private static bool Holds(Condition condition, bool[] clbits)
    {
        ulong value = 0;
        for (int b = 0; b < condition.Register.Size; b++)
        {
            if (clbits[condition.Register.Offset + b])
            {
                value |= 1UL << b;
            }
        }

        return value == condition.Value;
    }

    private static void ReportEvery(IProgress<double>? progress, int done, int total)
    {
        if (progress is not null && done % Math.Max(1, total / 200) == 0)
        {
            progress.Report((double)done / total);
        }
    }
}
