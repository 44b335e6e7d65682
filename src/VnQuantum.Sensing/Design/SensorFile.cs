using System.Globalization;
using System.Text.Json;
using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Sensing.Design;

/// <summary>A sensor file that cannot be used: the message names the file and the field (or line and column).</summary>
public sealed class SensorFileException(string message) : Exception(message);

/// <summary>
/// A whole sensor design in one JSON file, with explicit units (<c>"t2star": "2 us"</c>): <c>"sensor"</c> is ramsey, nv,
/// clock or probe, and the other fields are that sensor's. A missing unit, an unknown unit, an unknown field (a typo)
/// or a value out of range is an error naming the field. See docs/sensing.md for every field.
/// </summary>
public static class SensorFile
{
    private static readonly Dictionary<string, string[]> Fields = new(StringComparer.Ordinal)
    {
        ["ramsey"] = ["sensor", "t2star", "stretch", "contrast", "deadTime", "spins", "gyromagnetic"],
        ["nv"] = ["sensor", "mode", "spins", "t2star", "t2", "contrast", "photonsPerReadout", "stretch", "initialisation", "readout", "linewidth", "photonRate", "isotope", "field", "interrogation", "acFrequency", "bathCorrelation", "maxPulses"],
        ["clock"] = ["sensor", "frequency", "interrogation", "atoms", "cycle", "lineShape", "simulateCycles", "seed"],
        ["probe"] = ["sensor", "state", "spins", "dephasing"],
    };

    /// <summary>Reads and evaluates the design in <paramref name="json"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="SensorFileException">The file is not valid JSON or a field is missing or wrong.</exception>
    public static SensorResult Evaluate(string json, string source, IProgress<double>? progress = null)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new SensorFileException($"{source}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON: {e.Message.Split(" LineNumber")[0]}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new SensorFileException($"{source}: the design must be a JSON object with a \"sensor\" field");
            }

            var reader = new Reader(root, source);
            string sensor = reader.Text("sensor", null, [.. Fields.Keys]);
            foreach (var property in root.EnumerateObject())
            {
                if (!Fields[sensor].Contains(property.Name, StringComparer.Ordinal))
                {
                    throw new SensorFileException($"{source}: {property.Name}: not a field of a {sensor} sensor (fields: {string.Join(", ", Fields[sensor].Skip(1))})");
                }
            }

            try
            {
                return sensor switch
                {
                    "ramsey" => SensorEvaluation.Ramsey(
                        new RamseySensor(reader.Time("t2star"), reader.Number("stretch", 1), reader.Number("contrast", 1), reader.Time("deadTime", 0), reader.Number("spins", 1)),
                        reader.Has("gyromagnetic") ? reader.Number("gyromagnetic", 0) : null),
                    "nv" => SensorEvaluation.Nv(new NvRequest(
                        reader.Text("mode", "ramsey", ["ramsey", "echo", "cw", "vector", "ac"]),
                        reader.Number("spins", 1),
                        reader.Has("t2star") ? reader.Time("t2star") : null,
                        reader.Has("t2") ? reader.Time("t2") : null,
                        reader.Number("contrast", 0.3),
                        reader.Number("photonsPerReadout", 0.1),
                        reader.Number("stretch", 1),
                        reader.Time("initialisation", 0),
                        reader.Time("readout", 0),
                        reader.Has("linewidth") ? reader.Frequency("linewidth") : null,
                        reader.Has("photonRate") ? reader.Rate("photonRate") : null,
                        reader.Text("isotope", "n14", ["none", "n14", "n15"]) switch { "none" => NitrogenIsotope.None, "n15" => NitrogenIsotope.N15, _ => NitrogenIsotope.N14 },
                        reader.Has("field") ? reader.FieldVector("field") : null,
                        reader.Has("interrogation") ? reader.Time("interrogation") : null,
                        reader.Has("acFrequency") ? reader.Frequency("acFrequency") : null,
                        reader.Has("bathCorrelation") ? reader.Time("bathCorrelation") : null,
                        (int)reader.Number("maxPulses", 256))),
                    "clock" => SensorEvaluation.Clock(
                        new AtomicClockSettings(
                            reader.Frequency("frequency"),
                            reader.Time("interrogation"),
                            reader.Number("atoms", double.NaN),
                            reader.Time("cycle"),
                            reader.Text("lineShape", "ramsey", ["ramsey", "rabi"]) == "rabi" ? ClockInterrogation.Rabi : ClockInterrogation.Ramsey),
                        (int)reader.Number("simulateCycles", 0),
                        (int)reader.Number("seed", 1)),
                    _ => SensorEvaluation.Probe(reader.Text("state", "ghz", ["product", "ghz", "squeezed", "optimal"]), (int)reader.Number("spins", double.NaN), reader.Rate("dephasing"), progress),
                };
            }
            catch (ArgumentException e)
            {
                throw new SensorFileException($"{source}: {e.Message}");
            }
        }
    }

    private sealed class Reader(JsonElement root, string source)
    {
        public bool Has(string name) => root.TryGetProperty(name, out _);

        public string Text(string name, string? fallback, string[] allowed)
        {
            if (!root.TryGetProperty(name, out var value))
            {
                return fallback ?? throw Error(name, $"missing (one of {string.Join(", ", allowed)})");
            }

            string? text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return text is not null && allowed.Contains(text, StringComparer.Ordinal)
                ? text
                : throw Error(name, $"'{value}' is not one of {string.Join(", ", allowed)}");
        }

        public double Number(string name, double fallback)
        {
            if (!root.TryGetProperty(name, out var value))
            {
                return double.IsNaN(fallback) ? throw Error(name, "missing") : fallback;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double number) && double.IsFinite(number)
                ? number
                : throw Error(name, $"'{value}' is not a number");
        }

        public double Time(string name, double? fallback = null) => Quantity(name, fallback, Units.Seconds);

        public double Rate(string name) => Quantity(name, null, Units.PerSecond);

        public double Frequency(string name) => Quantity(name, null, Units.Hertz);

        /// <summary>A field vector "[bx, by, bz]" of strings with units, e.g. ["0 uT", "0 uT", "10 uT"].</summary>
        public double[] FieldVector(string name)
        {
            var value = root.GetProperty(name);
            if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 3)
            {
                throw Error(name, "must be three components with units, e.g. [\"0 uT\", \"0 uT\", \"10 uT\"]");
            }

            var field = new double[3];
            int i = 0;
            foreach (var component in value.EnumerateArray())
            {
                string label = string.Create(CultureInfo.InvariantCulture, $"{name}[{i}]");
                if (component.ValueKind != JsonValueKind.String)
                {
                    throw Error(label, $"{component} has no unit; write it as a string, e.g. \"10 uT\"");
                }

                try
                {
                    field[i++] = Units.Tesla(component.GetString()!, label);
                }
                catch (FormatException e)
                {
                    throw new SensorFileException($"{source}: {e.Message}");
                }
            }

            return field;
        }

        private double Quantity(string name, double? fallback, Func<string, string, double> parse)
        {
            if (!root.TryGetProperty(name, out var value))
            {
                return fallback ?? throw Error(name, "missing");
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw Error(name, $"{value} has no unit; write it as a string with its unit, e.g. \"2 us\"");
            }

            try
            {
                return parse(value.GetString()!, name);
            }
            catch (FormatException e)
            {
                throw new SensorFileException($"{source}: {e.Message}");
            }
        }

        private SensorFileException Error(string name, string problem) => new($"{source}: {name}: {problem}");
    }
}
