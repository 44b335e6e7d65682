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

/// <summary>Secret-key rate of any protocol of <see cref="KeyRateProtocols"/> (parameters optimised) against distance, with the PLOB bound.</summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.Policy)]
public sealed class KeyRateModel(IStringLocalizer<SharedResource> text, ToolLimits limits) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Link { get; set; } = "gys";

    [BindProperty(SupportsGet = true)]
    public string Protocol { get; set; } = "bb84-decoy";

    [BindProperty(SupportsGet = true)]
    [Range(10, 400)]
    public double MaxKm { get; set; } = 200;

    public IReadOnlyList<(double Km, double Rate, double Plob)> Rows { get; private set; } = [];

    public string? Chart { get; private set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
        if (!ModelState.IsValid || !LinkPresets.IsKnown(Link) || !KeyRateProtocols.IsKnown(Protocol))
        {
            Problem = text["keyrate.invalid", string.Join(", ", LinkPresets.Names), string.Join(", ", KeyRateProtocols.Names)];
            return;
        }

        var preset = LinkPresets.Find(Link);
        var protocol = KeyRateProtocols.Find(Protocol);

        // The finite-key optimisation takes milliseconds a point: fewer points keep it inside the page's time limit.
        int points = protocol.IsFiniteKey ? 40 : 80;
        var rows = new List<(double, double, double)>();
        try
        {
            for (double km = 0; km <= MaxKm + 1e-9; km += MaxKm / points)
            {
                HttpContext.RequestAborted.ThrowIfCancellationRequested();
                var link = preset.Create(km);
                rows.Add((km, protocol.Evaluate(link).RatePerPulse, RepeaterlessBound.Plob(link.Fiber.Transmittance)));
            }
        }
        catch (OperationCanceledException) when (HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The request timeout fired: say so instead of a 500 (the sensing page does the same).
            Problem = text["tools.timeout", limits.Seconds];
            return;
        }

        Rows = rows;
        Chart = SvgCharts.Lines(
            text["keyrate.chart.title"],
            text["keyrate.chart.x"],
            text["keyrate.chart.y"],
            [
                (text["keyrate.chart.decoy", Protocol, Link], [.. rows.Select(r => r.Item1)], [.. rows.Select(r => r.Item2)], false),
                (text["keyrate.chart.plob"], [.. rows.Select(r => r.Item1)], [.. rows.Select(r => r.Item3)], true),
            ],
            logX: false);
    }
}
