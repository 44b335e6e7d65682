using System.CommandLine;
using System.Globalization;
using ScottPlot;
using Spectre.Console;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Circuits.Qec;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq qec circuit|dem|threshold|collect|plot</c>: memory experiments for error correction, their error models, and thresholds.</summary>
internal static class QecCommand
{
    public static Command Create(TextWriter output, TextWriter error) => new("qec", "Quantum error correction: memory circuits, detector error models, decoded logical error rates.")
    {
        CreateCircuit(output, error),
        CreateDem(output, error),
        CreateThreshold(output, error),
        QecCollectCommand.CreateCollect(output, error),
        QecCollectCommand.CreatePlot(output, error),
    };

    private static (Option<string> Code, Option<int> Distance, Option<int?> Rounds, Option<double> P) CodeOptions()
    {
        var code = new Option<string>("--code") { Description = "surface (rotated, memory Z) or repetition.", DefaultValueFactory = _ => "surface" };
        code.AcceptOnlyFromAmong([.. MemoryCodes.Names]);
        var distance = new Option<int>("--distance", "-d") { Description = "Code distance.", DefaultValueFactory = _ => 3 };
        var rounds = new Option<int?>("--rounds", "-r") { Description = "Rounds of stabilizer measurement (default: the distance)." };
        var p = new Option<double>("--p") { Description = "Physical error probability of the circuit-level noise model.", DefaultValueFactory = _ => 0.001 };
        return (code, distance, rounds, p);
    }

