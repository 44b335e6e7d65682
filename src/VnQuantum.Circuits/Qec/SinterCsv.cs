using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VnQuantum.Circuits.Qec;

/// <summary>
/// Statistics of one decoding task, or of one batch of it, as a row of sinter's CSV: shots, shots decoded wrongly,
/// shots discarded, seconds spent, the decoder, the task's strong id and its JSON metadata.
/// </summary>
/// <param name="JsonMetadata">Canonical JSON text (keys sorted, no spaces), <c>null</c> when the task has none.</param>
public sealed record TaskStats(string StrongId, string Decoder, string JsonMetadata, long Shots, long Errors, long Discards, double Seconds)
{
    /// <summary>Rows of the same task add up, as sinter combines them.</summary>
    public static TaskStats operator +(TaskStats a, TaskStats b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.StrongId != b.StrongId)
        {
            throw new ArgumentException($"Rows of different tasks do not add: {a.StrongId} and {b.StrongId}.", nameof(b));
        }

        return a with { Shots = a.Shots + b.Shots, Errors = a.Errors + b.Errors, Discards = a.Discards + b.Discards, Seconds = a.Seconds + b.Seconds };
    }

    /// <summary>The metadata parsed (a JSON object for the tasks this tool makes), or null.</summary>
    public JsonNode? Metadata => JsonNode.Parse(JsonMetadata);

    /// <summary>Errors / (shots − discards), the logical error rate per shot.</summary>
    public double ErrorRate => Shots - Discards <= 0 ? 0 : (double)Errors / (Shots - Discards);

    /// <summary>The range of error rates sinter's plots draw: likelihood within a factor of the best fit's (sinter's default 1000).</summary>
    public BinomialFit Fit(double maxLikelihoodFactor = 1000) => BinomialFit.Of(Shots - Discards, Errors, maxLikelihoodFactor);
}

/// <summary>
/// Sinter's CSV layout (its <c>CSV_HEADER</c> and <c>TaskStats.to_csv_line</c>): right-aligned counts, one row per
/// batch, rows of one strong id summed when read. Sinter reads the files this writes, and this reads sinter's.
/// </summary>
public static class SinterCsv
{
    /// <summary>Sinter's header line, padding included.</summary>
    public const string Header = "     shots,    errors,  discards, seconds,decoder,strong_id,json_metadata,custom_counts";

    private static readonly string[] RequiredColumns = ["shots", "errors", "discards", "seconds", "decoder", "strong_id", "json_metadata"];

    /// <summary>One row, as sinter writes it (no line break).</summary>
    public static string Line(TaskStats stats)
    {
        ArgumentNullException.ThrowIfNull(stats);
        var c = CultureInfo.InvariantCulture;
        string seconds = stats.Seconds < 1 ? stats.Seconds.ToString("0.000", c) : stats.Seconds < 10 ? stats.Seconds.ToString("0.00", c) : stats.Seconds.ToString("0.0", c);
        return string.Join(',',
            stats.Shots.ToString(c).PadLeft(10),
            stats.Errors.ToString(c).PadLeft(10),
            stats.Discards.ToString(c).PadLeft(10),
            seconds.PadLeft(8),
            Escape(stats.Decoder),
            Escape(stats.StrongId),
            Escape(stats.JsonMetadata),
            string.Empty);
    }

    /// <summary>Canonical JSON as sinter writes metadata (<c>json.dumps(…, separators=(',', ':'), sort_keys=True)</c>).</summary>
    public static string CanonicalJson(JsonNode? node)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteSorted(writer, node);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject o:
                writer.WriteStartObject();
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray a:
                writer.WriteStartArray();
                foreach (var item in a)
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>
    /// Reads every row of a sinter CSV and sums the rows of each strong id, in order of first appearance.
    /// </summary>
    /// <exception cref="FormatException">A missing column or a row that is not sinter's, named by file and line.</exception>
    public static IReadOnlyList<TaskStats> Read(TextReader reader, string file = "<input>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        var totals = new Dictionary<string, TaskStats>();
        var order = new List<string>();
        foreach (var row in ReadRows(reader, file))
        {
            if (totals.TryGetValue(row.StrongId, out var sum))
            {
                totals[row.StrongId] = sum + row;
            }
            else
            {
                totals[row.StrongId] = row;
                order.Add(row.StrongId);
            }
        }

        return [.. order.Select(id => totals[id])];
    }

    /// <summary>Each row as written (one per batch), not summed.</summary>
    /// <exception cref="FormatException">A missing column or a malformed row, named by file and line.</exception>
    public static IEnumerable<TaskStats> ReadRows(TextReader reader, string file = "<input>")
    {
        ArgumentNullException.ThrowIfNull(reader);
        int lineNumber = 0;
        Dictionary<string, int>? columns = null;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Trim().Length == 0)
            {
                continue;
            }

