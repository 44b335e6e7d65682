using System.ComponentModel.DataAnnotations;
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
/// An OpenQASM 2/3 editor that runs the program on the engine in the request: the parser's file:line:col error is shown
/// at its line; the counts as a table and a histogram. Small circuits only here, within the tool pages' time and rate
/// limits; larger ones run as background jobs.
/// </summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.Policy)]
public sealed class CircuitModel(IStringLocalizer<SharedResource> text, ToolLimits limits) : PageModel
{
    public const int MaxQubits = 20;
    public const int MaxShots = 100_000;

    public const string Bell = """
        OPENQASM 3.0;
        include "stdgates.inc";
        qubit[2] q;
        bit[2] c;
        h q[0];
        cx q[0], q[1];
        c = measure q;
        """;

    [BindProperty]
    [Required]
    [StringLength(100_000)]
    public string Source { get; set; } = Bell;

    [BindProperty]
    [Range(1, MaxShots)]
    public int Shots { get; set; } = 1024;

    [BindProperty]
    public ulong Seed { get; set; } = 7;

    public QasmDiagnostic? Error { get; private set; }

    public string? Problem { get; private set; }

    public IReadOnlyDictionary<string, int>? Counts { get; private set; }

    public string? Chart { get; private set; }

    public string[] Lines => Source.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');

    public void OnGet()
    {
    }

    public void OnPost()
    {
        if (!ModelState.IsValid)
        {
            Problem = text["circuit.invalid", MaxShots];
            return;
        }

        // The request's token carries the tool pages' deadline (and the visitor leaving): compile and run stop at it.
        var cancel = HttpContext.RequestAborted;
        try
        {
            var parsed = QasmFrontEnd.Parse(Source, "circuit.qasm", cancel: cancel);
            if (parsed.Circuit is not { } circuit)
            {
                Error = parsed.Error;
                return;
            }

            if (circuit.QubitCount > MaxQubits)
            {
                Problem = text["circuit.toobig", circuit.QubitCount, MaxQubits];
                return;
            }

            var result = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = Shots, Seed = Seed, Cancellation = cancel });
            Counts = result.Counts;
            Chart = SvgCharts.Histogram(text["chart.shots.seed", Shots, Seed], result.Counts, text["chart.counts"], text["chart.other"]);
        }
        catch (Exception e) when (e is CircuitExecutionException or StateTooLargeException)
        {
            Problem = e.Message;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Problem = text["tools.timeout", limits.Seconds];
        }
    }
}
