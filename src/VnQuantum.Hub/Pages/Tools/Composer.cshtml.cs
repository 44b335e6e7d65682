using System.Globalization;
using System.Numerics;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Hub.Plots;
using VnQuantum.Hub.Tools;
using VnQuantum.Simulation;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>
/// A gate-grid composer: pick a gate, then a cell (a button: click or keyboard, nothing to drag); a two-qubit gate
/// takes its control, then its target in the same step. Runs the circuit on the engine: counts as a histogram, and the
/// final state with the measurements left out, as probabilities coloured by phase. The grid travels in the form, so no session or script.
/// </summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.Policy)]
public sealed class ComposerModel(IStringLocalizer<SharedResource> text) : PageModel
{
    [BindProperty]
    public string? Grid { get; set; }

    [BindProperty]
    public string Gate { get; set; } = "h";

    /// <summary>The control of a two-qubit gate waiting for its target: "qubit,step".</summary>
    [BindProperty]
    public string? Pending { get; set; }

    [BindProperty]
    public int Shots { get; set; } = 1024;

    [BindProperty]
    public ulong Seed { get; set; } = 7;

    public ComposerGrid Circuit { get; private set; } = ComposerGrid.Empty(2);

    public string? Message { get; private set; }

    public string? Histogram { get; private set; }

    public string? StateChart { get; private set; }

    public IReadOnlyList<(string Basis, Complex Amplitude)> Amplitudes { get; private set; } = [];

    public (int Qubit, int Step)? PendingCell => Pending?.Split(',') is [var q, var s] && int.TryParse(q, CultureInfo.InvariantCulture, out int qi) && int.TryParse(s, CultureInfo.InvariantCulture, out int si) ? (qi, si) : null;

    public void OnGet()
    {
        // A Bell pair to start from.
        Circuit = ComposerGrid.Parse("h,c>1,measure;,x<0,measure");
        Run();
    }

    public IActionResult OnPostPlace(string place)
    {
        Circuit = ComposerGrid.Parse(Grid);
        if (place?.Split(',') is not [var qs, var ss] || !int.TryParse(qs, CultureInfo.InvariantCulture, out int q) || !int.TryParse(ss, CultureInfo.InvariantCulture, out int s)
            || q < 0 || q >= Circuit.Qubits || s < 0 || s >= ComposerGrid.Steps)
        {
            return Done(text["composer.badcell"]);
        }

        if (ComposerGrid.TwoQubitGates.Contains(Gate))
        {
            if (PendingCell is not { } control)
            {
                Pending = $"{q},{s}";
                return Done(text["composer.control", q, s + 1]);
            }

            Pending = null;
            if (control.Step != s || control.Qubit == q)
            {
                return Done(text["composer.samestep"]);
            }

            Circuit.PlacePair(Gate, control.Qubit, q, s);
            return Done(null);
        }

        Pending = null;
        Circuit.Place(ComposerGrid.OneQubitGates.Contains(Gate) ? Gate : "erase", q, s);
        return Done(null);
    }

    public IActionResult OnPostQubits(int qubits)
    {
        Circuit = ComposerGrid.Parse(Grid).WithQubits(qubits);
        Pending = null;
        return Done(null);
    }

    public IActionResult OnPostClear()
    {
        Circuit = ComposerGrid.Empty(ComposerGrid.Parse(Grid).Qubits);
        Pending = null;
        return Done(null);
    }

    public IActionResult OnPostRun()
    {
        Circuit = ComposerGrid.Parse(Grid);
        Shots = Math.Clamp(Shots, 1, 100_000);
        return Done(null);
    }

    private IActionResult Done(string? message)
    {
        Message = message;

        // The grid shown is the one just changed, not the one posted.
        ModelState.Clear();
        Grid = Circuit.ToString();
        Run();
        return Page();
    }

    private void Run()
    {
        Grid = Circuit.ToString();
        var state = QasmFrontEnd.Parse(Circuit.ToQasm(measurements: false), "composer.qasm").Circuit!;
        var vector = CircuitExecutor.Run(state, new ExecutionOptions { Shots = 0, Seed = Seed, IncludeStatevector = true, Method = SimulationMethod.StateVector, Cancellation = HttpContext.RequestAborted }).Statevector!;

        // Basis states written q[n-1]…q[0], as the counts are.
        var labels = Enumerable.Range(0, vector.Length).Select(i => Convert.ToString(i, 2).PadLeft(Circuit.Qubits, '0')).ToArray();
        Amplitudes = [.. labels.Zip(vector)];
        StateChart = SvgCharts.State(text["composer.state.title"], labels, vector);
        if (Circuit.HasMeasurement)
        {
            var result = CircuitExecutor.Run(QasmFrontEnd.Parse(Circuit.ToQasm(), "composer.qasm").Circuit!, new ExecutionOptions { Shots = Shots, Seed = Seed, Cancellation = HttpContext.RequestAborted });
            Histogram = SvgCharts.Histogram(text["chart.shots.seed", Shots, Seed], result.Counts, text["chart.counts"], text["chart.other"]);
        }
    }
}
