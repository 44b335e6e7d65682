using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ScottPlot;
using Spectre.Console;
using VnQuantum.Sensing;
using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq sense ramsey|probe|nv|clock|run</c>: sensor design against the standard quantum and Heisenberg limits.</summary>
internal static class SenseCommand
{
    public static Command Create(TextWriter output, TextWriter error) => new("sense", "Quantum sensing: sensitivity of a sensor design against the standard quantum limit (1/√N) and the Heisenberg limit (1/N).")
    {
        CreateRamsey(output, error),
        CreateProbe(output, error),
        SenseReportCommands.CreateNv(output, error),
        SenseReportCommands.CreateClock(output, error),
        SenseReportCommands.CreateRun(output, error),
    };

    private static Command CreateRamsey(TextWriter output, TextWriter error)
    {
        var t2 = new Option<string>("--t2star") { Description = "Coherence time T2*, with its unit (\"2 us\").", Required = true };
        var stretch = new Option<double>("--stretch") { Description = "Exponent p of the decay e^(−(t/T2*)^p): 1 exponential, 2 Gaussian.", DefaultValueFactory = _ => 1 };
        var contrast = new Option<double>("--contrast") { Description = "Readout contrast C in (0, 1].", DefaultValueFactory = _ => 1 };
        var dead = new Option<string>("--dead-time") { Description = "Time per shot outside the interrogation (\"1 us\").", DefaultValueFactory = _ => "0 s" };
        var spins = new Option<double>("--spins") { Description = "Independent spins read in parallel (an ensemble).", DefaultValueFactory = _ => 1 };
        var gyromagnetic = new Option<double?>("--gyromagnetic") { Description = "γ in rad/s/T to give the field sensitivity in T/√Hz (NV electron spin: 1.7609e11)." };
        var format = new Option<string>("--format", "-f") { Description = "table or json.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var plot = new Option<string?>("--plot") { Description = "Sensitivity against interrogation time, with the SQL and HL (.png or .svg)." };
        var command = new Command("ramsey", "Ramsey frequency (or field) sensitivity: the best interrogation time and its margin to the SQL and HL.") { t2, stretch, contrast, dead, spins, gyromagnetic, format, plot };
        command.SetAction(parse =>
        {
            RamseySensor sensor;
            try
            {
                sensor = new RamseySensor(Units.Seconds(parse.GetValue(t2)!, "--t2star"), parse.GetValue(stretch), parse.GetValue(contrast), Units.Seconds(parse.GetValue(dead)!, "--dead-time"), parse.GetValue(spins));
            }
            catch (FormatException e)
            {
                error.WriteLine($"vnq: {e.Message}");
                return ExitCodes.InputError;
            }

            var problems = sensor.Validate();
            if (problems.Count > 0)
            {
                error.WriteLine($"vnq: {string.Join("; ", problems)}");
                return ExitCodes.InputError;
            }

            var best = Ramsey.Optimum(sensor);
            double? gamma = parse.GetValue(gyromagnetic);
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(new
                {
                    interrogation_s = best.InterrogationSeconds,
                    sensitivity_rad_per_s_per_sqrt_hz = best.Sensitivity,
                    field_sensitivity_t_per_sqrt_hz = gamma is double g1 ? best.Sensitivity / g1 : (double?)null,
                    standard_quantum_limit = best.StandardQuantumLimit,
                    heisenberg_limit = best.HeisenbergLimit,
                    over_sql = best.OverSql,
                    over_hl = best.Sensitivity / best.HeisenbergLimit,
                }, new JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                var console = Consoles.For(output);
                var table = new Table().Border(TableBorder.Rounded).AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
                table.AddRow("best interrogation time t*", Markup.Escape(Time(best.InterrogationSeconds)));
                table.AddRow("frequency sensitivity δω√T", Markup.Escape(best.Sensitivity.ToString("G4", CultureInfo.InvariantCulture) + " rad/s/√Hz"));
                if (gamma is double g)
                {
                    table.AddRow("field sensitivity δB√T", Markup.Escape((best.Sensitivity / g).ToString("G4", CultureInfo.InvariantCulture) + " T/√Hz"));
                }

                table.AddRow("standard quantum limit (same t, N)", Markup.Escape(best.StandardQuantumLimit.ToString("G4", CultureInfo.InvariantCulture) + " rad/s/√Hz"));
                table.AddRow("Heisenberg limit (same t, N)", Markup.Escape(best.HeisenbergLimit.ToString("G4", CultureInfo.InvariantCulture) + " rad/s/√Hz"));
                table.AddRow("× SQL / × HL", Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{best.OverSql:0.##} / {best.Sensitivity / best.HeisenbergLimit:0.##}")));
                console.Write(table);
                console.MarkupLine("[grey]δω√T = √(t + t_dead) / (C·e^(−(t/T2*)^p)·t·√N); the SQL takes C = 1 and no decay, the HL N-fold entanglement as well (docs/sensing.md).[/]");
            }

            if (parse.GetValue(plot) is { } path)
            {
                var times = Enumerable.Range(0, 200).Select(i => sensor.T2StarSeconds * Math.Pow(10, -3 + (i * 4.0 / 199))).ToArray();
                var points = times.Select(t => Ramsey.At(sensor, t)).ToArray();
                var chart = new Plot();
                Line(chart, times, points.Select(p => p.Sensitivity), "this sensor", LinePattern.Solid);
                Line(chart, times, points.Select(p => p.StandardQuantumLimit), "standard quantum limit", LinePattern.Dashed);
                Line(chart, times, points.Select(p => p.HeisenbergLimit), "Heisenberg limit", LinePattern.Dotted);
                chart.XLabel("interrogation time t (s)");
                chart.YLabel("δω√T (rad/s/√Hz)");
                chart.Title("Ramsey sensitivity against interrogation time");
                Finish(chart, path);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateProbe(TextWriter output, TextWriter error)
    {
        var state = new Option<string>("--state") { Description = "product (unentangled), ghz, squeezed (one-axis twisting optimised with the Dicke-block master equation) or optimal (direct optimisation over symmetric states, N ≤ 24); the last two at N only.", DefaultValueFactory = _ => "ghz" };
        state.AcceptOnlyFromAmong("product", "ghz", "squeezed", "optimal");
        var n = new Option<int>("--n") { Description = "Largest number of spins.", DefaultValueFactory = _ => 16 };
        var dephasing = new Option<string>("--dephasing") { Description = "Independent dephasing rate γ (each spin's coherence e^(−γt)), with its unit (\"1e3/s\").", Required = true };
        var plot = new Option<string?>("--plot") { Description = "Sensitivity against N with the SQL, HL and the asymptotic bound (.png or .svg)." };
        var format = OutputFormat.Create();
        var time = new Option<string?>("--time") { Description = "Also report the QFI and sensitivity at this interrogation time, with its unit (\"100 us\"); product and ghz." };
        var command = new Command("probe", "Entangled probes under independent dephasing: what entanglement buys (Huelga et al. 1997) and what it cannot (Escher et al. 2011).") { state, n, dephasing, time, format, plot };
        command.SetAction(parse =>
        {
            double gamma;
            double? at;
            try
            {
                gamma = Units.PerSecond(parse.GetValue(dephasing)!, "--dephasing");
                at = parse.GetValue(time) is { } text ? Units.Seconds(text, "--time") : null;
            }
            catch (FormatException e)
            {
                error.WriteLine($"vnq: {e.Message}");
                return ExitCodes.InputError;
            }

            int max = parse.GetValue(n);
            if (max < 1 || !(gamma > 0) || at is <= 0)
            {
                error.WriteLine("vnq: --n must be ≥ 1, --dephasing > 0 and --time > 0");
                return ExitCodes.Usage;
            }

            if (at is not null && parse.GetValue(state) is "squeezed" or "optimal")
            {
                error.WriteLine("vnq: --time is for --state product|ghz: the squeezed and optimal states are optimised together with their time");
                return ExitCodes.Usage;
            }

            if (parse.GetValue(state) is "squeezed" or "optimal")
            {
                if (max < 2 || parse.GetValue(plot) is not null)
                {
                    error.WriteLine("vnq: --state squeezed|optimal needs --n ≥ 2 and draws no plot (each N is a master-equation search)");
                    return ExitCodes.Usage;
                }

                return SenseReportCommands.Probe(output, error, parse.GetValue(format)!, parse.GetValue(state)!, max, gamma);
            }

            var probe = parse.GetValue(state) == "product" ? ProbeState.Product : ProbeState.Ghz;
            var sizes = Enumerable.Range(0, 1 + (int)Math.Floor(Math.Log2(max))).Select(k => 1 << k).Append(max).Distinct().ToList();
            var results = sizes.Select(size => EntangledProbes.Optimum(probe, size, gamma)).ToList();
            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(JsonSerializer.Serialize(
                    results.Select(r => new
                    {
                        n = r.N,
                        interrogation_s = r.OptimalSeconds,
                        sensitivity_rad_per_s_per_sqrt_hz = r.Sensitivity,
                        unentangled = EntangledProbes.Optimum(ProbeState.Product, r.N, gamma).Sensitivity,
                        asymptotic_bound = r.AsymptoticBound,
                        noiseless_heisenberg = r.NoiselessHeisenberg,
                        at_time = at is double t ? AtTime(probe, r.N, gamma, t) : null,
                    }),
                    new JsonSerializerOptions { WriteIndented = true }));
            }

            var console = Consoles.For(parse.GetValue(format) == "json" ? TextWriter.Null : output);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("N").AddColumn(new TableColumn("best t").RightAligned()).AddColumn(new TableColumn("δω√T (rad/s/√Hz)").RightAligned())
                .AddColumn(new TableColumn("unentangled (SQL)").RightAligned()).AddColumn(new TableColumn("bound √(2γ/N)").RightAligned()).AddColumn(new TableColumn("noiseless HL √(2γ)/N").RightAligned());
            if (at is double chosen)
            {
                table.AddColumn(new TableColumn($"QFI per shot at {Markup.Escape(Time(chosen))}").RightAligned()).AddColumn(new TableColumn($"δω√T at {Markup.Escape(Time(chosen))}").RightAligned());
            }

            foreach (var r in results)
            {
                var sql = EntangledProbes.Optimum(ProbeState.Product, r.N, gamma);
                var cells = new List<string> { r.N.ToString(CultureInfo.InvariantCulture), Markup.Escape(Time(r.OptimalSeconds)), G(r.Sensitivity), G(sql.Sensitivity), G(r.AsymptoticBound), G(r.NoiselessHeisenberg) };
                if (at is double t)
                {
                    var (fisher, sensitivity) = EntangledProbes.At(probe, r.N, gamma, t);
                    cells.AddRange([G(fisher), G(sensitivity)]);
                }

                table.AddRow([.. cells]);
            }

            console.Write(table);
            console.MarkupLine("[grey]Under independent dephasing the GHZ state gains nothing over unentangled spins, and no state beats √(2γ/N): at most √e over the SQL (docs/sensing.md).[/]");
            if (parse.GetValue(plot) is { } path)
            {
                var ns = Enumerable.Range(1, max).Select(i => (double)i).ToArray();
                var chart = new Plot();
                Line(chart, ns, ns.Select(x => EntangledProbes.Optimum(probe, (int)x, gamma).Sensitivity), probe == ProbeState.Ghz ? "GHZ" : "unentangled", LinePattern.Solid);
                Line(chart, ns, ns.Select(x => EntangledProbes.Optimum(ProbeState.Product, (int)x, gamma).Sensitivity), "standard quantum limit (unentangled, same noise)", LinePattern.Dashed);
                Line(chart, ns, ns.Select(x => EntangledProbes.Optimum(probe, (int)x, gamma).AsymptoticBound), "bound √(2γ/N)", LinePattern.DenselyDashed);
                Line(chart, ns, ns.Select(x => EntangledProbes.Optimum(probe, (int)x, gamma).NoiselessHeisenberg), "Heisenberg √(2γ)/N (noiseless)", LinePattern.Dotted);
                chart.XLabel("number of spins N");
                chart.YLabel("δω√T (rad/s/√Hz)");
                chart.Title($"Probes under dephasing γ = {gamma.ToString("G3", CultureInfo.InvariantCulture)}/s");
                Finish(chart, path);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static object AtTime(ProbeState probe, int n, double gamma, double seconds)
    {
        var (fisher, sensitivity) = EntangledProbes.At(probe, n, gamma, seconds);
        return new { interrogation_s = seconds, qfi_per_shot_s2 = fisher, sensitivity_rad_per_s_per_sqrt_hz = sensitivity };
    }

    private static void Line(Plot chart, double[] xs, IEnumerable<double> ys, string label, LinePattern pattern)
    {
        var line = chart.Add.Scatter(xs.Select(Math.Log10).ToArray(), ys.Select(Math.Log10).ToArray());
        line.LegendText = label;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = 0;
    }

    private static void Finish(Plot chart, string path)
    {
        chart.Axes.Left.TickGenerator = PlotFiles.LogTicks();
        chart.Axes.Bottom.TickGenerator = PlotFiles.LogTicks();
        chart.ShowLegend(Alignment.UpperRight);
        PlotFiles.Save(chart, path);
    }

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string Time(double seconds) => seconds switch
    {
        >= 1 => $"{seconds:G4} s",
        >= 1e-3 => $"{seconds * 1e3:G4} ms",
        >= 1e-6 => $"{seconds * 1e6:G4} µs",
        _ => $"{seconds * 1e9:G4} ns",
    };
}
