using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Localization;

namespace VnQuantum.Hub.Pages;

/// <summary>
/// An enumeration's value as the reader's language names it, from the resource "Type.Value" (Pillar.Computing,
/// JobState.Running …): the database and the forms keep the enum's name, people read the translation.
/// </summary>
public static class EnumText
{
    public static string Name<T>(IStringLocalizer text, T value)
        where T : struct, Enum
    {
        ArgumentNullException.ThrowIfNull(text);
        return text[$"{typeof(T).Name}.{value}"];
    }

    /// <summary>A select's options: the value stays the enum's name (what forms post), the label is translated.</summary>
    public static IReadOnlyList<SelectListItem> Options<T>(IStringLocalizer text)
        where T : struct, Enum =>
        [.. Enum.GetValues<T>().Select(v => new SelectListItem(Name(text, v), v.ToString()))];
}
