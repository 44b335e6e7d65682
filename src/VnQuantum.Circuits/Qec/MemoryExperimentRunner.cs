using System.Diagnostics;
using VnQuantum.Circuits.Execution;
using VnQuantum.Simulation.Decoding;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Qec;

/// <summary>The decoded logical error rate of a memory experiment, with how it was obtained.</summary>
public sealed record LogicalErrorEstimate(
    string Experiment,
    int Shots,
    int Failures,
    int Detectors,
    int ErrorMechanisms,
    int MatchingEdges,
    double SamplingSeconds,
    double DecodingSeconds)
{
    /// <summary>Failures / shots.</summary>
    public double Rate => Shots == 0 ? 0 : (double)Failures / Shots;

    /// <summary>The binomial standard error of <see cref="Rate"/>.</summary>
    public double StandardError => Shots == 0 ? 0 : Math.Sqrt(Math.Max(Rate * (1 - Rate), 1.0 / Shots) / Shots);
}

/// <summary>
/// Runs a memory experiment end to end: lower to the stabilizer engine, extract the detector error model, sample
/// detection events with Pauli frames, decode every shot with minimum-weight perfect matching, count logical failures.
/// </summary>
public static class MemoryExperimentRunner
{
    /// <summary>The lowered program of an experiment (detectors, observable and Pauli noise included).</summary>
    public static CliffordProgram Program(MemoryExperiment experiment)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        return CliffordLowering.TryLower(experiment.Circuit, experiment.Noise, out string? why)?.Program
            ?? throw new InvalidOperationException($"A generated memory circuit must lower to the stabilizer engine: {why}");
    }

    public static DetectorErrorModel ErrorModel(MemoryExperiment experiment) => DetectorErrorModel.FromProgram(Program(experiment));

    public static LogicalErrorEstimate Run(MemoryExperiment experiment, int shots, ulong seed, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var program = Program(experiment);
        var model = DetectorErrorModel.FromProgram(program);
        var decoder = new MatchingDecoder(model, 'Z');
        var clock = Stopwatch.StartNew();
        var bits = new PauliFrameSampler(program, seed).SampleDetectors(shots, threads);
        double sampling = clock.Elapsed.TotalSeconds;
        clock.Restart();

        int detectors = program.Detectors.Length;
        int failures = 0;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads <= 0 ? Environment.ProcessorCount : threads };
        Parallel.For(0, shots, options, () => (Events: new bool[detectors], Failures: 0), (s, _, local) =>
        {
            for (int d = 0; d < detectors; d++)
            {
                local.Events[d] = bits[s, d];
            }

            bool predicted = (decoder.Decode(local.Events) & 1) != 0;
            bool actual = bits[s, detectors];
            if (predicted != actual)
            {
                local.Failures++;
            }

            return local;
        }, local => Interlocked.Add(ref failures, local.Failures));
        return new LogicalErrorEstimate(experiment.Name, shots, failures, detectors, model.Errors.Length, decoder.EdgeCount, sampling, clock.Elapsed.TotalSeconds);
    }
}
