using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VnQuantum.Hub.Plots;
using VnQuantum.Sensing;
using VnQuantum.Sensing.Design;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>The NV Ramsey and echo presets of the sensing pillar, with units as the CLI and design files take them.</summary>
public sealed class SensingModel : PageModel
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

    public SensorResult? Result { get; private set; }

    public string? Chart { get; private set; }

    public string? Problem { get; private set; }

    public void OnGet()
    {
        try
        {
            double coherence = Units.Seconds(Coherence, "coherence time");
            bool echo = Mode == "echo";
            Result = SensorEvaluation.Nv(new NvRequest(echo ? "echo" : "ramsey", Spins, echo ? null : coherence, echo ? coherence : null, Contrast, Photons));
            if (Result.Plot is { } plot)
            {
                Chart = SvgCharts.Lines(plot.Title, plot.XLabel, plot.YLabel, plot.Series.Select(s => (s.Label, s.X, s.Y, s.Dashed)), logX: true);
            }
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            Problem = e.Message;
        }
    }
}
