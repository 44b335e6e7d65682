using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ScottPlot;
using Spectre.Console;
using VnQuantum.Sensing;
using VnQuantum.Sensing.Design;
using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Cli.Commands;

/// <summary>
/// <c>vnq sense nv</c>, <c>vnq sense clock</c> and <c>vnq sense run sensor.json</c>: thin shells over
/// <see cref="SensorEvaluation"/> and <see cref="SensorFile"/> that print a report as a table or JSON and draw its plot.
/// </summary>
internal static class SenseReportCommands
{
    public static Command CreateNv(TextWriter output, TextWriter error)
    {
        var mode = new Option<string>("--mode") { Description = "ramsey (DC, T2*), echo (AC, T2), ac (CPMG-n against a bath, filter functions), cw (continuous-wave ODMR), vector (QFI matrix of a four-axis ensemble); ensemble is ramsey with --spins.", DefaultValueFactory = _ => "ramsey" };
        mode.AcceptOnlyFromAmong("ramsey", "echo", "ac", "cw", "vector", "single", "ensemble");
        var spins = new Option<double>("--spins") { Description = "NV centres read together.", DefaultValueFactory = _ => 1 };
        var t2star = new Option<string?>("--t2star") { Description = "T2* with its unit (\"1 us\"): ramsey and vector." };
        var t2 = new Option<string?>("--t2") { Description = "Echo coherence time T2 with its unit (\"300 us\"): echo." };
        var contrast = new Option<double>("--contrast") { Description = "Fringe (or cw) contrast C in (0, 1].", DefaultValueFactory = _ => 0.3 };
        var photons = new Option<double>("--photons") { Description = "Photons detected per centre per readout (n_avg).", DefaultValueFactory = _ => 0.1 };
        var stretch = new Option<double>("--stretch") { Description = "p in e^(−(τ/T2*)^p): 1 Lorentzian, 2 Gaussian line.", DefaultValueFactory = _ => 1 };
        var init = new Option<string>("--init") { Description = "Initialisation time per shot (\"1 us\").", DefaultValueFactory = _ => "0 s" };
        var readout = new Option<string>("--readout") { Description = "Readout time per shot (\"1 us\").", DefaultValueFactory = _ => "0 s" };
        var linewidth = new Option<string?>("--linewidth") { Description = "CW-ODMR linewidth (FWHM) with its unit (\"1 MHz\")." };
        var rate = new Option<string?>("--photon-rate") { Description = "CW detected photon rate (\"1e10/s\")." };
        var isotope = new Option<string>("--isotope") { Description = "none, n14 or n15 (vector mode).", DefaultValueFactory = _ => "n14" };
        isotope.AcceptOnlyFromAmong("none", "n14", "n15");
        var acFrequency = new Option<string?>("--ac-frequency") { Description = "AC field frequency (\"200 kHz\"): ac mode." };
        var bath = new Option<string?>("--bath-correlation") { Description = "Correlation time of the spin bath (\"100 us\"); its strength comes from --t2star: ac mode." };
        var pulses = new Option<int>("--max-pulses") { Description = "Most CPMG pulses to consider: ac mode.", DefaultValueFactory = _ => 256 };
        var field = new Option<string[]>("--field") { Description = "Bias field components x y z with units (vector mode): --field \"0 uT\" \"0 uT\" \"10 uT\".", AllowMultipleArgumentsPerToken = true };
        var format = Format();
        var plot = new Option<string?>("--plot") { Description = "Sensitivity against interrogation time with the spin-projection limit (.png or .svg)." };
        var command = new Command("nv", "NV-centre magnetometry in T/√Hz (Barry et al., RMP 92, 015004 (2020)): single centres and ensembles, Ramsey, echo, CW-ODMR, and vector estimation from the spin Hamiltonian's QFI matrix.")
        {
            mode, spins, t2star, t2, contrast, photons, stretch, init, readout, linewidth, rate, isotope, field, acFrequency, bath, pulses, format, plot,
        };
        command.SetAction(parse => Report(output, error, parse.GetValue(format)!, parse.GetValue(plot), () =>
        {
            string m = parse.GetValue(mode)!;
            if (m == "ensemble" && parse.GetValue(spins) <= 1)
            {
                throw new ArgumentException("--mode ensemble needs --spins (the number of centres read together)");
            }

            var components = parse.GetValue(field) ?? [];
            if (components.Length is not (0 or 3))
            {
                throw new ArgumentException("--field takes three components with units, x y z");
            }

            return SensorEvaluation.Nv(new NvRequest(
                m is "single" or "ensemble" ? "ramsey" : m,
                parse.GetValue(spins),
                parse.GetValue(t2star) is { } a ? Units.Seconds(a, "--t2star") : null,
                parse.GetValue(t2) is { } b ? Units.Seconds(b, "--t2") : null,
                parse.GetValue(contrast),
                parse.GetValue(photons),
                parse.GetValue(stretch),
                Units.Seconds(parse.GetValue(init)!, "--init"),
                Units.Seconds(parse.GetValue(readout)!, "--readout"),
                parse.GetValue(linewidth) is { } w ? Units.Hertz(w, "--linewidth") : null,
                parse.GetValue(rate) is { } r ? Units.PerSecond(r, "--photon-rate") : null,
                parse.GetValue(isotope) switch { "none" => NitrogenIsotope.None, "n15" => NitrogenIsotope.N15, _ => NitrogenIsotope.N14 },
                components.Length == 3 ? [.. components.Select((c, i) => Units.Tesla(c, $"--field[{i}]"))] : null,
                null,
                parse.GetValue(acFrequency) is { } f ? Units.Hertz(f, "--ac-frequency") : null,
                parse.GetValue(bath) is { } c ? Units.Seconds(c, "--bath-correlation") : null,
                parse.GetValue(pulses)));
        }));
        return command;
    }

