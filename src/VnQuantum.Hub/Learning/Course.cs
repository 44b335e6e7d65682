using System.Globalization;
using System.Text.Json.Serialization;

namespace VnQuantum.Hub.Learning;

/// <summary>A text in the hub's two languages; Vietnamese is the default.</summary>
public sealed record Bilingual([property: JsonPropertyName("vi")] string Vi, [property: JsonPropertyName("en")] string En)
{
    public string In(CultureInfo culture) => culture.TwoLetterISOLanguageName == "en" ? En : Vi;

    public override string ToString() => In(CultureInfo.CurrentUICulture);
}

/// <summary>
/// An exercise checked by the platform. <c>circuit</c>: the submitted OpenQASM program's output distribution must be
/// within <see cref="Tolerance"/> (total-variation distance) of <see cref="Target"/>; <c>keyrate</c>: a number within
/// relative <see cref="Tolerance"/> of the QKD pillar's decoy-state BB84 rate for <see cref="Link"/> at
/// <see cref="DistanceKm"/>; <c>sql</c>: the phase uncertainty at the standard quantum limit for <see cref="Qubits"/>
/// spins, from the sensing pillar. The references come from the pillar libraries, never from this file.
/// </summary>
public sealed record Exercise(
    string Slug,
    string Kind,
    Bilingual? Prompt,
    double Tolerance,
    IReadOnlyDictionary<string, double>? Target = null,
    string? Starter = null,
    string? Link = null,
    double? DistanceKm = null,
    int? Qubits = null);

public sealed record Lesson(string Slug, Bilingual Title, Exercise? Exercise);

public sealed record Course(string Slug, Bilingual Title, Bilingual Summary, IReadOnlyList<Lesson> Lessons);
