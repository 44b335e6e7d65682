using System.Text.Json;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Cli.Commands;

/// <summary>Builds a <see cref="QkdLink"/> from a preset name or a JSON file, with errors that name the field.</summary>
internal static class QkdLinkLoader
{
    public const string Presets = "gys, lim2014, snspd";

    /// <summary>The link, or null after writing why to <paramref name="error"/>.</summary>
    public static QkdLink? Load(string preset, string? configPath, double lengthKm, TextWriter error)
    {
        QkdLink? link = preset switch
        {
            "gys" => QkdLink.Gys(lengthKm),
            "lim2014" => QkdLink.Lim2014(lengthKm),
            "snspd" => QkdLink.Snspd(lengthKm),
            _ => null,
        };
        if (link is null)
        {
            error.WriteLine($"vnq: unknown link preset '{preset}' (known: {Presets})");
            return null;
        }

        if (configPath is not null)
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(configPath), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                link = Apply(link, doc.RootElement);
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

    /// <summary>Overrides the preset with the fields present in the JSON document.</summary>
    private static QkdLink Apply(QkdLink link, JsonElement root)
    {
        var fiber = link.Fiber;
        var detector = link.Detector;
        if (root.TryGetProperty("fiber", out var f))
        {
            fiber = fiber with
            {
                LengthKm = Number(f, "lengthKm", "fiber", fiber.LengthKm),
                LossDbPerKm = Number(f, "lossDbPerKm", "fiber", fiber.LossDbPerKm),
            };
        }

        if (root.TryGetProperty("detector", out var d))
        {
            detector = detector with
            {
                Efficiency = Number(d, "efficiency", "detector", detector.Efficiency),
                DarkCountProbability = Number(d, "darkCountProbability", "detector", detector.DarkCountProbability),
                DeadTimeSeconds = Number(d, "deadTimeSeconds", "detector", detector.DeadTimeSeconds),
                AfterpulseProbability = Number(d, "afterpulseProbability", "detector", detector.AfterpulseProbability),
            };
        }

        return link with
        {
            Fiber = fiber,
            Detector = detector,
            MisalignmentError = Number(root, "misalignmentError", null, link.MisalignmentError),
            ErrorCorrectionInefficiency = Number(root, "errorCorrectionInefficiency", null, link.ErrorCorrectionInefficiency),
            RepetitionRateHz = Number(root, "repetitionRateHz", null, link.RepetitionRateHz),
        };
    }

    private static double Number(JsonElement parent, string name, string? section, double fallback)
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new FormatException($"{(section is null ? name : section + "." + name)} must be a number, not {value.ValueKind.ToString().ToLowerInvariant()}");
    }
}
