using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using VnQuantum.Circuits.Qec;
using VnQuantum.Simulation.Decoding;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Cli.Commands;

/// <summary>
/// <c>vnq sample|detect|dem|decode</c>: Stim's own command line for circuits in Stim's format, with Stim's result
/// formats, so that a QEC researcher's circuits and scripts work unchanged.
/// </summary>
internal static class StimCommands
{
    public static IEnumerable<Command> Create(TextWriter output, TextWriter error) =>
        [CreateSample(output, error), CreateDetect(output, error), CreateDem(output, error), CreateDecode(output, error)];

    /// <summary>Loads a Stim circuit, or writes the file:line:col error and returns null.</summary>
    private static StimCircuit? Load(string path, TextWriter error)
    {
        try
        {
            return StimCircuit.Load(path);
        }
        catch (StimCircuitException e)
        {
            error.WriteLine(e.Message);
            return null;
        }
    }

    /// <summary>Loads a circuit and makes its sampler, or writes why not and returns null with the exit code in <paramref name="code"/>.</summary>
    private static (StimCircuit Circuit, PauliFrameSampler Sampler)? Prepare(string path, ulong seed, TextWriter error, out int code)
    {
        var loaded = Load(path, error);
        if (loaded is null)
        {
            code = ExitCodes.InputError;
            return null;
        }

        var sampler = Sampler(loaded, path, seed, error, out code);
        return sampler is null ? null : (loaded, sampler);
    }

