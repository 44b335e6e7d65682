using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace VnQuantum.Hub.Tests;

/// <summary>The hub's shared strings (Resources/SharedResource.*.resx) outside a request, in a chosen language.</summary>
internal static class TestText
{
    private static readonly ResourceManagerStringLocalizerFactory Factory =
        new(Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance);

    /// <summary>The localizer the hub injects; it reads the current UI culture.</summary>
    public static IStringLocalizer<SharedResource> Localizer { get; } = new StringLocalizer<SharedResource>(Factory);

    /// <summary>The shared strings in <paramref name="culture"/>, whatever the test thread's culture.</summary>
    public static IStringLocalizer In(string culture) => new CultureLocalizer(Localizer, new CultureInfo(culture));

    private sealed class CultureLocalizer(IStringLocalizer inner, CultureInfo culture) : IStringLocalizer
    {
        public LocalizedString this[string name] => With(() => inner[name]);

        public LocalizedString this[string name, params object[] arguments] => With(() => inner[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => With(() => inner.GetAllStrings(includeParentCultures).ToList());

        private T With<T>(Func<T> read)
        {
            var (ui, formats) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
            try
            {
                (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (culture, culture);
                return read();
            }
            finally
            {
                (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture) = (ui, formats);
            }
        }
    }
}
