using System.Text.RegularExpressions;

namespace VnQuantum.Hub.Data;

/// <summary>
/// ORCID iDs: sixteen characters in four groups of four, the last a check character by ISO 7064 MOD 11-2 (0–9 or X),
/// as ORCID specifies ("Structure of the ORCID Identifier"). The https://orcid.org/ prefix is accepted and dropped.
/// </summary>
public static partial class Orcid
{
    /// <summary>The last character an iD ends in: the check character, or its place.</summary>
    public static char Last(string text) => (text ?? string.Empty).Trim() is { Length: > 0 } t ? char.ToUpperInvariant(t[^1]) : ' ';

    /// <summary>
    /// The iD in its canonical form, or null with <paramref name="error"/> saying why it is not one; for a wrong check
    /// character, <paramref name="expected"/> is the one the fifteen digits call for. The page says it in the reader's
    /// language.
    /// </summary>
    public static string? Normalise(string? text, out OrcidError error, out char expected)
    {
        error = OrcidError.None;
        expected = default;
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
            error = OrcidError.Shape;
            return null;
        }

        string digits = value.Replace("-", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        expected = CheckCharacter(digits.AsSpan(0, 15));
        if (digits[15] != expected)
        {
            error = OrcidError.CheckCharacter;
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

/// <summary>Why a text is not an ORCID iD.</summary>
public enum OrcidError
{
    None,

    /// <summary>Not four groups of four digits (the last may be X).</summary>
    Shape,

    /// <summary>The right shape, but the check character does not match the fifteen digits: a character was mistyped.</summary>
    CheckCharacter,
}
