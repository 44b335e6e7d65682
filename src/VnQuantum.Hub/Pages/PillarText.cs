using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages;

/// <summary>The three pillars as the reader's language names them (resource keys pillar.Computing and so on).</summary>
public static class PillarText
{
    public static string Name(IStringLocalizer text, Pillar pillar)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text["pillar." + pillar];
    }

    /// <summary>A select's options: the value stays the enum's name (what forms post), the label is translated.</summary>
    public static IReadOnlyList<SelectListItem> Options(IStringLocalizer text) =>
        [.. Enum.GetValues<Pillar>().Select(p => new SelectListItem(Name(text, p), p.ToString()))];
}
