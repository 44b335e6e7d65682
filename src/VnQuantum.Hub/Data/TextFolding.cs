using System.Globalization;
using System.Text;

namespace VnQuantum.Hub.Data;

/// <summary>
/// Text as search compares it: NFC first (input may arrive decomposed), then without diacritics and in lower case, with
/// đ/Đ folded to d — SQLite's remove_diacritics and PostgreSQL's unaccent leave đ alone, since it is a letter of its own
/// rather than d with a mark. So "Hà Nội", "Ha Noi" and "HA NOI" all fold to "ha noi", "Đức" to "duc".
/// </summary>
public static class TextFolding
{
    public static string Fold(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        string decomposed = text.Normalize(NormalizationForm.FormC).Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            builder.Append(c switch
            {
                'đ' or 'Đ' => 'd',
                _ => char.ToLowerInvariant(c),
            });
        }

        return builder.ToString().Normalize(NormalizationForm.FormC);
    }
}
