using System.Text.Json;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Cli.Commands;

/// <summary>Builds a <see cref="QkdLink"/> from a preset name or a JSON file, with errors that name the field.</summary>
internal static class QkdLinkLoader
{
    public static string Presets => string.Join(", ", LinkPresets.Names);

    /// <summary>The link, or null after writing why to <paramref name="error"/>.</summary>
    public static QkdLink? Load(string preset, string? configPath, double lengthKm, TextWriter error)
    {
        if (!LinkPresets.IsKnown(preset))
        {
            error.WriteLine($"vnq: {LinkPresets.UnknownMessage(preset)}");
            return null;
        }

        var link = LinkPresets.Create(preset, lengthKm);

        if (configPath is not null)
        {
            try
            {
                link = LinkPresets.ApplyOverrides(link, File.ReadAllText(configPath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"vnq: cannot read {configPath}: {e.Message}");
                return null;
            }
            catch (JsonException e)
            {
                error.WriteLine($"{configPath}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: invalid JSON: {e.Message}");
                return null;
            }
            catch (FormatException e)
            {
                error.WriteLine($"{configPath}: {e.Message}");
                return null;
            }
        }

        var problems = link.Validate();
        foreach (var p in problems)
        {
            error.WriteLine($"{configPath ?? "link"}: {p}");
        }

        return problems.Count == 0 ? link : null;
    }
}
