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
    /// <summary>The largest count a row or a total may hold (2^62), so that sums cannot wrap.</summary>
    public const long MaxCount = 1L << 62;

    /// <summary>
    /// Detection events seen over the shots, kept in sinter's <c>custom_counts</c> column as
    /// <c>{"detection_events": N}</c>: the collection sizes its batches by them.
    /// </summary>
    public long DetectionEvents { get; init; }

    /// <summary>Rows of the same task add up, as sinter combines them.</summary>
    /// <exception cref="ArgumentException">The rows name different tasks, or one strong id with a different decoder or metadata.</exception>
    /// <exception cref="OverflowException">A total would pass <see cref="MaxCount"/>.</exception>
    public static TaskStats operator +(TaskStats a, TaskStats b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.StrongId != b.StrongId)
        {
            throw new ArgumentException($"Rows of different tasks do not add: {a.StrongId} and {b.StrongId}.", nameof(b));
        }

        if (a.Decoder != b.Decoder || a.JsonMetadata != b.JsonMetadata)
        {
            // As sinter: the same strong id with other identifying information is a corrupted or forged row.
            throw new ArgumentException($"Two rows have the same strong id {a.StrongId} but differ in decoder or metadata ({a.Decoder} {a.JsonMetadata}; {b.Decoder} {b.JsonMetadata}).", nameof(b));
        }

        static long Add(long x, long y) => checked(x + y) is var sum && sum <= MaxCount ? sum : throw new OverflowException($"A total passes {MaxCount}.");
        return a with
        {
            Shots = Add(a.Shots, b.Shots),
            Errors = Add(a.Errors, b.Errors),
            Discards = Add(a.Discards, b.Discards),
            Seconds = a.Seconds + b.Seconds,
            DetectionEvents = Add(a.DetectionEvents, b.DetectionEvents),
        };
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
        string seconds = Fixed(stats.Seconds, stats.Seconds < 1 ? 3 : stats.Seconds < 10 ? 2 : 1);
        return string.Join(',',
            stats.Shots.ToString(c).PadLeft(10),
            stats.Errors.ToString(c).PadLeft(10),
            stats.Discards.ToString(c).PadLeft(10),
            seconds.PadLeft(8),
            Escape(stats.Decoder),
            Escape(stats.StrongId),
            Escape(stats.JsonMetadata),
            stats.DetectionEvents > 0 ? Escape($"{{\"detection_events\":{stats.DetectionEvents.ToString(c)}}}") : string.Empty);
    }

    /// <summary>
    /// Canonical JSON as sinter writes metadata (Python's <c>json.dumps(…, separators=(',', ':'), sort_keys=True)</c>):
    /// keys sorted, no spaces, non-ASCII as \uXXXX, floats as Python prints them (<c>1e-05</c>, <c>1.0</c>).
    /// </summary>
    public static string CanonicalJson(JsonNode? node)
    {
        var text = new StringBuilder();
        WritePython(text, node);
        return text.ToString();
    }

    private static void WritePython(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject o:
                text.Append('{');
                bool first = true;
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    text.Append(first ? "" : ",");
                    first = false;
                    PythonString(text, key);
                    text.Append(':');
                    WritePython(text, value);
                }

                text.Append('}');
                break;
            case JsonArray a:
                text.Append('[');
                for (int i = 0; i < a.Count; i++)
                {
                    text.Append(i > 0 ? "," : "");
                    WritePython(text, a[i]);
                }

                text.Append(']');
                break;
            case JsonValue v:
                WritePythonValue(text, v);
                break;
        }
    }

    private static void WritePythonValue(StringBuilder text, JsonValue v)
    {
        if (v.TryGetValue(out JsonElement element))
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    PythonString(text, element.GetString()!);
                    return;
                case JsonValueKind.True or JsonValueKind.False or JsonValueKind.Null:
                    text.Append(element.GetRawText());
                    return;
                case JsonValueKind.Number:
                    string raw = element.GetRawText();
                    bool integral = raw.IndexOfAny(['.', 'e', 'E']) < 0;
                    text.Append(integral ? System.Numerics.BigInteger.Parse(raw, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : PythonFloat(element.GetDouble()));
                    return;
            }
        }

        if (v.TryGetValue(out string? s))
        {
            PythonString(text, s);
        }
        else if (v.TryGetValue(out bool b))
        {
            text.Append(b ? "true" : "false");
        }
        else if (v.TryGetValue(out double d) && !v.TryGetValue(out long _))
        {
            text.Append(PythonFloat(d));
        }
        else if (v.TryGetValue(out long l))
        {
            text.Append(l.ToString(CultureInfo.InvariantCulture));
        }
        else
        {
            text.Append(v.ToJsonString());
        }
    }

    /// <summary>A string as Python's json.dumps writes it with ensure_ascii: \" \\ \n \r \t \b \f, other controls and non-ASCII as \u00e9.</summary>
    private static void PythonString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (char ch in value)
        {
            switch (ch)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                default:
                    if (ch < 0x20 || ch > 0x7e)
                    {
                        text.Append("\\u").Append(((int)ch).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(ch);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    /// <summary>
    /// A double as Python's repr: the shortest digits that read back, positional for 1e-4 ≤ |x| &lt; 1e16 (with ".0"
    /// when whole), else d.ddde±XX.
    /// </summary>
    internal static string PythonFloat(double x)
    {
        if (!double.IsFinite(x))
        {
            return double.IsNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
        }

        if (x == 0)
        {
            return double.IsNegative(x) ? "-0.0" : "0.0";
        }

        // "E16" would pad; "R" gives the shortest round-trip digits, positional or in E notation.
        string r = Math.Abs(x).ToString("R", CultureInfo.InvariantCulture);
        string digits;
        int exponent; // the value is 0.d₁d₂… × 10^exponent … written as d₁.d₂… × 10^(exponent − 1)
        int e = r.IndexOf('E');
        string mantissa = e < 0 ? r : r[..e];
        int shift = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int dot = mantissa.IndexOf('.');
        string intPart = dot < 0 ? mantissa : mantissa[..dot], fracPart = dot < 0 ? "" : mantissa[(dot + 1)..];
        string all = intPart + fracPart;
        int leading = all.Length - all.TrimStart('0').Length;
        digits = all.Trim('0');
        exponent = intPart.Length - leading + shift;
        if (digits.Length == 0)
        {
            digits = "0";
        }

        string sign = x < 0 ? "-" : "";
        int decimalExponent = exponent - 1;
        if (decimalExponent >= -4 && decimalExponent < 16)
        {
            if (exponent <= 0)
            {
                return sign + "0." + new string('0', -exponent) + digits;
            }

            if (digits.Length <= exponent)
            {
                return sign + digits + new string('0', exponent - digits.Length) + ".0";
            }

            return sign + digits[..exponent] + "." + digits[exponent..];
        }

        string m = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
        return sign + m + "e" + (decimalExponent < 0 ? "-" : "+") + Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// x with <paramref name="places"/> decimals as Python's f-string writes it: the exact binary value rounded half to
    /// even, not the 15-digit approximation .NET's custom formats round.
    /// </summary>
    internal static string Fixed(double x, int places)
    {
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        int rawExponent = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xFFFFFFFFFFFFFL;
        var mantissa = new System.Numerics.BigInteger(rawExponent == 0 ? fraction : fraction | (1L << 52));
        int exponent2 = (rawExponent == 0 ? 1 : rawExponent) - 1075;

        // value × 10^places = mantissa × 2^exponent2 × 10^places, as numerator / denominator, rounded half to even.
        var numerator = mantissa * System.Numerics.BigInteger.Pow(10, places);
        var denominator = System.Numerics.BigInteger.One;
        if (exponent2 >= 0)
        {
            numerator <<= exponent2;
        }
        else
        {
            denominator <<= -exponent2;
        }

        var quotient = System.Numerics.BigInteger.DivRem(numerator, denominator, out var remainder);
        int half = (remainder * 2).CompareTo(denominator);
        if (half > 0 || (half == 0 && !quotient.IsEven))
        {
            quotient += 1;
        }

        string text = quotient.ToString(CultureInfo.InvariantCulture).PadLeft(places + 1, '0');
        string result = places == 0 ? text : text[..^places] + "." + text[^places..];
        return (x < 0 && quotient != 0 ? "-" : "") + result;
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
        foreach (var (row, line) in ReadNumberedRows(reader, file))
        {
            if (totals.TryGetValue(row.StrongId, out var sum))
            {
                try
                {
                    totals[row.StrongId] = sum + row;
                }
                catch (Exception e) when (e is ArgumentException or OverflowException)
                {
                    throw new FormatException($"{file}:{line}: {e.Message}", e);
                }
            }
            else
            {
                totals[row.StrongId] = row;
                order.Add(row.StrongId);
            }
        }

        return [.. order.Select(id => totals[id])];
    }

    /// <summary>The longest line read (1 MiB): a row is about 200 bytes, so a longer one is not sinter's.</summary>
    public const int MaxLineLength = 1 << 20;

    /// <summary>Each row as written (one per batch), not summed.</summary>
    /// <exception cref="FormatException">A missing column or a malformed row, named by file and line.</exception>
    public static IEnumerable<TaskStats> ReadRows(TextReader reader, string file = "<input>") => ReadNumberedRows(reader, file).Select(r => r.Row);

    private static IEnumerable<(TaskStats Row, int Line)> ReadNumberedRows(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        int lineNumber = 0;
        Dictionary<string, int>? columns = null;
        var buffer = new StringBuilder();
        while (ReadBoundedLine(reader, buffer, file, lineNumber + 1) is { } read)
        {
            lineNumber++;
            string line = lineNumber == 1 ? read.TrimStart('\uFEFF') : read;
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
            long Count(string name) => long.TryParse(Field(name), NumberStyles.None, CultureInfo.InvariantCulture, out long v) && v <= TaskStats.MaxCount
                ? v
                : throw new FormatException($"{file}:{lineNumber}: {name} is '{Field(name)}', not a count up to 2^62");
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

            long events = 0;
            if (columns.TryGetValue("custom_counts", out int customColumn) && fields[customColumn].Trim() is { Length: > 0 } custom)
            {
                try
                {
                    var counts = JsonNode.Parse(custom) as JsonObject ?? throw new FormatException("not a JSON object");
                    if (counts["detection_events"] is JsonValue v && (!v.TryGetValue(out events) || events < 0 || events > TaskStats.MaxCount))
                    {
                        throw new FormatException("detection_events is not a count up to 2^62");
                    }
                }
                catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
                {
                    throw new FormatException($"{file}:{lineNumber}: custom_counts: {e.Message}", e);
                }
            }

            var row = new TaskStats(Field("strong_id"), Field("decoder"), metadata, Count("shots"), Count("errors"), Count("discards"), seconds) { DetectionEvents = events };
            if (row.StrongId.Length == 0 || row.Errors > row.Shots - row.Discards)
            {
                throw new FormatException($"{file}:{lineNumber}: {(row.StrongId.Length == 0 ? "empty strong_id" : "more errors and discards than shots")}");
            }

            yield return (row, lineNumber);
        }
    }

    /// <summary>A line without its end, or null at the end of the text; longer than <see cref="MaxLineLength"/> is an error.</summary>
    private static string? ReadBoundedLine(TextReader reader, StringBuilder buffer, string file, int lineNumber)
    {
        buffer.Clear();
        int ch;
        while ((ch = reader.Read()) >= 0)
        {
            if (ch == '\n')
            {
                return buffer.ToString().TrimEnd('\r');
            }

            if (buffer.Length >= MaxLineLength)
            {
                throw new FormatException($"{file}:{lineNumber}: a line longer than {MaxLineLength} characters is not a sinter row");
            }

            buffer.Append((char)ch);
        }

        return buffer.Length > 0 ? buffer.ToString().TrimEnd('\r') : null;
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
