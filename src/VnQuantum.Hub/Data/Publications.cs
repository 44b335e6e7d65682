using System.Text.RegularExpressions;

namespace VnQuantum.Hub.Data;

/// <summary>A profile's publication links: DOIs (shown as https://doi.org/ links) or http(s) URLs, one per line.</summary>
public static partial class Publications
{
    public const int Max = 20;

    /// <summary>The lines as links, or the first line that is neither a DOI nor an http(s) URL (1-based) and its text.</summary>
    public static (IReadOnlyList<string> Links, (int Line, string Text)? Bad) Parse(string? text)
    {
        var links = new List<string>();
        var lines = (text ?? string.Empty).Split('\n', StringSplitOptions.TrimEntries);
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            string doi = line.StartsWith("doi:", StringComparison.OrdinalIgnoreCase) ? line[4..].Trim() : line;
            if (Doi().IsMatch(doi))
            {
                links.Add("https://doi.org/" + doi);
            }
            else if (Uri.TryCreate(line, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && line.Length <= 500)
            {
                links.Add(uri.AbsoluteUri);
            }
            else
            {
                return (links, (i + 1, line.Length > 60 ? line[..60] + "…" : line));
            }
        }

        return (links, null);
    }

    // The DOI handbook's syntax: "10." then a registrant code, "/", then any printable suffix.
    [GeneratedRegex(@"^10\.\d{4,9}/\S+$")]
    private static partial Regex Doi();
}
