using System.Globalization;
using System.Numerics;
using System.Text;
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
/// A gate-grid composer: pick a gate, then a cell (a button: click, drag or keyboard); a two-qubit gate takes its
/// control, then its target in the same step. Runs the circuit on the engine: counts as a histogram, and the final
/// state with the measurements left out, as probabilities coloured by phase and a Bloch sphere per qubit.
/// Every handler answers a page, or the same view as JSON when asked (<c>Accept: application/json</c>), which is how
/// <c>composer.js</c> redraws without a reload; without script the page works by plain form posts. The circuit
/// travels in the form and in the link (<c>?c=</c>), so there is no session.
/// </summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.Policy)]
public sealed class ComposerModel(IStringLocalizer<SharedResource> text, ToolLimits limits) : PageModel
{
    /// <summary>The most characters of OpenQASM the import reads (a 6-qubit, 10-step circuit is far smaller).</summary>
    public const int MaxImportLength = 20_000;

    public const int DefaultShots = 1024;

    public const ulong DefaultSeed = 7;

    [BindProperty]
    public string? Grid { get; set; }

    [BindProperty]
    public string Gate { get; set; } = "h";

    /// <summary>The angle of a rotation gate, as typed ("pi/2", "0,3").</summary>
    [BindProperty]
    public string Angle { get; set; } = "pi/2";

    /// <summary>The control of a two-qubit gate waiting for its target: "qubit,step".</summary>
    [BindProperty]
    public string? Pending { get; set; }

    [BindProperty]
    public int Shots { get; set; } = DefaultShots;

    [BindProperty]
    public ulong Seed { get; set; } = DefaultSeed;

    /// <summary>OpenQASM 2 or 3 to import.</summary>
    [BindProperty]
    public string? Source { get; set; }

    public ComposerGrid Circuit { get; private set; } = ComposerGrid.Empty(2);

    public string? Message { get; private set; }

    public string? Histogram { get; private set; }

    public string? StateChart { get; private set; }

    public IReadOnlyList<string> BlochSpheres { get; private set; } = [];

    public IReadOnlyList<(string Basis, Complex Amplitude)> Amplitudes { get; private set; } = [];

    /// <summary>This circuit's address: the grid without its trailing empty cells, and shots and seed when not the defaults.</summary>
    public string ShareUrl => LinkTo(null);

    public string QasmUrl(int version) => LinkTo("Qasm") + "&version=" + version.ToString(CultureInfo.InvariantCulture);

    public (int Qubit, int Step)? PendingCell => Pending?.Split(',') is [var q, var s] && int.TryParse(q, CultureInfo.InvariantCulture, out int qi) && int.TryParse(s, CultureInfo.InvariantCulture, out int si) ? (qi, si) : null;

    /// <summary>An empty two-qubit grid, or the circuit of a shared link (<c>?c=h,c>1;,x&lt;0&amp;shots=…&amp;seed=…</c>).</summary>
    public void OnGet(string? c, int? shots, ulong? seed)
    {
        Circuit = c is null ? ComposerGrid.Empty(2) : ComposerGrid.Parse(c);
        Shots = Math.Clamp(shots ?? DefaultShots, 1, 100_000);
        Seed = seed ?? DefaultSeed;
        Run();
    }

    /// <summary>The circuit of a link as an OpenQASM file to download (version 3, or 2 for the older toolkits).</summary>
    public IActionResult OnGetQasm(string? c, int version = 3)
    {
        var grid = ComposerGrid.Parse(c);
        return File(Encoding.UTF8.GetBytes(grid.ToQasm(version: version == 2 ? 2 : 3)), "text/plain; charset=utf-8", version == 2 ? "composer.qasm2.qasm" : "composer.qasm");
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
        if (ComposerGrid.RotationGates.Contains(Gate))
        {
            if (ComposerGrid.Rotation(Gate, Angle) is not { } rotation)
            {
                return Done(text["composer.badangle", Angle ?? string.Empty]);
            }

            Circuit.Place(rotation, q, s);
            return Done(null);
        }

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
        return Done(null);
    }

