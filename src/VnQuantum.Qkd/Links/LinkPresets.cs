using System.Text.Json;

namespace VnQuantum.Qkd.Links;

/// <summary>A published set of link parameters, by the name configuration files and commands spell it.</summary>
/// <param name="Name">The name in files and on command lines (gys, lim2014, snspd).</param>
/// <param name="Description">One line: the source and the figures that matter (loss, detector, pulse rate).</param>
/// <param name="Create">The link at a given fibre length in km.</param>
public sealed record LinkPreset(string Name, string Description, Func<double, QkdLink> Create);

/// <summary>
/// The one registry of link presets: every shell and library that turns a preset name into a <see cref="QkdLink"/>
/// asks here, so an unknown name is the same error everywhere and a new preset appears everywhere at once.
/// </summary>
public static class LinkPresets
{
    /// <summary>Every preset, in the order menus and help texts list them.</summary>
    public static IReadOnlyList<LinkPreset> All { get; } =
    [
        new("gys", "GYS (Gobby–Yuan–Shields 2004): InGaAs APD, 0.21 dB/km, 2 MHz", QkdLink.Gys),
        new("lim2014", "Lim et al. 2014: 10 % APD, 0.2 dB/km, 1 GHz", QkdLink.Lim2014),
        new("snspd", "SNSPD: 80 %, 0.2 dB/km, 1 GHz", QkdLink.Snspd),
    ];

    /// <summary>The names of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name)];

    /// <summary>Whether <paramref name="name"/> is a preset.</summary>
    public static bool IsKnown(string? name) => All.Any(p => p.Name == name);

    /// <summary>The message for a name that is not a preset; it lists the known ones.</summary>
    public static string UnknownMessage(string? name) => $"unknown link preset '{name}' (known: {string.Join(", ", Names)})";

    /// <summary>A preset by name.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message (<see cref="UnknownMessage"/>) lists the known ones.</exception>
    public static LinkPreset Find(string? name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException(UnknownMessage(name), nameof(name));

    /// <summary>The link of preset <paramref name="name"/> at <paramref name="lengthKm"/>.</summary>
    /// <exception cref="ArgumentException">An unknown name.</exception>
    public static QkdLink Create(string? name, double lengthKm) => Find(name).Create(lengthKm);

    /// <summary>
    /// Overrides the fields of <paramref name="link"/> present in a JSON document (<c>fiber.lengthKm</c>,
    /// <c>fiber.lossDbPerKm</c>, <c>detector.efficiency</c>, <c>detector.darkCountProbability</c>,
    /// <c>detector.deadTimeSeconds</c>, <c>detector.afterpulseProbability</c>, <c>misalignmentError</c>,
    /// <c>errorCorrectionInefficiency</c>, <c>repetitionRateHz</c>); comments and trailing commas are allowed.
    /// The result is not validated: call <see cref="QkdLink.Validate"/>.
    /// </summary>
    /// <exception cref="JsonException">Not JSON; the exception carries the line and byte position.</exception>
    /// <exception cref="FormatException">A field that is not a number, named by its path.</exception>
    public static QkdLink ApplyOverrides(QkdLink link, string json)
    {
        ArgumentNullException.ThrowIfNull(link);
        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"a link file is a JSON object, not {Kind(root)}");
        }

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
        if (parent.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{section} must be an object, not {Kind(parent)}");
        }

        if (!parent.TryGetProperty(name, out var value))
        {
            return fallback;
        }

        return value.ValueKind == JsonValueKind.Number
            ? value.GetDouble()
            : throw new FormatException($"{(section is null ? name : section + "." + name)} must be a number, not {Kind(value)}");
    }

    private static string Kind(JsonElement e) => e.ValueKind.ToString().ToLowerInvariant();
}