    /// <summary>The frame sampler of a loaded circuit, or null with the reason written (feedback frames cannot take).</summary>
    private static PauliFrameSampler? Sampler(StimCircuit circuit, string path, ulong seed, TextWriter error, out int code)
    {
        code = ExitCodes.Ok;
        if (!Fits(circuit, path, error))
        {
            code = ExitCodes.ResourceError;
            return null;
        }

        try
        {
            return new PauliFrameSampler(circuit.Program, seed);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"{path}: {e.Message}");
            code = ExitCodes.InputError;
            return null;
        }
    }

    /// <summary>Whether the reference shot's tableau (its size grows with the square of the qubits) fits in memory; says so when not.</summary>
    private static bool Fits(StimCircuit circuit, string path, TextWriter error)
    {
        long needed = StabilizerTableau.RequiredBytes(circuit.Program.QubitCount);
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed <= available / 2)
        {
            return true;
        }

        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{path}: {circuit.Program.QubitCount} qubits need a {needed / 1e9:F1} GB tableau for the reference shot; {available / 1e9:F1} GB of memory is available"));
        return false;
    }

    private static Argument<string> CircuitArgument() => new("circuit") { Description = "A circuit in Stim's format (.stim)." };

    private static (Option<int> Shots, Option<ulong?> Seed, Option<string> Format, Option<string?> Out) SamplingOptions(string defaultFormat)
    {
        var shots = new Option<int>("--shots", "-s") { Description = "Number of shots.", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed (the same seed gives the same bits). Default: drawn and reported on stderr." };
        var format = new Option<string>("--out-format") { Description = "Stim's result format: 01, b8, r8, ptb64, hits or dets.", DefaultValueFactory = _ => defaultFormat };
        format.AcceptOnlyFromAmong([.. StimResultFormats.Names]);
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the results to this file instead of stdout." };
        return (shots, seed, format, outFile);
    }

    private static void ValidateShots(Command command, Option<int> shots, Option<string> format)
    {
        command.Validators.Add(result =>
        {
            int n = result.GetValue(shots);
            if (n < 0)
            {
                result.AddError("--shots must be zero or more.");
            }

            if (result.GetValue(format) == "ptb64" && n % 64 != 0)
            {
                result.AddError($"--out-format ptb64 packs 64 shots to a word: --shots must be a multiple of 64, not {n}.");
            }
        });
    }

    private static Command CreateSample(TextWriter output, TextWriter error)
    {
        var circuit = CircuitArgument();
        var (shots, seed, format, outFile) = SamplingOptions("01");
        var command = new Command("sample", "Sample a Stim circuit's measurement results (Pauli frames after one reference shot), in Stim's result formats.") { circuit, shots, seed, format, outFile };
        ValidateShots(command, shots, format);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(circuit)!;
            if (Prepare(path, Seed(parse.GetValue(seed), error), error, out int refused) is not var (loaded, sampler))
            {
                return refused;
            }

            return Stream(sampler, parse.GetValue(shots), detectors: false, (parse.GetValue(format)!, -1, parse.GetValue(outFile)), null, output, error);
        });
        return command;
    }

    private static Command CreateDetect(TextWriter output, TextWriter error)
    {
        var circuit = CircuitArgument();
        var (shots, seed, format, outFile) = SamplingOptions("01");
        var append = new Option<bool>("--append-observables") { Description = "Write each shot's observable flips after its detection events." };
        var obsOut = new Option<string?>("--obs-out") { Description = "Write the observable flips to this file." };
        var obsFormat = new Option<string>("--obs-out-format") { Description = "Result format of --obs-out.", DefaultValueFactory = _ => "01" };
        obsFormat.AcceptOnlyFromAmong([.. StimResultFormats.Names]);
        var command = new Command("detect", "Sample a Stim circuit's detection events (and observable flips), in Stim's result formats.") { circuit, shots, seed, format, outFile, append, obsOut, obsFormat };
        ValidateShots(command, shots, format);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(circuit)!;
            if (Prepare(path, Seed(parse.GetValue(seed), error), error, out int refused) is not var (loaded, sampler))
            {
                return refused;
            }

            int detectors = loaded.DetectorCount;
            var events = (parse.GetValue(format)!, detectors, parse.GetValue(outFile));
            var observables = parse.GetValue(obsOut) is { } observablesPath ? (parse.GetValue(obsFormat)!, 0, observablesPath) : ((string, int, string)?)null;
            return Stream(sampler, parse.GetValue(shots), detectors: true, events, observables, output, error, parse.GetValue(append) ? -1 : detectors, loaded.ObservableCount);
        });
        return command;
    }

    private static Command CreateDem(TextWriter output, TextWriter error)
    {
        var circuit = CircuitArgument();
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the model to this file instead of stdout." };
        var decompose = new Option<bool>("--decompose-errors") { Description = "Split mechanisms that are not graphlike into graphlike pieces (D0 D1 ^ D2 D3), as Stim's --decompose_errors, for matching decoders." };
        var command = new Command("dem", "Print a Stim circuit's detector error model in Stim's format (as `stim analyze_errors`).") { circuit, outFile, decompose };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(circuit)!;
            var loaded = Load(path, error);
            if (loaded is null)
            {
                return ExitCodes.InputError;
            }

            if (!Fits(loaded, path, error))
            {
                return ExitCodes.ResourceError;
            }

            DetectorErrorModel model;
            try
            {
                model = DetectorErrorModel.FromProgram(loaded.Program, parse.GetValue(decompose));
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"{path}: {e.Message}");
                return ExitCodes.InputError;
            }

            return CommandOutput.Emit(model.ToStimText(), parse.GetValue(outFile), output, error);
        });
        return command;
    }

    private static Command CreateDecode(TextWriter output, TextWriter error)
    {
        var dem = new Option<string>("--dem") { Description = "The detector error model (Stim's text format).", Required = true };
        var input = new Option<string>("--in") { Description = "Detection events, one shot after another.", Required = true };
        var inFormat = new Option<string>("--in-format") { Description = "Result format of --in.", DefaultValueFactory = _ => "b8" };
        inFormat.AcceptOnlyFromAmong([.. StimResultFormats.Names]);
        var includes = new Option<bool>("--in-includes-observables") { Description = "Each shot of --in ends with its actual observable flips: count the shots decoded wrongly." };
        var outFile = new Option<string?>("--out", "-o") { Description = "Write the predicted observable flips to this file." };
        var outFormat = new Option<string>("--out-format") { Description = "Result format of --out.", DefaultValueFactory = _ => "01" };
        outFormat.AcceptOnlyFromAmong([.. StimResultFormats.Names]);
        var threads = new Option<int>("--threads") { Description = "Threads decoding shots (0: one per processor; PyMatching's command line uses one).", DefaultValueFactory = _ => 0 };
        threads.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 0)
            {
                r.AddError("--threads must be 0 (one per processor) or more");
            }
        });
        var command = new Command("decode", "Decode detection events with minimum-weight perfect matching on a detector error model; print the predicted observable flips, or count mistakes.")
        {
            dem, input, inFormat, includes, outFile, outFormat, threads,
        };
        command.SetAction(parse =>
        {
            string demPath = parse.GetValue(dem)!;
            string inPath = parse.GetValue(input)!;
            DetectorErrorModel model;
            List<ulong[]> shots;
            try
            {
                model = DetectorErrorModel.Parse(File.ReadAllText(demPath), demPath);
                int bits = model.DetectorCount + (parse.GetValue(includes) ? model.ObservableCount : 0);
                using var stream = File.OpenRead(inPath);
                shots = StimResultFormats.Read(stream, parse.GetValue(inFormat)!, bits, model.DetectorCount);
            }
            catch (FormatException e)
            {
                error.WriteLine(e.Message.StartsWith(demPath, StringComparison.Ordinal) ? e.Message : $"{inPath}: {e.Message}");
                return ExitCodes.InputError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"cannot read: {e.Message}");
                return ExitCodes.InputError;
            }

            var decoder = new MatchingDecoder(model);
            var clock = Stopwatch.StartNew();
            var predictions = new ulong[shots.Count];
            int detectors = model.DetectorCount;
            int threadCount = parse.GetValue(threads);
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = threadCount == 0 ? Environment.ProcessorCount : threadCount };
            Parallel.For(0, shots.Count, parallel, s => predictions[s] = decoder.Decode(shots[s]));
            double seconds = clock.Elapsed.TotalSeconds;

            if (parse.GetValue(includes))
            {
                int mistakes = 0;
                for (int s = 0; s < shots.Count; s++)
                {
                    ulong actual = 0;
                    for (int o = 0; o < model.ObservableCount; o++)
                    {
                        int bit = detectors + o;
                        actual |= ((shots[s][bit >> 6] >> (bit & 63)) & 1) << o;
                    }

                    mistakes += actual != predictions[s] ? 1 : 0;
                }

                error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"decoded {shots.Count} shots in {seconds:F3} s ({1e6 * seconds / Math.Max(1, shots.Count):F1} µs a shot); {mistakes} mistaken"));
                if (parse.GetValue(outFile) is null)
                {
                    output.WriteLine(mistakes.ToString(CultureInfo.InvariantCulture));
                    return ExitCodes.Ok;
                }
            }

            var table = SampleTable.FromMasks(predictions, model.ObservableCount);
            return WriteTable(table, parse.GetValue(outFormat)!, 0, parse.GetValue(outFile), output, error);
        });
        return command;
    }

    /// <summary>
    /// <c>vnq run circuit.stim</c>: the histogram of whole measurement records (record 0 leftmost, as Stim writes
    /// them), with the detection-event count, in the run command's table or JSON.
    /// </summary>
    public static int Run(string path, int shots, ulong? seed, bool json, string? jsonFile, TextWriter output, TextWriter error)
    {
        ulong chosen = seed ?? (ulong)Random.Shared.NextInt64();
        if (Prepare(path, chosen, error, out int refused) is not var (loaded, sampler))
        {
            return refused;
        }

        var clock = Stopwatch.StartNew();
        var records = sampler.Sample(shots);
        var detectors = sampler.SampleDetectors(shots);
        double milliseconds = clock.Elapsed.TotalMilliseconds;
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var text = new MemoryStream())
        {
            StimResultFormats.Write(records, text, "01");
            foreach (string line in System.Text.Encoding.ASCII.GetString(text.GetBuffer(), 0, (int)text.Length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                counts[line] = counts.GetValueOrDefault(line) + 1;
            }
        }

        if (shots > 0 && loaded.MeasurementCount == 0)
        {
            counts.Clear();
        }

        long events = 0;
        for (int d = 0; d < loaded.DetectorCount; d++)
        {
            events += detectors.CountOnes(d);
        }

        var result = new
        {
            circuit = Path.GetFileName(path),
            format = "stim",
            method = "stabilizer",
            qubits = loaded.QubitCount,
            measurements = loaded.MeasurementCount,
            detectors = loaded.DetectorCount,
            observables = loaded.ObservableCount,
            shots,
            seed = chosen,
            milliseconds = Math.Round(milliseconds, 3),
            detection_events = events,
            counts = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
        };
        string serialized = OutputFormat.Json(result);
        if (jsonFile is not null && CommandOutput.Emit(serialized + "\n", jsonFile, output, error) != ExitCodes.Ok)
        {
            return ExitCodes.ResourceError;
        }

        if (json)
        {
            output.WriteLine(serialized);
            return ExitCodes.Ok;
        }

        var console = Consoles.For(output);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{Markup.Escape(Path.GetFileName(path))}[/]: {loaded.QubitCount} qubits, {loaded.MeasurementCount} measurements, {loaded.DetectorCount} detectors, {shots} shots, seed {chosen}, stabilizer (Pauli frames), {milliseconds:0.#} ms"));
        if (loaded.DetectorCount > 0)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"detection events: {events} ({(double)events / Math.Max(1, (long)shots * loaded.DetectorCount):0.0000} of detector-shots)"));
        }

        if (counts.Count == 0)
        {
            console.MarkupLine(loaded.MeasurementCount == 0 ? "The circuit measures nothing, so there are no counts." : "No shots were taken (--shots 0).");
            return ExitCodes.Ok;
        }

        const int shown = 32;
        int widest = counts.Values.Max();
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("record (0 first)").AddColumn(new TableColumn("count").RightAligned()).AddColumn("histogram");
        foreach (var (key, count) in result.counts.Take(shown))
        {
            table.AddRow(Markup.Escape(key.Length > 64 ? key[..61] + "…" : key), count.ToString(CultureInfo.InvariantCulture), "[green]" + new string('█', Math.Max(1, (int)Math.Round(40.0 * count / widest))) + "[/]");
        }

        console.Write(table);
        if (counts.Count > shown)
        {
            console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"… and {counts.Count - shown} more outcomes (use --format json for all)."));
        }

        return ExitCodes.Ok;
    }

    private static ulong Seed(ulong? seed, TextWriter error)
    {
        if (seed is { } given)
        {
            return given;
        }

        ulong drawn = (ulong)Random.Shared.NextInt64();
        error.WriteLine($"seed: {drawn.ToString(CultureInfo.InvariantCulture)}");
        return drawn;
    }

    /// <summary>
    /// Samples in chunks and writes each as it comes (memory stays at one chunk): <paramref name="main"/> gets the
    /// columns before <paramref name="mainColumns"/> (all when −1); <paramref name="observables"/>, when set, the
    /// <paramref name="observableCount"/> columns after the detectors.
    /// </summary>
    private static int Stream(
        PauliFrameSampler sampler,
        int shots,
        bool detectors,
        (string Format, int DetectorColumns, string? File) main,
        (string Format, int DetectorColumns, string File)? observables,
        TextWriter output,
        TextWriter error,
        int mainColumns = -1,
        int observableCount = 0)
    {
        const int ChunkShots = 16 * PauliFrameSampler.BatchShots;
        string? failed = null;
        try
        {
            output.Flush();
            using var mainStream = Open(main.File, main.Format);
            using var observableStream = observables is { } o ? File.Create(o.File) : null;
            sampler.SampleInChunks(shots, detectors, ChunkShots, chunk =>
            {
                int detectorCount = detectors ? chunk.Columns - observableCount : chunk.Columns;
                var events = mainColumns < 0 ? chunk : chunk.Slice(0, mainColumns);
                failed = main.File;
                Write(events, main.Format, main.DetectorColumns, mainStream, output);
                if (observableStream is not null)
                {
                    failed = observables!.Value.File;
                    StimResultFormats.Write(chunk.Slice(detectorCount, observableCount), observableStream, observables.Value.Format, observables.Value.DetectorColumns);
                }
            });
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{failed ?? main.File ?? observables?.File}: cannot write: {e.Message}");
            return ExitCodes.ResourceError;
        }
    }

    /// <summary>The file, or for a binary format on stdout the raw stdout stream; null means text to <c>output</c>.</summary>
    private static Stream? Open(string? file, string format) =>
        file is not null ? File.Create(file) : StimResultFormats.IsBinary(format) ? Console.OpenStandardOutput() : null;

    private static void Write(SampleTable table, string format, int detectorColumns, Stream? stream, TextWriter output)
    {
        if (stream is not null)
        {
            StimResultFormats.Write(table, stream, format, detectorColumns);
            return;
        }

        using var memory = new MemoryStream();
        StimResultFormats.Write(table, memory, format, detectorColumns);
        output.Write(System.Text.Encoding.ASCII.GetString(memory.GetBuffer(), 0, (int)memory.Length));
    }

    /// <summary>Writes a table in a result format to a file, or stdout (binary formats to the raw stdout stream).</summary>
    private static int WriteTable(SampleTable table, string format, int detectorColumns, string? file, TextWriter output, TextWriter error)
    {
        try
        {
            output.Flush();
            using var stream = Open(file, format);
            Write(table, format, detectorColumns, stream, output);
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"{file}: cannot write: {e.Message}");
            return ExitCodes.ResourceError;
        }
    }
}
