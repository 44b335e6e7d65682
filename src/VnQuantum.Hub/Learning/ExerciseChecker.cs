using System.Globalization;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using VnQuantum.Sensing.Sensors;
using VnQuantum.Simulation;

namespace VnQuantum.Hub.Learning;

/// <summary>What the checker found: passed or not, and a sentence (both languages) saying why.</summary>
public sealed record CheckResult(bool Passed, string Feedback, IReadOnlyDictionary<string, int>? Counts = null);

/// <summary>Checks a learner's answer against a reference the pillar libraries compute.</summary>
public static class ExerciseChecker
{
    /// <summary>Shots for circuit exercises: the sampling error of the distance is about 0.01, well inside 0.05.</summary>
    public const int Shots = 4000;

    public const int MaxQubits = 12;

    public static CheckResult Check(Exercise exercise, string? answer, ulong seed = 2026)
    {
        ArgumentNullException.ThrowIfNull(exercise);
        answer ??= string.Empty;
        return exercise.Kind switch
        {
            "circuit" => CheckCircuit(exercise, answer, seed),
            "keyrate" => CheckNumber(answer, DecoyStateBb84.OptimalInfiniteDecoy(Link(exercise.Link)(exercise.DistanceKm ?? 0)).Rate, exercise.Tolerance, "bit/xung · bits per pulse"),

            // The phase QFI of N unentangled spins per shot (t = 1, no dephasing) is N: Δφ = 1/√F.
            "sql" => CheckNumber(answer, 1 / Math.Sqrt(EntangledProbes.FisherPerShot(ProbeState.Product, exercise.Qubits ?? 1, 0, 1)), exercise.Tolerance, "rad"),
            _ => throw new InvalidDataException($"exercise {exercise.Slug}: unknown kind '{exercise.Kind}' (circuit, keyrate or sql)"),
        };
    }

    private static Func<double, QkdLink> Link(string? name) => name switch
    {
        "gys" => QkdLink.Gys,
        "lim2014" => QkdLink.Lim2014,
        "snspd" => QkdLink.Snspd,
        _ => throw new InvalidDataException($"unknown link preset '{name}' (gys, lim2014, snspd)"),
    };

    private static CheckResult CheckCircuit(Exercise exercise, string source, ulong seed)
    {
        var parsed = QasmFrontEnd.Parse(source, "exercise.qasm");
        if (parsed.Circuit is not { } circuit)
        {
            return new(false, parsed.Error!.ToString());
        }

        if (circuit.QubitCount > MaxQubits)
        {
            return new(false, $"Mạch có {circuit.QubitCount} qubit; bài tập nhận tối đa {MaxQubits} · The circuit has {circuit.QubitCount} qubits; exercises take at most {MaxQubits}.");
        }

        IReadOnlyDictionary<string, int> counts;
        try
        {
            counts = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = Shots, Seed = seed }).Counts;
        }
        catch (Exception e) when (e is CircuitExecutionException or StateTooLargeException)
        {
            return new(false, e.Message);
        }

        if (counts.Count == 0)
        {
            return new(false, "Mạch không đo gì · The circuit measures nothing: measure into the classical bits.");
        }

        // Total-variation distance between the sampled and the target distributions.
        var target = exercise.Target ?? throw new InvalidDataException($"exercise {exercise.Slug}: a circuit exercise needs a target");
        double distance = 0.5 * target.Keys.Union(counts.Keys).Sum(k => Math.Abs(counts.GetValueOrDefault(k) / (double)Shots - target.GetValueOrDefault(k)));
        string measured = string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value / (double)Shots:0.000}"));
        return distance <= exercise.Tolerance
            ? new(true, $"Đúng! · Correct! Khoảng cách biến phân toàn phần · total-variation distance {distance:0.000} ≤ {exercise.Tolerance} ({measured}).", counts)
            : new(false, $"Chưa đúng · Not yet: khoảng cách · distance {distance:0.000} > {exercise.Tolerance}. Đo được · Measured {measured}.", counts);
    }

    private static CheckResult CheckNumber(string answer, double reference, double tolerance, string unit)
    {
        // Either decimal mark: "2,09e-4" as written in Vietnamese, "2.09e-4" in English.
        string text = answer.Trim().Replace(" ", string.Empty, StringComparison.Ordinal).Replace(',', '.');
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
        {
            return new(false, "Hãy nhập một số, ví dụ 2,1e-4 · Enter a number, such as 2.1e-4.");
        }

        double error = Math.Abs(value - reference) / Math.Abs(reference);
        return error <= tolerance
            ? new(true, $"Đúng! · Correct! {value:G4} {unit}, sai lệch · off by {error:P1} (≤ {tolerance:P0}).")
            : new(false, $"Chưa đúng · Not yet: {value:G4} {unit} lệch · is off by {error:P0}; cần trong khoảng · needs to be within {tolerance:P0}.");
    }
}
