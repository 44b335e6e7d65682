using System.Text.RegularExpressions;

namespace VnQuantum.Hub.Data;

/// <summary>
/// ORCID iDs: sixteen characters in four groups of four, the last a check character by ISO 7064 MOD 11-2 (0–9 or X),
/// as ORCID specifies ("Structure of the ORCID Identifier"). The https://orcid.org/ prefix is accepted and dropped.
/// </summary>
public static partial class Orcid
{
    /// <summary>The iD in its canonical form, or null with <paramref name="problem"/> saying why it is not one.</summary>
    public static string? Normalise(string? text, out string? problem)
    {
        problem = null;
        string value = (text ?? string.Empty).Trim();
        foreach (string prefix in new[] { "https://orcid.org/", "http://orcid.org/", "orcid.org/" })
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                value = value[prefix.Length..];
            }
        }

        if (!Shape().IsMatch(value))
        {
            problem = "an ORCID iD is four groups of four digits, e.g. 0000-0002-1825-0097 (the last may be X)";
            return null;
        }

        string digits = value.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        char expected = CheckCharacter(digits.AsSpan(0, 15));
        if (digits[15] != expected)
        {
            problem = $"the check character of {value} should be {expected}: a digit was mistyped";
            return null;
        }

        return value.ToUpperInvariant();
    }

    /// <summary>ISO 7064 MOD 11-2 over the first fifteen digits.</summary>
    public static char CheckCharacter(ReadOnlySpan<char> fifteenDigits)
    {
        int total = 0;
        foreach (char c in fifteenDigits)
        {
            total = (total + (c - '0')) * 2;
        }

        int result = (12 - (total % 11)) % 11;
        return result == 10 ? 'X' : (char)('0' + result);
    }

    [GeneratedRegex(@"^\d{4}-\d{4}-\d{4}-\d{3}[\dXx]$")]
    private static partial Regex Shape();
}
