using System.Globalization;
using System.Text.RegularExpressions;

namespace VnQuantum.Sensing;

/// <summary>
/// Quantities with their units, as sensor files and the command line write them ("2 us", "2us", "1e3/s", "5 kHz"): a
/// missing or wrong unit is an error that names the field.
/// </summary>
public static partial class Units
{
    private static readonly Dictionary<string, double> TimeUnits = new(StringComparer.Ordinal)
    {
        ["s"] = 1,
        ["ms"] = 1e-3,
        ["us"] = 1e-6,
        ["µs"] = 1e-6,
        ["ns"] = 1e-9,
    };

    private static readonly Dictionary<string, double> RateUnits = new(StringComparer.Ordinal)
    {
        ["/s"] = 1,
        ["Hz"] = 1,
        ["kHz"] = 1e3,
        ["MHz"] = 1e6,
        ["/ms"] = 1e3,
        ["/us"] = 1e6,
    };

    private static readonly Dictionary<string, double> FrequencyUnits = new(StringComparer.Ordinal)
    {
        ["Hz"] = 1,
        ["kHz"] = 1e3,
        ["MHz"] = 1e6,
        ["GHz"] = 1e9,
        ["THz"] = 1e12,
    };

    private static readonly Dictionary<string, double> FieldUnits = new(StringComparer.Ordinal)
    {
        ["T"] = 1,
        ["mT"] = 1e-3,
        ["uT"] = 1e-6,
        ["µT"] = 1e-6,
        ["nT"] = 1e-9,
        ["pT"] = 1e-12,
        ["G"] = 1e-4,
    };

    /// <summary>A frequency in Hz (Hz, kHz, MHz, GHz, THz).</summary>
    /// <exception cref="FormatException">Not a number with a frequency unit; the message names <paramref name="field"/>.</exception>
    public static double Hertz(string text, string field) => Parse(text, field, FrequencyUnits, "a frequency such as \"9.19 GHz\" (Hz, kHz, MHz, GHz, THz)");

    /// <summary>A magnetic field in tesla (T, mT, uT, µT, nT, pT, G).</summary>
    /// <exception cref="FormatException">Not a number with a field unit; the message names <paramref name="field"/>.</exception>
    public static double Tesla(string text, string field) => Parse(text, field, FieldUnits, "a field such as \"10 uT\" (T, mT, uT, nT, pT, G)");

    /// <summary>A duration in seconds.</summary>
    /// <exception cref="FormatException">Not a number with a time unit (s, ms, us, µs, ns); the message names <paramref name="field"/>.</exception>
    public static double Seconds(string text, string field) => Parse(text, field, TimeUnits, "a time such as \"2 us\" (s, ms, us, ns)");

    /// <summary>A rate in 1/s.</summary>
    /// <exception cref="FormatException">Not a number with a rate unit (/s, Hz, kHz, MHz); the message names <paramref name="field"/>.</exception>
    public static double PerSecond(string text, string field) => Parse(text, field, RateUnits, "a rate such as \"1e3/s\" or \"5 kHz\"");

    private static double Parse(string text, string field, Dictionary<string, double> units, string expected)
    {
        var match = Quantity().Match(text ?? string.Empty);
        if (!match.Success || !double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new FormatException($"{field}: '{text}' is not {expected}");
        }

        string unit = match.Groups[2].Value;
        if (unit.Length == 0)
        {
            throw new FormatException($"{field}: '{text}' has no unit; write {expected}");
        }

        return units.TryGetValue(unit, out double scale)
            ? value * scale
            : throw new FormatException($"{field}: unknown unit '{unit}'; write {expected}");
    }

    [GeneratedRegex(@"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S*)\s*$")]
    private static partial Regex Quantity();
}
