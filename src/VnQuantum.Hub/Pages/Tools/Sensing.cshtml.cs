using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Plots;
using VnQuantum.Hub.Tools;
using VnQuantum.Sensing;
using VnQuantum.Sensing.Design;
using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>The NV Ramsey and echo presets of the sensing pillar, with units as the CLI and design files take them.</summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.Policy)]
public sealed class SensingModel(IStringLocalizer<SharedResource> text, ToolLimits limits) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Mode { get; set; } = "ramsey";

    [BindProperty(SupportsGet = true)]
    public string Coherence { get; set; } = "1 us";

    [BindProperty(SupportsGet = true)]
    public double Spins { get; set; } = 1;

    [BindProperty(SupportsGet = true)]
    public double Contrast { get; set; } = 0.3;

    [BindProperty(SupportsGet = true)]
    public double Photons { get; set; } = 0.1;

    /// <summary>Dephasing rate γ (1/s) of the entangled-probe comparison.</summary>
    [BindProperty(SupportsGet = true)]
    public double Gamma { get; set; } = 1;

    public SensorResult? Result { get; private set; }

    /// <summary>δω√T against N: unentangled and GHZ probes under dephasing, the bound, and the noiseless Heisenberg limit.</summary>
    public string? ProbeChart { get; private set; }

    public IReadOnlyList<(int N, ProbeResult Product, ProbeResult Ghz)> ProbeRows { get; private set; } = [];

    public string? Chart { get; private set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
        try
        {
            Evaluate(HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (HttpContext.RequestAborted.IsCancellationRequested)
        {
            Problem = text["tools.timeout", limits.Seconds];
        }
    }

    private void Evaluate(CancellationToken cancel)
    {
        // A number the binder could not read leaves the property at its default: computing then would answer a
        // question the user did not ask. Say which field, with what was typed, and compute nothing.
        foreach (var (field, entry) in ModelState)
        {
            if (entry.Errors.Count > 0)
            {
                string label = field switch
                {
                    nameof(Spins) => text["sensing.centres"],
                    nameof(Contrast) => text["sensing.contrast"],
                    nameof(Photons) => text["sensing.photons"],
                    nameof(Gamma) => text["sensing.gamma"],
                    _ => field,
                };
                Problem = text["tools.badnumber", label, entry.AttemptedValue ?? string.Empty];
                return;
            }
        }

        try
        {
            double coherence = Units.Seconds(Coherence, "coherence time");
            bool echo = Mode == "echo";
            Result = SensorEvaluation.Nv(new NvRequest(echo ? "echo" : "ramsey", Spins, echo ? null : coherence, echo ? coherence : null, Contrast, Photons), cancel);
            if (Result.Plot is { } plot)
            {
                Chart = SvgCharts.Lines(plot.Title, plot.XLabel, plot.YLabel, plot.Series.Select(s => (s.Label, s.X, s.Y, s.Dashed)), logX: true);
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            Problem = e.Message;
        }

        if (!(Gamma > 0 && Gamma <= 1e9))
        {
            Problem ??= "γ > 0";
            return;
        }

        var ns = Enumerable.Range(0, 31).Select(i => (int)Math.Round(Math.Pow(10, i / 10.0))).Distinct().ToArray();
        ProbeRows = [.. ns.Select(n =>
        {
            cancel.ThrowIfCancellationRequested();
            return (n, EntangledProbes.Optimum(ProbeState.Product, n, Gamma), EntangledProbes.Optimum(ProbeState.Ghz, n, Gamma));
        })];
        double[] x = [.. ns.Select(n => (double)n)];
        ProbeChart = SvgCharts.Lines(
            "δω√T (rad/s/√Hz), γ = " + Gamma.ToString("G3", System.Globalization.CultureInfo.CurrentCulture) + " /s",
            "N",
            "δω√T",
            [
                ("N unentangled spins (SQL under dephasing)", x, [.. ProbeRows.Select(r => r.Product.Sensitivity)], false),
                ("GHZ state under dephasing", x, [.. ProbeRows.Select(r => r.Ghz.Sensitivity)], true),
                ("no state does better: √(2γ/N)", x, [.. ProbeRows.Select(r => r.Product.AsymptoticBound)], true),
                ("Heisenberg limit without noise √(2γ)/N", x, [.. ProbeRows.Select(r => r.Product.NoiselessHeisenberg)], false),
            ],
            logX: true);
    }
}
