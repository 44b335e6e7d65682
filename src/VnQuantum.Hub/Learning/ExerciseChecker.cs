using System.Globalization;
using Microsoft.Extensions.Localization;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using VnQuantum.Sensing.Sensors;
using VnQuantum.Simulation;

namespace VnQuantum.Hub.Learning;

/// <summary>What the checker found: passed or not, and a sentence (in the reader's language) saying why.</summary>
public sealed record CheckResult(bool Passed, string Feedback, IReadOnlyDictionary<string, int>? Counts = null);

/// <summary>Checks a learner's answer against a reference the pillar libraries compute.</summary>
public static class ExerciseChecker
{
    /// <summary>Shots for circuit exercises: the sampling error of the distance is about 0.01, well inside 0.05.</summary>
    public const int Shots = 4000;

    public const int MaxQubits = 12;

    /// <summary>Checks <paramref name="answer"/>; the feedback comes from <paramref name="text"/>, in the current UI culture.</summary>
    /// <param name="cancel">Stops a circuit answer's compile and run (the page's deadline); throws <see cref="OperationCanceledException"/>.</param>
    public static CheckResult Check(Exercise exercise, string? answer, IStringLocalizer text, ulong seed = 2026, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(exercise);
        ArgumentNullException.ThrowIfNull(text);
        answer ??= string.Empty;
        return exercise.Kind switch
        {
            "circuit" => CheckCircuit(exercise, answer, text, seed, cancel),
            "keyrate" => CheckNumber(answer, DecoyStateBb84.OptimalInfiniteDecoy(Link(exercise.Link)(exercise.DistanceKm ?? 0)).Rate, exercise.Tolerance, text["learn.unit.bitsperpulse"], text),

            // The phase QFI of N unentangled spins per shot (t = 1, no dephasing) is N: Δφ = 1/√F.
            "sql" => CheckNumber(answer, 1 / Math.Sqrt(EntangledProbes.FisherPerShot(ProbeState.Product, exercise.Qubits ?? 1, 0, 1)), exercise.Tolerance, "rad", text),
            _ => throw new InvalidDataException($"exercise {exercise.Slug}: unknown kind '{exercise.Kind}' (circuit, keyrate or sql)"),
        };
    }

    private static Func<double, QkdLink> Link(string? name) =>
        LinkPresets.IsKnown(name) ? LinkPresets.Find(name).Create : throw new InvalidDataException(LinkPresets.UnknownMessage(name));

    private static CheckResult CheckCircuit(Exercise exercise, string source, IStringLocalizer text, ulong seed, CancellationToken cancel)
    {
        var parsed = QasmFrontEnd.Parse(source, "exercise.qasm", cancel: cancel);
        if (parsed.Circuit is not { } circuit)
        {
            return new(false, parsed.Error!.ToString());
        }

        if (circuit.QubitCount > MaxQubits)
        {
            return new(false, text["learn.check.qubits", circuit.QubitCount, MaxQubits]);
        }

        IReadOnlyDictionary<string, int> counts;
        try
        {
            counts = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = Shots, Seed = seed, Cancellation = cancel }).Counts;
        }
        catch (Exception e) when (e is CircuitExecutionException or StateTooLargeException)
        {
            return new(false, e.Message);
        }

        if (counts.Count == 0)
        {
            return new(false, text["learn.check.nomeasure"]);
        }

        // Total-variation distance between the sampled and the target distributions.
        var target = exercise.Target ?? throw new InvalidDataException($"exercise {exercise.Slug}: a circuit exercise needs a target");
        double distance = 0.5 * target.Keys.Union(counts.Keys).Sum(k => Math.Abs(counts.GetValueOrDefault(k) / (double)Shots - target.GetValueOrDefault(k)));
        string measured = string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value / (double)Shots:0.000}"));
        return distance <= exercise.Tolerance
            ? new(true, text["learn.check.circuit.pass", distance, exercise.Tolerance, measured], counts)
            : new(false, text["learn.check.circuit.fail", distance, exercise.Tolerance, measured], counts);
    }

    private static CheckResult CheckNumber(string answer, double reference, double tolerance, string unit, IStringLocalizer text)
    {
        // Either decimal mark: "2,09e-4" as written in Vietnamese, "2.09e-4" in English.
        string number = answer.Trim().Replace(" ", string.Empty, StringComparison.Ordinal).Replace(',', '.');
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            return new(false, text["learn.check.nan"]);
        }

        double error = Math.Abs(value - reference) / Math.Abs(reference);
        return error <= tolerance
            ? new(true, text["learn.check.number.pass", value, unit, error, tolerance])
            : new(false, text["learn.check.number.fail", value, unit, error, tolerance]);
    }
}