    private static MemoryExperiment? Make(string code, int d, int? rounds, double p, TextWriter error)
    {
        try
        {
            return MemoryCodes.Create(code, d, rounds, p);
        }
        catch (ArgumentOutOfRangeException e)
        {
            error.WriteLine($"vnq: {e.Message.Split(" (Parameter")[0]}");
            return null;
        }
    }

    private static Command CreateCircuit(TextWriter output, TextWriter error)
    {
        var (code, distance, rounds, p) = CodeOptions();
        var format = new Option<string>("--format", "-f") { Description = "stim (circuit with noise, detectors and observable), qasm (OpenQASM 2, noiseless, detectors as comments) or json (the sizes and the Stim text).", DefaultValueFactory = _ => "stim" };
        format.AcceptOnlyFromAmong("stim", "qasm", "json");
        var outFile = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var command = new Command("circuit", "Generate a memory-experiment circuit (Stim's format runs in Stim as is).") { code, distance, rounds, p, format, outFile };
        command.SetAction(parse =>
        {
            var experiment = Make(parse.GetValue(code)!, parse.GetValue(distance), parse.GetValue(rounds), parse.GetValue(p), error);
            if (experiment is null)
            {
                return ExitCodes.InputError;
            }

            string stim = $"# {experiment.Name}\n" + StimFormat.Write(experiment.Circuit, experiment.Noise);
            string text = parse.GetValue(format) switch
            {
                "qasm" => OpenQasm2.Write(experiment.Circuit),
                "json" => OutputFormat.Json(new
                {
                    name = experiment.Name,
                    code = parse.GetValue(code),
                    distance = experiment.Distance,
                    rounds = experiment.Rounds,
                    p = experiment.Probability,
                    qubits = experiment.Circuit.QubitCount,
                    measurements = experiment.Circuit.ClbitCount,
                    operations = experiment.Circuit.Operations.Length,
                    stim,
                }) + "\n",
                _ => stim,
            };
            return CommandOutput.Emit(text, parse.GetValue(outFile), output, error);
        });
        return command;
    }

    private static Command CreateDem(TextWriter output, TextWriter error)
    {
        var (code, distance, rounds, p) = CodeOptions();
        var outFile = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var format = new Option<string>("--format", "-f") { Description = "stim (Stim's text format) or json (every mechanism with its detectors and observables).", DefaultValueFactory = _ => "stim" };
        format.AcceptOnlyFromAmong("stim", "json");
        var command = new Command("dem", "Print the detector error model (Stim's text format) of a memory experiment.") { code, distance, rounds, p, outFile, format };
        command.SetAction(parse =>
        {
            var experiment = Make(parse.GetValue(code)!, parse.GetValue(distance), parse.GetValue(rounds), parse.GetValue(p), error);
            if (experiment is null)
            {
                return ExitCodes.InputError;
            }

            var model = MemoryExperimentRunner.ErrorModel(experiment);
            string text = parse.GetValue(format) == "json"
                ? OutputFormat.Json(new
                {
                    name = experiment.Name,
                    detectors = model.DetectorCount,
                    observables = model.ObservableCount,
                    errors = model.Errors.Select(e => new
                    {
                        probability = e.Probability,
                        detectors = e.Detectors,
                        observables = Enumerable.Range(0, 64).Where(o => ((e.ObservableMask >> o) & 1) != 0),
                    }),
                }) + "\n"
                : model.ToStimText();
            return CommandOutput.Emit(text, parse.GetValue(outFile), output, error);
        });
        return command;
    }

    private static Command CreateThreshold(TextWriter output, TextWriter error)
    {
        var code = new Option<string>("--code") { Description = "surface (rotated, memory Z) or repetition.", DefaultValueFactory = _ => "surface" };
        code.AcceptOnlyFromAmong([.. MemoryCodes.Names]);
        var distances = new Option<string>("--distances") { Description = "Comma-separated distances.", DefaultValueFactory = _ => "3,5,7" };
        var probabilities = new Option<string>("--p") { Description = "Comma-separated physical error probabilities.", DefaultValueFactory = _ => "0.004,0.006,0.008,0.01,0.012" };
        var shots = new Option<int>("--shots", "-s") { Description = "Shots per point (at most, with --max-errors).", DefaultValueFactory = _ => 10000 };
        var maxErrors = new Option<long?>("--max-errors") { Description = "Stop a point once this many shots were decoded wrongly (its rate is then known to about 1/√N)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed (the same seed gives the same table on any thread count).", DefaultValueFactory = _ => 1 };
        var plot = new Option<string?>("--plot") { Description = "Write logical against physical error rate, one line per distance (.png or .svg)." };
        var format = OutputFormat.Create();
        var command = new Command("threshold", "Decoded logical error rate against physical error rate for several distances: where the lines cross is the threshold. Runs on qec collect's engine.")
        {
            code, distances, probabilities, shots, maxErrors, seed, plot, format,
        };
        command.SetAction(parse =>
        {
            if (!TryList(parse.GetValue(distances)!, out var ds) || !TryList(parse.GetValue(probabilities)!, out var ps) || parse.GetValue(shots) < 1)
            {
                error.WriteLine("vnq: --distances and --p take comma-separated numbers, --shots a positive count");
                return ExitCodes.Usage;
            }

            ThresholdSweepResult sweep;
            try
            {
                var ints = ds.Select(d => (int)d).ToList();
                var errConsole = Consoles.For(error);
                if (errConsole.Profile.Capabilities.Interactive)
                {
                    ThresholdSweepResult? done = null;
                    errConsole.Progress().Start(ctx =>
                    {
                        var task = ctx.AddTask("threshold", maxValue: 1.0);
                        done = ThresholdSweep.Run(parse.GetValue(code)!, ints, ps, parse.GetValue(shots), parse.GetValue(seed), progress: new Progress<double>(f => task.Value = f), maxErrors: parse.GetValue(maxErrors));
                        task.Value = 1.0;
                    });
                    sweep = done!;
                }
                else
                {
                    sweep = ThresholdSweep.Run(parse.GetValue(code)!, ints, ps, parse.GetValue(shots), parse.GetValue(seed), maxErrors: parse.GetValue(maxErrors));
                }
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"vnq: {e.Message.Split(" (Parameter")[0]}");
                return ExitCodes.InputError;
            }

            bool json = parse.IsJson(format);
            if (json)
            {
                OutputFormat.WriteJson(output, new
                {
                    code = sweep.Code,
                    shots_per_point = sweep.Shots,
                    seed = sweep.Seed,
                    points = sweep.Points.Select(pt => new
                    {
                        distance = pt.Distance,
                        p = pt.PhysicalErrorRate,
                        shots = pt.Estimate.Shots,
                        failures = pt.Estimate.Failures,
                        logical_error_rate = pt.Estimate.Rate,
                        standard_error = pt.Estimate.StandardError,
                        detectors = pt.Estimate.Detectors,
                        error_mechanisms = pt.Estimate.ErrorMechanisms,
                        sampling_s = pt.Estimate.SamplingSeconds,
                        decoding_s = pt.Estimate.DecodingSeconds,
                    }),
                    crossings = sweep.Crossings.Select(c => new { smaller_distance = c.SmallerDistance, larger_distance = c.LargerDistance, p = c.PhysicalErrorRate }),
                });
            }
            else
            {
                var console = Consoles.For(output);
                var table = new Table().Border(TableBorder.Rounded).AddColumn("p");
                foreach (double d in ds)
                {
                    table.AddColumn(new TableColumn($"d = {d:0}").RightAligned());
                }

                foreach (double p in ps)
                {
                    var row = new List<string> { p.ToString("0.####", CultureInfo.InvariantCulture) };
                    row.AddRange(sweep.Points.Where(pt => pt.PhysicalErrorRate == p).Select(pt => string.Create(CultureInfo.InvariantCulture, $"{pt.Estimate.Rate:0.00000} ± {pt.Estimate.StandardError:0.00000}")));
                    table.AddRow(row.ToArray());
                }

                string limit = parse.GetValue(maxErrors) is { } e ? $"up to {parse.GetValue(shots)} shots or {e} errors" : $"{parse.GetValue(shots)} shots";
                console.MarkupLine(Markup.Escape($"{parse.GetValue(code)} code memory (rounds = distance), circuit-level depolarizing noise, MWPM decoding, {limit} per point"));
                console.Write(table);
                foreach (var c in sweep.Crossings)
                {
                    console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"d = {c.SmallerDistance} and d = {c.LargerDistance} cross near p = {c.PhysicalErrorRate:0.####}")));
                }
            }

            if (parse.GetValue(plot) is { } path)
            {
                WritePlot(path, parse.GetValue(code)!, [.. sweep.Points.Select(pt => (pt.Distance, pt.PhysicalErrorRate, pt.Estimate))]);
                (json ? error : output).WriteLine($"plot written to {path}");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static void WritePlot(string path, string code, List<(int D, double P, LogicalErrorEstimate Estimate)> results)
    {
        var plot = new Plot();
        foreach (var group in results.GroupBy(r => r.D))
        {
            var points = group.Where(r => r.Estimate.Rate > 0).ToList();
            var line = plot.Add.Scatter(points.Select(r => Math.Log10(r.P)).ToArray(), points.Select(r => Math.Log10(r.Estimate.Rate)).ToArray());
            line.LegendText = $"d = {group.Key}";
            line.LineWidth = 2;
        }

        plot.Axes.Left.TickGenerator = PlotFiles.LogTicks();
        plot.Axes.Bottom.TickGenerator = PlotFiles.LogTicks();
        plot.XLabel("physical error probability p");
        plot.YLabel("logical error rate per shot");
        plot.Title($"{code} code memory: lines cross at the threshold");
        plot.ShowLegend(Alignment.UpperLeft);
        PlotFiles.Save(plot, path);
    }

    private static bool TryList(string text, out List<double> values)
    {
        values = [];
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v <= 0)
            {
                return false;
            }

            values.Add(v);
        }

        return values.Count > 0;
    }
}
