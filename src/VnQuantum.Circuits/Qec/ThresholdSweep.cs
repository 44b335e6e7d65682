namespace VnQuantum.Circuits.Qec;

/// <summary>The memory-experiment codes by the names commands and pages spell them.</summary>
public static class MemoryCodes
{
    /// <summary>surface (rotated, memory Z) and repetition.</summary>
    public static IReadOnlyList<string> Names { get; } = ["surface", "repetition"];

    /// <summary>The largest distance generated: d = 51 has 5,201 qubits and about 1.5 × 10^6 operations at 51 rounds.</summary>
    public const int MaxDistance = 51;

    /// <summary>The most rounds generated.</summary>
    public const int MaxRounds = 1000;

    /// <summary>The memory experiment of code <paramref name="code"/> at a distance, rounds (default: the distance) and circuit-level error probability.</summary>
    /// <exception cref="ArgumentException">An unknown code; the message lists the known ones.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A distance, round count or probability the generator cannot take.</exception>
    public static MemoryExperiment Create(string code, int distance, int? rounds, double p) => distance > MaxDistance || rounds > MaxRounds
        ? throw new ArgumentOutOfRangeException(nameof(distance), distance, $"distances up to {MaxDistance} and rounds up to {MaxRounds} are generated here (a larger circuit would not fit in memory to be sampled)")
        : code switch
        {
            "surface" => MemoryCircuits.RotatedSurfaceCode(distance, rounds ?? distance, p),
            "repetition" => MemoryCircuits.RepetitionCode(distance, rounds ?? distance, p),
            _ => throw new ArgumentException($"unknown code '{code}' (known: {string.Join(", ", Names)})", nameof(code)),
        };
}

/// <summary>One point of a threshold sweep: a distance, a physical error probability and the decoded logical error rate.</summary>
public sealed record ThresholdPoint(int Distance, double PhysicalErrorRate, LogicalErrorEstimate Estimate);

/// <summary>Where the logical error rates of two distances cross: below it the larger code is better.</summary>
/// <param name="PhysicalErrorRate">The crossing, interpolated linearly in log p between the two sampled probabilities that bracket it.</param>
public sealed record ThresholdCrossing(int SmallerDistance, int LargerDistance, double PhysicalErrorRate);

/// <summary>A threshold sweep: every distance at every probability, with the crossings between consecutive distances.</summary>
public sealed record ThresholdSweepResult(string Code, int Shots, ulong Seed, IReadOnlyList<ThresholdPoint> Points, IReadOnlyList<ThresholdCrossing> Crossings);

/// <summary>
/// The threshold experiment: decoded memory experiments (rounds = distance, circuit-level depolarizing noise, MWPM) at
/// several distances and physical error probabilities. Where the lines of logical against physical error rate cross
/// is the threshold; the CLI's <c>qec threshold</c> runs this, on the engine of <c>qec collect</c> (<see cref="QecCollection"/>).
/// </summary>
public static class ThresholdSweep
{
    /// <summary>
    /// Runs every (distance, probability) point through <see cref="QecCollection"/>: <paramref name="shots"/> per point,
    /// or fewer where <paramref name="maxErrors"/> logical errors come first. Points are listed in order of probability
    /// then distance; the same seed gives the same table on any thread count.
    /// </summary>
    /// <param name="progress">Reports the fraction of the sweep done.</param>
    /// <exception cref="ArgumentException">An unknown code, or a distance or probability the generator refuses.</exception>
    public static ThresholdSweepResult Run(string code, IReadOnlyList<int> distances, IReadOnlyList<double> probabilities, int shots, ulong seed, int threads = 0, IProgress<double>? progress = null, CancellationToken cancel = default, long? maxErrors = null)
    {
        ArgumentNullException.ThrowIfNull(distances);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shots);

        // Build every experiment first, so that a bad distance fails before any shot is spent.
        var experiments = probabilities.SelectMany(p => distances.Select(d => MemoryCodes.Create(code, d, null, p))).ToList();
        var tasks = experiments.Select(e => DecodingTask.FromMemoryExperiment(e, code)).ToList();
        var fractions = new double[tasks.Count];
        var report = progress is null ? null : new SynchronousProgress<CollectionProgress>(p =>
        {
            fractions[p.TaskIndex] = p.Fraction;
            progress.Report(fractions.Average());
        });
        var collected = QecCollection.Collect(tasks, new CollectionOptions(shots, maxErrors, threads, seed), progress: report, cancel: cancel);
        cancel.ThrowIfCancellationRequested();
        var points = experiments.Zip(collected, (e, c) => new ThresholdPoint(e.Distance, e.Probability, new LogicalErrorEstimate(
            e.Name, (int)c.Stats.Shots, (int)c.Stats.Errors, c.Task.Program.Detectors.Length,
            c.Task.Model.Errors.Length, c.GraphEdges, c.SamplingSeconds, c.DecodingSeconds))).ToList();
        return new ThresholdSweepResult(code, shots, seed, points, Crossings(points));
    }

    /// <summary>
    /// For each pair of consecutive distances, the probability where the larger code stops being better: the first
    /// sampled interval over which the sign of rate(larger) − rate(smaller) turns from negative to positive.
    /// A pair whose lines do not cross within the sampled probabilities has no entry.
    /// </summary>
    public static IReadOnlyList<ThresholdCrossing> Crossings(IReadOnlyList<ThresholdPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var distances = points.Select(p => p.Distance).Distinct().Order().ToList();
        var result = new List<ThresholdCrossing>();
        for (int i = 1; i < distances.Count; i++)
        {
            var small = points.Where(p => p.Distance == distances[i - 1]).ToDictionary(p => p.PhysicalErrorRate, p => p.Estimate.Rate);
            var large = points.Where(p => p.Distance == distances[i]).ToDictionary(p => p.PhysicalErrorRate, p => p.Estimate.Rate);
            var ps = small.Keys.Intersect(large.Keys).Order().ToList();
            for (int k = 1; k < ps.Count; k++)
            {
                double before = large[ps[k - 1]] - small[ps[k - 1]], after = large[ps[k]] - small[ps[k]];
                if (before < 0 && after >= 0)
                {
                    double t = before / (before - after);
                    double logP = Math.Log(ps[k - 1]) + (t * (Math.Log(ps[k]) - Math.Log(ps[k - 1])));
                    result.Add(new ThresholdCrossing(distances[i - 1], distances[i], Math.Exp(logP)));
                    break;
                }
            }
        }

        return result;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (the collection reports under its lock).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
