using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VnQuantum.Cli.Commands;

/// <summary>
/// The <c>--format table|json</c> option every result-printing command takes, and the one way its JSON is written:
/// indented, snake_case names with their unit (<c>distance_km</c>, <c>rate_bits_per_pulse</c>), non-finite numbers
/// as strings (JSON has no NaN), Unicode left readable.
/// </summary>
internal static class OutputFormat
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>A new <c>--format</c>/<c>-f</c> option: table (the default) or json.</summary>
    public static Option<string> Create()
    {
        var format = new Option<string>("--format", "-f") { Description = "table or json (the schema is in docs/cli.md).", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        return format;
    }

    /// <summary>Whether the command line asked for JSON.</summary>
    public static bool IsJson(this ParseResult parse, Option<string> format) => parse.GetValue(format) == "json";

    /// <summary>The JSON of <paramref name="value"/> as this CLI writes it.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Writes <paramref name="value"/> as JSON followed by a newline.</summary>
    public static void WriteJson(TextWriter output, object value) => output.WriteLine(Json(value));
}
