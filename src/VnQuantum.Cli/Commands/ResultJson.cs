using System.Text;
using System.Text.Json;
using VnQuantum.Circuits.Execution;

namespace VnQuantum.Cli.Commands;

/// <summary>The JSON form of a result: counts, optional statevector ([re, im] pairs) and probabilities, metadata.</summary>
internal static class ResultJson
{
    public static string Write(ExecutionResult result)
    {
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
}
