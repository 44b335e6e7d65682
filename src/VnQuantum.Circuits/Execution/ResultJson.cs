using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace VnQuantum.Circuits.Execution;

/// <summary>
/// The one JSON form of a circuit run (docs/cli.md): <c>counts</c>, optional <c>statevector</c> ([re, im] pairs) and
/// <c>probabilities</c>, and <c>metadata</c> (seed, method and why, sizes, timings). <c>vnq run --format json</c> writes
/// it, the hub's jobs store it, and both read it back with <see cref="Read"/>.
/// </summary>
public static class ResultJson
{
    /// <summary>The JSON of <paramref name="result"/>, indented.</summary>
    public static string Write(ExecutionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartObject("counts");
            foreach (var (key, count) in result.Counts.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                json.WriteNumber(key, count);
            }

            json.WriteEndObject();
            if (result.Statevector is { } amplitudes)
            {
                json.WriteStartArray("statevector");
                foreach (var a in amplitudes)
                {
                    json.WriteStartArray();
                    json.WriteNumberValue(a.Real);
                    json.WriteNumberValue(a.Imaginary);
                    json.WriteEndArray();
                }

                json.WriteEndArray();
            }

            if (result.Probabilities is { } probabilities)
            {
                json.WriteStartArray("probabilities");
                foreach (double p in probabilities)
                {
                    json.WriteNumberValue(p);
                }

                json.WriteEndArray();
            }

            var m = result.Metadata;
            json.WriteStartObject("metadata");
            json.WriteNumber("seed", m.Seed);
            json.WriteString("method", m.Method);
            json.WriteString("method_reason", m.MethodReason);
            json.WriteNumber("qubits", m.Qubits);
            json.WriteNumber("clbits", m.Clbits);
            json.WriteNumber("shots", m.Shots);
            json.WriteNumber("threads", m.Threads);
            json.WriteString("precision", m.Precision);
            json.WriteNumber("fusion_max_qubits", m.FusionMaxQubits);
            json.WriteNumber("operations", m.OperationCount);
            json.WriteNumber("executed_operations", m.ExecutedOperationCount);
            json.WriteBoolean("sampled_from_final_state", m.SampledFromFinalState);
            if (m.DiscardedWeight is { } discarded)
            {
                json.WriteNumber("discarded_weight", discarded);
            }

            if (m.LargestBond is { } bond)
            {
                json.WriteNumber("largest_bond", bond);
            }

            json.WriteStartObject("timings_ms");
            json.WriteNumber("fusion", Math.Round(m.FusionMilliseconds, 3));
            json.WriteNumber("simulation", Math.Round(m.SimulationMilliseconds, 3));
            json.WriteNumber("sampling", Math.Round(m.SamplingMilliseconds, 3));
            json.WriteEndObject();
            json.WriteString("version", m.Version);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>A result read back from <see cref="Write"/>'s JSON.</summary>
    /// <exception cref="JsonException">Not JSON.</exception>
    /// <exception cref="FormatException">JSON without the counts or metadata of a result; the message names the field.</exception>
    public static ExecutionResult Read(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("a result is a JSON object");
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var p in Field(root, "counts", JsonValueKind.Object).EnumerateObject())
        {
            counts[p.Name] = p.Value.GetInt32();
        }

        Complex[]? statevector = root.TryGetProperty("statevector", out var sv)
            ? [.. sv.EnumerateArray().Select(a => new Complex(a[0].GetDouble(), a[1].GetDouble()))]
            : null;
        double[]? probabilities = root.TryGetProperty("probabilities", out var pr) ? [.. pr.EnumerateArray().Select(p => p.GetDouble())] : null;
        var m = Field(root, "metadata", JsonValueKind.Object);
        var timings = Field(m, "timings_ms", JsonValueKind.Object);
        var metadata = new ExecutionMetadata(
            Field(m, "seed", JsonValueKind.Number).GetUInt64(),
            Field(m, "method", JsonValueKind.String).GetString()!,
            Field(m, "qubits", JsonValueKind.Number).GetInt32(),
            Field(m, "clbits", JsonValueKind.Number).GetInt32(),
            Field(m, "shots", JsonValueKind.Number).GetInt32(),
            Field(m, "threads", JsonValueKind.Number).GetInt32(),
            Field(m, "precision", JsonValueKind.String).GetString()!,
            Field(m, "fusion_max_qubits", JsonValueKind.Number).GetInt32(),
            Field(m, "operations", JsonValueKind.Number).GetInt32(),
            Field(m, "executed_operations", JsonValueKind.Number).GetInt32(),
            m.TryGetProperty("sampled_from_final_state", out var sampled) && sampled.GetBoolean(),
            Field(timings, "fusion", JsonValueKind.Number).GetDouble(),
            Field(timings, "simulation", JsonValueKind.Number).GetDouble(),
            Field(timings, "sampling", JsonValueKind.Number).GetDouble(),
            Field(m, "version", JsonValueKind.String).GetString()!)
        {
            MethodReason = m.TryGetProperty("method_reason", out var reason) ? reason.GetString() ?? string.Empty : string.Empty,
            DiscardedWeight = m.TryGetProperty("discarded_weight", out var discarded) ? discarded.GetDouble() : null,
            LargestBond = m.TryGetProperty("largest_bond", out var bond) ? bond.GetInt32() : null,
        };
        return new ExecutionResult(counts, statevector, probabilities, metadata);
    }

    private static JsonElement Field(JsonElement parent, string name, JsonValueKind kind) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == kind
            ? value
            : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"a result needs '{name}' ({kind.ToString().ToLowerInvariant()})"));
}
