using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace VnQuantum.Simulation.Stabilizer;

/// <summary>One independent error mechanism: with probability <see cref="Probability"/> it flips these detectors and observables.</summary>
public sealed record DetectorError(double Probability, ImmutableArray<int> Detectors, ulong ObservableMask);

/// <summary>
/// The detector error model of a noisy Clifford program, as Stim's <c>detector_error_model</c>: every Pauli of every
/// noise channel and every readout flip is an error mechanism; its effect on the detectors and observables is found
/// by propagating it through the rest of the circuit as a Pauli frame (4,096 mechanisms at a time, one per lane);
/// mechanisms with the same effect are merged (p = p₁ + p₂ − 2p₁p₂). Each Pauli of a channel is treated as its own
/// independent mechanism, as Stim does for small probabilities.
/// </summary>
/// <remarks>Noise inside a classically controlled block is not included (the QEC circuits this serves have none).</remarks>
public sealed class DetectorErrorModel
{
    private DetectorErrorModel(int detectorCount, int observableCount, ImmutableArray<DetectorError> errors, ImmutableArray<DetectorDefinition> detectors)
    {
        DetectorCount = detectorCount;
        ObservableCount = observableCount;
        Errors = errors;
        DetectorDefinitions = detectors;
    }

    public int DetectorCount { get; }

    public int ObservableCount { get; }

    public ImmutableArray<DetectorError> Errors { get; }

    /// <summary>The detectors the model refers to, with their coordinates and bases.</summary>
    public ImmutableArray<DetectorDefinition> DetectorDefinitions { get; }

    /// <exception cref="ArgumentException">The program has more than 64 observables, or feedback frames cannot take.</exception>
    public static DetectorErrorModel FromProgram(CliffordProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Observables.Length > 64)
        {
            throw new ArgumentException("At most 64 observables.", nameof(program));
        }

        var sampler = new PauliFrameSampler(program, 0);
        var mechanisms = new List<(int Instruction, int Pauli, double Probability)>();
        for (int i = 0; i < program.Instructions.Length; i++)
        {
            var op = program.Instructions[i];
            if (op.Kind == CliffordKind.PauliChannel)
            {
                for (int k = 1; k < op.Probabilities.Length; k++)
                {
                    if (op.Probabilities[k] > 0)
                    {
                        mechanisms.Add((i, k, op.Probabilities[k]));
                    }
                }
            }
            else if (op.Kind == CliffordKind.Measure && (op.FlipZeroToOne > 0 || op.FlipOneToZero > 0))
            {
                // A symmetric flip in the model; an asymmetric readout error enters with its mean.
                mechanisms.Add((i, -1, (op.FlipZeroToOne + op.FlipOneToZero) / 2));
            }
        }

        var merged = new Dictionary<string, (double P, ImmutableArray<int> Detectors, ulong Observables)>(StringComparer.Ordinal);
        for (int start = 0; start < mechanisms.Count; start += PauliFrameSampler.BatchShots)
        {
            int count = Math.Min(PauliFrameSampler.BatchShots, mechanisms.Count - start);
            var injections = new List<(int Lane, int Pauli)>?[program.Instructions.Length];
            for (int lane = 0; lane < count; lane++)
            {
                var (instruction, pauli, _) = mechanisms[start + lane];
                (injections[instruction] ??= []).Add((lane, pauli));
            }

            var (detectors, observables) = sampler.Propagate(injections);
            for (int lane = 0; lane < count; lane++)
            {
                int word = lane >> 6;
                ulong bit = 1UL << (lane & 63);
                var flipped = ImmutableArray.CreateBuilder<int>();
                for (int d = 0; d < detectors.Length; d++)
                {
                    if ((detectors[d][word] & bit) != 0)
                    {
                        flipped.Add(d);
                    }
                }

                ulong mask = 0;
                for (int o = 0; o < observables.Length; o++)
                {
                    if ((observables[o][word] & bit) != 0)
                    {
                        mask |= 1UL << o;
                    }
                }

                if (flipped.Count == 0 && mask == 0)
                {
                    continue;
                }

                var set = flipped.ToImmutable();
                string key = string.Join(",", set) + "|" + mask.ToString(CultureInfo.InvariantCulture);
                double p = mechanisms[start + lane].Probability;
                merged[key] = merged.TryGetValue(key, out var existing)
                    ? (existing.P + p - (2 * existing.P * p), set, mask)
                    : (p, set, mask);
            }
        }

        var errors = merged.Values
            .OrderBy(e => e.Detectors.Length == 0 ? int.MaxValue : e.Detectors[0])
            .ThenBy(e => string.Join(",", e.Detectors), StringComparer.Ordinal)
            .ThenBy(e => e.Observables)
            .Select(e => new DetectorError(e.P, e.Detectors, e.Observables))
            .ToImmutableArray();
        return new DetectorErrorModel(program.Detectors.Length, program.Observables.Length, errors, program.Detectors);
    }

    /// <summary>The model in Stim's text format (<c>error(p) D0 D3 L0</c>, one mechanism per line).</summary>
    public string ToStimText()
    {
        var text = new StringBuilder();
        foreach (var e in Errors)
        {
            text.Append("error(").Append(e.Probability.ToString("R", CultureInfo.InvariantCulture)).Append(')');
            foreach (int d in e.Detectors)
            {
                text.Append(" D").Append(d.ToString(CultureInfo.InvariantCulture));
            }

            for (int o = 0; o < 64; o++)
            {
                if ((e.ObservableMask & (1UL << o)) != 0)
                {
                    text.Append(" L").Append(o.ToString(CultureInfo.InvariantCulture));
                }
            }

            text.Append('\n');
        }

        for (int d = 0; d < DetectorDefinitions.Length; d++)
        {
            var coordinates = DetectorDefinitions[d].Coordinates;
            if (!coordinates.IsEmpty)
            {
                text.Append("detector(").Append(string.Join(", ", coordinates.Select(c => c.ToString("R", CultureInfo.InvariantCulture))))
                    .Append(") D").Append(d.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return text.ToString();
    }
}