            var fields = SplitFields(line, file, lineNumber);
            if (columns is null)
            {
                columns = fields.Select((name, i) => (name.Trim(), i)).GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().i);
                var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
                if (missing.Count > 0)
                {
                    throw new FormatException($"{file}:{lineNumber}: not a sinter CSV header: missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}");
                }

                continue;
            }

            if (fields.Count < columns.Count)
            {
                throw new FormatException($"{file}:{lineNumber}: {fields.Count} fields where the header has {columns.Count}");
            }

            string Field(string name) => fields[columns[name]].Trim();
            long Count(string name) => long.TryParse(Field(name), NumberStyles.None, CultureInfo.InvariantCulture, out long v)
                ? v
                : throw new FormatException($"{file}:{lineNumber}: {name} is '{Field(name)}', not a count");
            double seconds = double.TryParse(Field("seconds"), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s >= 0
                ? s
                : throw new FormatException($"{file}:{lineNumber}: seconds is '{Field("seconds")}', not a duration");
            string metadata = Field("json_metadata");
            try
            {
                metadata = CanonicalJson(JsonNode.Parse(metadata));
            }
            catch (JsonException e)
            {
                throw new FormatException($"{file}:{lineNumber}: json_metadata is not JSON: {e.Message}", e);
            }

            var row = new TaskStats(Field("strong_id"), Field("decoder"), metadata, Count("shots"), Count("errors"), Count("discards"), seconds);
            if (row.StrongId.Length == 0 || row.Errors + row.Discards > row.Shots)
            {
                throw new FormatException($"{file}:{lineNumber}: {(row.StrongId.Length == 0 ? "empty strong_id" : "more errors and discards than shots")}");
            }

            yield return row;
        }
    }

    private static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Splits an RFC 4180 line: commas outside quotes, "" a quote inside them.</summary>
    private static List<string> SplitFields(string line, string file, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch != '"')
                {
                    field.Append(ch);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        if (quoted)
        {
            throw new FormatException($"{file}:{lineNumber}: a quoted field is not closed");
        }

        fields.Add(field.ToString());
        return fields;
    }
}

/// <summary>
/// The error rates compatible with a count of hits, as sinter's <c>fit_binomial</c>: the best fit hits/shots and the
/// lowest and highest rates whose binomial likelihood is within <c>maxLikelihoodFactor</c> of the best fit's.
/// </summary>
public readonly record struct BinomialFit(double Low, double Best, double High)
{
    /// <exception cref="ArgumentOutOfRangeException">Negative counts, more hits than shots, or a factor below 1.</exception>
    public static BinomialFit Of(long shots, long hits, double maxLikelihoodFactor = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        ArgumentOutOfRangeException.ThrowIfNegative(hits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(hits, shots);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLikelihoodFactor, 1);
        if (shots == 0)
        {
            return new BinomialFit(0, 0.5, 1);
        }

        double best = (double)hits / shots;
        double target = LogLikelihood(best, shots, hits) - Math.Log(maxLikelihoodFactor);
        double low = hits == 0 ? 0 : Bisect(0, best, p => LogLikelihood(p, shots, hits) >= target);
        double high = hits == shots ? 1 : Bisect(1, best, p => LogLikelihood(p, shots, hits) >= target);
        return new BinomialFit(low, best, high);
    }

    /// <summary>ln P(hits | shots, p) up to the binomial coefficient, which cancels in the ratio.</summary>
    private static double LogLikelihood(double p, long shots, long hits)
    {
        double a = hits == 0 ? 0 : hits * Math.Log(p);
        double b = hits == shots ? 0 : (shots - hits) * LogOneMinus(p);
        return a + b;
    }

    /// <summary>ln(1 − p), accurate for tiny p, where 1 − p would round away most of p's digits.</summary>
    private static double LogOneMinus(double p) => p < 1e-4 ? -p * (1 + (p * ((1.0 / 2) + (p * ((1.0 / 3) + (p / 4)))))) : Math.Log(1 - p);

    /// <summary>The boundary between <paramref name="outside"/> (fails) and <paramref name="inside"/> (holds), to double precision.</summary>
    private static double Bisect(double outside, double inside, Func<double, bool> holds)
    {
        for (int i = 0; i < 200 && outside != inside; i++)
        {
            double mid = 0.5 * (outside + inside);
            if (mid == outside || mid == inside)
            {
                break;
            }

            if (holds(mid))
            {
                inside = mid;
            }
            else
            {
                outside = mid;
            }
        }

        return inside;
    }
}
