using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Plots;
using VnQuantum.Hub.Tools;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>Secret-key rate of decoy-state BB84 (infinite decoys, intensity optimised) against distance, with the PLOB bound.</summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.Policy)]
public sealed class KeyRateModel(IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Link { get; set; } = "gys";

    [BindProperty(SupportsGet = true)]
    [Range(10, 400)]
    public double MaxKm { get; set; } = 200;

    public IReadOnlyList<(double Km, double Rate, double Plob)> Rows { get; private set; } = [];

    public string? Chart { get; private set; }

    public string? Problem { get; private set; }

    public static IReadOnlyDictionary<string, (string Name, Func<double, QkdLink> Make)> Links { get; } = new Dictionary<string, (string, Func<double, QkdLink>)>
    {
        ["gys"] = ("GYS (Gobby–Yuan–Shields 2004): InGaAs APD, 0.21 dB/km, 2 MHz", QkdLink.Gys),
        ["lim2014"] = ("Lim et al. 2014: 10 % APD, 0.2 dB/km, 1 GHz", QkdLink.Lim2014),
        ["snspd"] = ("SNSPD: 80 %, 0.2 dB/km, 1 GHz", QkdLink.Snspd),
    };

    public void OnGet()
    {
        if (!ModelState.IsValid || !Links.TryGetValue(Link, out var preset))
        {
            Problem = text["keyrate.invalid", string.Join(", ", Links.Keys)];
            return;
        }

        var rows = new List<(double, double, double)>();
        for (double km = 0; km <= MaxKm + 1e-9; km += MaxKm / 80)
        {
            var link = preset.Make(km);
            rows.Add((km, DecoyStateBb84.OptimalInfiniteDecoy(link).Rate, RepeaterlessBound.Plob(link.Fiber.Transmittance)));
        }

        Rows = rows;
        Chart = SvgCharts.Lines(
            text["keyrate.chart.title"],
            text["keyrate.chart.x"],
            text["keyrate.chart.y"],
            [
                (text["keyrate.chart.decoy", Link], [.. rows.Select(r => r.Item1)], [.. rows.Select(r => r.Item2)], false),
                (text["keyrate.chart.plob"], [.. rows.Select(r => r.Item1)], [.. rows.Select(r => r.Item3)], true),
            ],
            logX: false);
    }
}