    public static Command CreateClock(TextWriter output, TextWriter error)
    {
        var frequency = new Option<string>("--frequency") { Description = "Clock transition ν₀ with its unit (\"9.192631770 GHz\", \"429.228 THz\").", Required = true };
        var interrogation = new Option<string>("--interrogation") { Description = "Ramsey free time or Rabi pulse length T (\"0.5 s\").", Required = true };
        var atoms = new Option<double>("--atoms") { Description = "Atoms per cycle N.", Required = true };
        var cycle = new Option<string>("--cycle") { Description = "Whole cycle time T_c (\"1 s\").", Required = true };
        var rabi = new Option<bool>("--rabi") { Description = "Rabi (one π pulse) instead of Ramsey interrogation." };
        var simulate = new Option<int>("--simulate") { Description = "Also simulate this many cycles (binomial atom counts, seeded) and plot their Allan deviation.", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of the simulation.", DefaultValueFactory = _ => 1 };
        var format = Format();
        var plot = new Option<string?>("--plot") { Description = "Allan deviation against averaging time (.png or .svg)." };
        var command = new Command("clock", "Atomic-clock stability at the quantum projection noise limit (Itano et al., PRA 47, 3554 (1993)): the Allan deviation against averaging time.")
        {
            frequency, interrogation, atoms, cycle, rabi, simulate, seed, format, plot,
        };
        command.SetAction(parse => Report(output, error, parse.GetValue(format)!, parse.GetValue(plot), () => SensorEvaluation.Clock(
            new AtomicClockSettings(
                Units.Hertz(parse.GetValue(frequency)!, "--frequency"),
                Units.Seconds(parse.GetValue(interrogation)!, "--interrogation"),
                parse.GetValue(atoms),
                Units.Seconds(parse.GetValue(cycle)!, "--cycle"),
                parse.GetValue(rabi) ? ClockInterrogation.Rabi : ClockInterrogation.Ramsey),
            parse.GetValue(simulate),
            parse.GetValue(seed))));
        return command;
    }

    public static Command CreateRun(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("design") { Description = "A sensor design file (JSON with units; see docs/sensing.md)." };
        var format = Format();
        var plot = new Option<string?>("--plot") { Description = "The design's plot (.png or .svg), where it has one." };
        var command = new Command("run", "Evaluate a whole sensor design file: \"sensor\" is ramsey, nv, clock or probe, every quantity with its unit.") { file, format, plot };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            if (!File.Exists(path))
            {
                error.WriteLine($"vnq: {path}: no such file");
                return ExitCodes.InputError;
            }

            string json = File.ReadAllText(path);
            return Report(output, error, parse.GetValue(format)!, parse.GetValue(plot), () => SensorFile.Evaluate(json, path));
        });
        return command;
    }

    /// <summary>The squeezed or optimal probe for <c>vnq sense probe --state squeezed|optimal</c>: one N, since each costs a master-equation search.</summary>
    public static int Probe(TextWriter output, TextWriter error, string format, string state, int spins, double gamma) =>
        Report(output, error, format, null, () => SensorEvaluation.Probe(state, spins, gamma));

    private static Option<string> Format()
    {
        var format = new Option<string>("--format", "-f") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        return format;
    }

    private static int Report(TextWriter output, TextWriter error, string format, string? plotPath, Func<SensorResult> evaluate)
    {
        SensorResult result;
        try
        {
            result = evaluate();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or SensorFileException)
        {
            error.WriteLine($"vnq: {e.Message}");
            return ExitCodes.InputError;
        }

        if (format == "json")
        {
            output.WriteLine(JsonSerializer.Serialize(
                new
                {
                    sensor = result.Sensor,
                    quantities = result.Quantities.Select(q => new { name = q.Name, value = q.Value, unit = q.Unit }),
                    notes = result.Notes,
                },
                new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
        }
        else
        {
            var console = Consoles.For(output);
            var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(result.Sensor)).AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned()).AddColumn("unit");
            foreach (var q in result.Quantities)
            {
                table.AddRow(Markup.Escape(q.Name), q.Value.ToString("G5", CultureInfo.InvariantCulture), Markup.Escape(q.Unit));
            }

            console.Write(table);
            foreach (string note in result.Notes)
            {
                console.MarkupLine($"[grey]{Markup.Escape(note)}[/]");
            }
        }

        if (plotPath is not null)
        {
            if (result.Plot is null)
            {
                error.WriteLine($"vnq: a {result.Sensor} report has no plot");
                return ExitCodes.Usage;
            }

            var chart = new Plot();
            foreach (var series in result.Plot.Series)
            {
                var line = chart.Add.Scatter(series.X.Select(Math.Log10).ToArray(), series.Y.Select(Math.Log10).ToArray());
                line.LegendText = series.Label;
                line.LinePattern = series.Dashed ? LinePattern.Dashed : LinePattern.Solid;
                line.LineWidth = 2;
                line.MarkerSize = series.Dashed && series.X.Length < 60 ? 5 : 0;
            }

            chart.XLabel(result.Plot.XLabel);
            chart.YLabel(result.Plot.YLabel);
            chart.Title(result.Plot.Title);
            chart.Axes.Left.TickGenerator = PlotFiles.LogTicks();
            chart.Axes.Bottom.TickGenerator = PlotFiles.LogTicks();
            chart.ShowLegend(Alignment.UpperRight);
            PlotFiles.Save(chart, plotPath);
        }

        return ExitCodes.Ok;
    }
}