    /// <summary>Replaces the grid with an OpenQASM 2 or 3 program's circuit; a program the grid cannot hold is refused, the grid kept.</summary>
    public IActionResult OnPostImport()
    {
        Circuit = ComposerGrid.Parse(Grid);
        Pending = null;
        if (string.IsNullOrWhiteSpace(Source) || Source.Length > MaxImportLength)
        {
            return Done(text["composer.import.empty", MaxImportLength.ToString("N0", CultureInfo.CurrentCulture)]);
        }

        // A program's loops are bounded by the compiler's step limit and by the tool pages' deadline; at the deadline
        // the page says so (and the live view gets its message) instead of the middleware's bare 503.
        QasmParseResult parsed;
        try
        {
            parsed = QasmFrontEnd.Parse(Source, "import.qasm", cancel: HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (HttpContext.RequestAborted.IsCancellationRequested)
        {
            return Done(text["tools.timeout", limits.Seconds]);
        }

        if (parsed.Circuit is not { } circuit)
        {
            var error = parsed.Error!;
            return Done($"{error.File}:{error.Line}:{error.Column}: {error.Message}");
        }

        if (ComposerGrid.FromCircuit(circuit, text, out string? problem) is not { } grid)
        {
            return Done(problem);
        }

        Circuit = grid;
        return Done(text["composer.import.done", circuit.Operations.Length]);
    }

    private IActionResult Done(string? message)
    {
        Message = message;
        Shots = Math.Clamp(Shots, 1, 100_000);

        // The grid shown is the one just changed, not the one posted.
        ModelState.Clear();
        Run();
        if (Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            // Serialised here, not by JsonResult: its formatter writes with the request's token, which the deadline
            // has already cancelled when an import was stopped, and the view would arrive cut off.
            return Content(System.Text.Json.JsonSerializer.Serialize(LiveView(), System.Text.Json.JsonSerializerOptions.Web), "application/json; charset=utf-8");
        }

        return Page();
    }

    private void Run()
    {
        // After an import stopped at the deadline, the grid still has to be drawn: at most 6 qubits and 10 steps,
        // which no deadline needs to bound.
        var cancel = HttpContext.RequestAborted.IsCancellationRequested ? CancellationToken.None : HttpContext.RequestAborted;
        Grid = Circuit.ToString();
        var state = QasmFrontEnd.Parse(Circuit.ToQasm(measurements: false), "composer.qasm").Circuit!;
        var vector = CircuitExecutor.Run(state, new ExecutionOptions { Shots = 0, Seed = Seed, IncludeStatevector = true, Method = SimulationMethod.StateVector, Cancellation = cancel }).Statevector!;

        // Basis states written q[n-1]…q[0], as the counts are.
        var labels = Enumerable.Range(0, vector.Length).Select(i => Convert.ToString(i, 2).PadLeft(Circuit.Qubits, '0')).ToArray();
        Amplitudes = [.. labels.Zip(vector)];
        StateChart = SvgCharts.State(text["composer.state.title"], labels, vector, text["composer.probability"]);
        var culture = CultureInfo.CurrentCulture;
        BlochSpheres = [.. BlochVectors.Of(vector).Select((b, q) => SvgCharts.BlochSphere(
            $"q[{q}]", b, text["composer.bloch.vector", q, Coordinate(b.X), Coordinate(b.Y), Coordinate(b.Z)]))];
        if (Circuit.HasMeasurement)
        {
            var result = CircuitExecutor.Run(QasmFrontEnd.Parse(Circuit.ToQasm(), "composer.qasm").Circuit!, new ExecutionOptions { Shots = Shots, Seed = Seed, Cancellation = cancel });
            Histogram = SvgCharts.Histogram(text["chart.shots.seed", Shots, Seed], result.Counts, text["chart.counts"], text["chart.other"]);
        }
    }

    // Rounded first, so that a −1e-17 or a −0 is said "0,00", not "-0,00".
    private static string Coordinate(double value) => (Math.Round(value, 2) + 0.0).ToString("0.00", CultureInfo.CurrentCulture);

    /// <summary>What <c>composer.js</c> redraws: the grid's cells as they read, the program, the charts, the link.</summary>
    private object LiveView()
    {
        var pending = PendingCell;
        var culture = CultureInfo.CurrentCulture;
        return new
        {
            grid = Grid,
            pending = Pending,
            message = Message,
            qubits = Circuit.Qubits,
            maxQubits = ComposerGrid.MaxQubits,
            cells = Enumerable.Range(0, Circuit.Qubits).Select(q => Enumerable.Range(0, ComposerGrid.Steps).Select(s =>
            {
                string cell = Circuit[q, s];
                var (symbol, name) = ComposerGrid.Describe(cell, text);
                bool waiting = pending is { } p && p.Qubit == q && p.Step == s;
                return new
                {
                    symbol,
                    angle = ComposerGrid.IsRotation(cell) ? ComposerGrid.AngleText(cell, culture) : null,
                    label = text["composer.cell", q, s + 1, name] + (waiting ? " " + text["composer.awaiting"] : string.Empty),
                    pending = waiting,
                };
            })),
            qasm = Circuit.ToQasm(),
            share = ShareUrl,
            qasm3 = QasmUrl(3),
            qasm2 = QasmUrl(2),
            state = StateChart,
            bloch = BlochSpheres,
            histogram = Histogram,
            amplitudes = Amplitudes.Where(x => x.Amplitude.Magnitude > 1e-9).Select(x => new[] { $"|{x.Basis}⟩", AmplitudeText(x.Amplitude, culture), (x.Amplitude.Magnitude * x.Amplitude.Magnitude).ToString("0.000", culture), (x.Amplitude.Phase / Math.PI).ToString("0.00", culture) }),
        };
    }

    /// <summary>An amplitude as the amplitudes table writes it: "0,707 + 0,000i" in Vietnamese.</summary>
    public static string AmplitudeText(Complex a, CultureInfo culture) =>
        $"{a.Real.ToString("0.000", culture)} {(a.Imaginary < 0 ? "−" : "+")} {Math.Abs(a.Imaginary).ToString("0.000", culture)}i";

    private string LinkTo(string? handler)
    {
        var query = new List<string>();
        if (handler is not null)
        {
            query.Add("handler=" + handler);
        }

        string grid = Circuit.ToShareText();
        if (grid != ComposerGrid.Empty(2).ToShareText())
        {
            query.Add("c=" + Uri.EscapeDataString(grid));
        }

        if (Shots != DefaultShots)
        {
            query.Add("shots=" + Shots.ToString(CultureInfo.InvariantCulture));
        }

        if (Seed != DefaultSeed)
        {
            query.Add("seed=" + Seed.ToString(CultureInfo.InvariantCulture));
        }

        return "/Tools/Composer" + (query.Count > 0 ? "?" + string.Join('&', query) : string.Empty);
    }
}
