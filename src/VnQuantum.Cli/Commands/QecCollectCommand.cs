using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using ScottPlot;
using Spectre.Console;
using VnQuantum.Circuits.Qec;

namespace VnQuantum.Cli.Commands;

/// <summary>
/// <c>vnq qec collect</c> and <c>vnq qec plot</c>: sinter's collect and plot. Many (circuit, decoder) tasks over the
/// cores with per-task stopping rules, rows appended to a CSV in sinter's layout so a run can be stopped and
/// resumed, and logical error rate against p with binomial error bars.
/// </summary>
internal static class QecCollectCommand
{
    public static Command CreateCollect(TextWriter output, TextWriter error)
    {
        var circuits = new Option<string[]>("--circuits") { Description = "Circuits in Stim's format (.stim), each a task per decoder.", AllowMultipleArgumentsPerToken = true };
        var metadata = new Option<string>("--metadata") { Description = "JSON metadata for every --circuits file, or auto: the file name's key=value terms (d=5,p=0.001.stim), else {\"path\": …}.", DefaultValueFactory = _ => "auto" };
        var code = new Option<string?>("--code") { Description = "Generate memory experiments of this code instead (surface or repetition), one task per distance and p." };
        code.AcceptOnlyFromAmong([.. MemoryCodes.Names]);
        var distances = new Option<string>("--distances") { Description = "With --code: comma-separated distances.", DefaultValueFactory = _ => "3,5" };
        var probabilities = new Option<string>("--p") { Description = "With --code: comma-separated physical error probabilities.", DefaultValueFactory = _ => "0.001,0.002,0.004" };
        var rounds = new Option<int?>("--rounds", "-r") { Description = "With --code: rounds (default: the distance)." };
        var decoders = new Option<string>("--decoders") { Description = $"Comma-separated decoders: {string.Join(", ", QecDecoders.Names)}.", DefaultValueFactory = _ => "matching" };
        var maxShots = new Option<long>("--max-shots") { Description = "Stop a task after this many shots (required, as in sinter: a task that never fails must still end).", Required = true };
        var maxErrors = new Option<long?>("--max-errors") { Description = "Stop a task earlier, once this many shots were decoded wrongly." };
        var threads = new Option<int>("--threads", "-t") { Description = "Threads in all (0: one per core).", DefaultValueFactory = _ => 0 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed: with a task's strong id it fixes the task's bits, so the same seed gives the same totals, resumed or not. Default: drawn and reported, so that separate runs sample different shots." };
        var resume = new Option<string?>("--save-resume-filepath") { Description = "Append rows to this CSV and count its earlier rows toward the limits: an interrupted run resumes, finished tasks are skipped. Without it the CSV goes to stdout." };
        var plot = new Option<string?>("--plot") { Description = "Also plot the totals (.svg or .png): logical error rate against --x-key, a line per --group-key." };
        var (xKey, groupKey) = PlotKeys();
        var command = new Command("collect", "Sample and decode many circuits with per-task limits, as sinter collect: rows in sinter's CSV, resumable.")
        {
            circuits, metadata, code, distances, probabilities, rounds, decoders, maxShots, maxErrors, threads, seed, resume, plot, xKey, groupKey,
        };
        command.SetAction(async (parse, cancel) =>
        {
            // Checked here rather than in a validator: a validator also runs when an option failed to parse, and
            // reading that option's value there throws.
            if (parse.GetValue(maxShots) < 0 || parse.GetValue(maxErrors) < 0)
            {
                error.WriteLine("vnq: --max-shots and --max-errors are zero or more.");
                return ExitCodes.Usage;
            }

            bool files = parse.GetValue(circuits) is { Length: > 0 }, fromCode = parse.GetValue(code) is not null;
            if (files == fromCode)
            {
                error.WriteLine("vnq: give either --circuits files or --code (with --distances and --p) for the tasks.");
                return ExitCodes.Usage;
            }

            string? plotPath = parse.GetValue(plot);
            if (plotPath is not null && PlotPathProblem(plotPath) is { } why)
            {
                // Before the collection, not after hours of it.
                error.WriteLine($"vnq: --plot {plotPath}: {why}");
                return ExitCodes.Usage;
            }

            var names = parse.GetValue(decoders)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (names.FirstOrDefault(n => !QecDecoders.Names.Contains(n)) is { } unknown)
            {
                error.WriteLine($"vnq: unknown decoder '{unknown}' (known: {string.Join(", ", QecDecoders.Names)})");
                return ExitCodes.Usage;
            }

            var tasks = parse.GetValue(code) is { } generated
                ? GeneratedTasks(generated, parse.GetValue(distances)!, parse.GetValue(probabilities)!, parse.GetValue(rounds), names, error)
                : FileTasks(parse.GetValue(circuits)!, parse.GetValue(metadata)!, names, error);
            if (tasks is null)
            {
                return ExitCodes.InputError;
            }

            if (tasks.GroupBy(t => t.StrongId).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                // As sinter refuses it: both would sample the same shots, and their rows would add up to a lie.
                error.WriteLine($"vnq: the same task is given twice: {twice.First().Name}, decoder {twice.First().Decoder}");
                return ExitCodes.Usage;
            }

            ulong seedValue = parse.GetValue(seed) ?? DrawSeed(error);
            string? csvPath = parse.GetValue(resume);
            IReadOnlyList<TaskStats> previous = [];
            StreamWriter? file = null;
            TextWriter rows = output;
            if (csvPath is null)
            {
                rows.WriteLine(SinterCsv.Header);
            }
            else
            {
                file = OpenForResume(csvPath, out previous, error);
                if (file is null)
                {
                    return ExitCodes.InputError;
                }

                rows = file;
            }

            IReadOnlyList<CollectedTask> results;
            try
            {
                var options = new CollectionOptions(parse.GetValue(maxShots), parse.GetValue(maxErrors), parse.GetValue(threads), seedValue);
                var ids = tasks.Select(t => t.StrongId).ToHashSet();
                int earlier = previous.Count(p => ids.Contains(p.StrongId));
                if (earlier > 0)
                {
                    error.WriteLine($"{csvPath}: earlier rows of {earlier} of the {tasks.Count} tasks count toward their limits");
                }

                results = await Task.Run(() => Run(tasks, options, previous, rows, error, cancel), CancellationToken.None);
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"vnq: {csvPath}: {e.Message.Split(" (Parameter")[0]}");
                return ExitCodes.InputError;
            }
            catch (AggregateException e) when (e.InnerException is IOException or UnauthorizedAccessException)
            {
                // The rows written before the failure are kept; the same command resumes from them.
                error.WriteLine($"vnq: cannot write {csvPath ?? "the rows"}: {e.InnerException.Message}");
                return ExitCodes.ResourceError;
            }
            finally
            {
                if (file is not null)
                {
                    try
                    {
                        await file.DisposeAsync();
                    }
                    catch (IOException)
                    {
                        // Already reported by the write that failed.
                    }
                }
            }

            WriteSummary(results, csvPath is null ? error : output);
            if (plotPath is not null)
            {
                WritePlot(plotPath, [.. results.Select(r => r.Stats)], parse.GetValue(xKey)!, parse.GetValue(groupKey)!);
                (csvPath is null ? error : output).WriteLine($"plot written to {plotPath}");
            }

            if (cancel.IsCancellationRequested)
            {
                error.WriteLine("vnq: interrupted; the rows written so far are kept, and the same command resumes from them");
                return ExitCodes.Failed;
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    public static Command CreatePlot(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("csv") { Description = "Sinter CSV files (ours or sinter's); rows of one strong id are summed.", Arity = ArgumentArity.OneOrMore };
        var outFile = new Option<string>("--out", "-o") { Description = "The plot (.svg or .png).", Required = true };
        var (xKey, groupKey) = PlotKeys();
        var command = new Command("plot", "Plot logical error rate against a metadata key from sinter CSV files, with binomial error bars, as sinter plot.") { files, outFile, xKey, groupKey };
        command.SetAction(parse =>
        {
            if (PlotPathProblem(parse.GetValue(outFile)!) is { } why)
            {
                error.WriteLine($"vnq: -o {parse.GetValue(outFile)}: {why}");
                return ExitCodes.Usage;
            }

            var stats = new List<TaskStats>();
            foreach (string file in parse.GetValue(files)!)
            {
                try
                {
                    using var reader = File.OpenText(file);
                    stats.AddRange(SinterCsv.Read(reader, file));
                }
                catch (FormatException e)
                {
                    error.WriteLine(e.Message);
                    return ExitCodes.InputError;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"{file}: {e.Message}");
                    return ExitCodes.InputError;
                }
            }

            List<TaskStats> combined;
            try
            {
                combined = [.. stats.GroupBy(s => s.StrongId).Select(g => g.Aggregate((a, b) => a + b))];
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                error.WriteLine($"vnq: the files disagree: {e.Message}");
                return ExitCodes.InputError;
            }

            int plotted = WritePlot(parse.GetValue(outFile)!, combined, parse.GetValue(xKey)!, parse.GetValue(groupKey)!);
            output.WriteLine($"plot of {plotted} tasks written to {parse.GetValue(outFile)}");
            if (plotted < combined.Count)
            {
                error.WriteLine($"vnq: {combined.Count - plotted} tasks have no numeric '{parse.GetValue(xKey)}' in their metadata and are not plotted");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static (Option<string> X, Option<string> Group) PlotKeys() =>
        (new Option<string>("--x-key") { Description = "Metadata key on the x axis.", DefaultValueFactory = _ => "p" },
         new Option<string>("--group-key") { Description = "Metadata key that makes one line per value (with the decoder).", DefaultValueFactory = _ => "d" });

    private static List<DecodingTask>? GeneratedTasks(string code, string distances, string probabilities, int? rounds, string[] decoders, TextWriter error)
    {
        var ds = distances.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ps = probabilities.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var tasks = new List<DecodingTask>();
        foreach (string p in ps)
        {
            foreach (string d in ds)
            {
                if (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out int distance) || !double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double probability))
                {
                    error.WriteLine($"vnq: --distances takes integers and --p numbers, comma-separated: '{d}', '{p}'");
                    return null;
                }

                try
                {
                    var experiment = MemoryCodes.Create(code, distance, rounds, probability);
                    tasks.AddRange(decoders.Select(decoder => DecodingTask.FromMemoryExperiment(experiment, code, decoder)));
                }
                catch (ArgumentException e)
                {
                    error.WriteLine($"vnq: {e.Message.Split(" (Parameter")[0]}");
                    return null;
                }
            }
        }

        return tasks;
    }

    private static List<DecodingTask>? FileTasks(string[] files, string metadata, string[] decoders, TextWriter error)
    {
        JsonNode? given = null;
        if (metadata != "auto")
        {
            try
            {
                given = JsonNode.Parse(metadata);
            }
            catch (System.Text.Json.JsonException e)
            {
                error.WriteLine($"vnq: --metadata is neither auto nor JSON: {e.Message}");
                return null;
            }
        }

        var tasks = new List<DecodingTask>();
        foreach (string file in files)
        {
            JsonNode? fileMetadata = given;
            if (metadata == "auto")
            {
                try
                {
                    fileMetadata = DecodingTask.MetadataFromFileName(file);
                }
                catch (ArgumentException)
                {
                    fileMetadata = new JsonObject { ["path"] = file };
                }
            }

            try
            {
                tasks.AddRange(decoders.Select(decoder => DecodingTask.FromStimFile(file, decoder, fileMetadata)));
            }
            catch (StimCircuitException e)
            {
                error.WriteLine(e.Message);
                return null;
            }
            catch (ArgumentException e)
            {
                error.WriteLine($"vnq: {e.Message.Split(" (Parameter")[0]}");
                return null;
            }
        }

        return tasks;
    }

    /// <summary>
    /// Opens a resume file for appending, alone (a second collection on the same file is refused, not interleaved),
    /// and reads its rows, summed per task, into <paramref name="previous"/>. A last row without its line end is kept
    /// when it reads as a row, and cut off when it does not (the process was killed mid-write), so that it is neither
    /// counted nor left to corrupt the next row. A blank file gets the header. A file that is not a sinter CSV in
    /// UTF-8 is left untouched.
    /// </summary>
    private static StreamWriter? OpenForResume(string path, out IReadOnlyList<TaskStats> previous, TextWriter error)
    {
        previous = [];
        try
        {
            if (File.Exists(path) && (File.GetAttributes(path) & (FileAttributes.Device | FileAttributes.Directory)) != 0)
            {
                throw new IOException("not a regular file");
            }

            // Readers (a plot of the running collection) may open it; a second writer may not. The writer's lock is
            // a POSIX record lock over the whole file, which other readers do not take.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
            try
            {
                if (!stream.CanSeek)
                {
                    throw new IOException("not a regular file");
                }

                try
                {
                    if (!OperatingSystem.IsMacOS())
                    {
                        stream.Lock(0, long.MaxValue);
                    }
                }
                catch (IOException)
                {
                    throw new IOException("another collection is writing to it; wait for it to end, or write to another file");
                }

                bool blank = true;
                if (stream.Length > 0)
                {
                    long end = LastLineEnd(stream);
                    long tailLength = stream.Length - end;
                    if (tailLength > SinterCsv.MaxLineLength * 4L)
                    {
                        throw new FormatException($"{path}: its last line is longer than a sinter row");
                    }

                    string tail = ReadText(stream, end, tailLength);
                    bool completeBlank = IsBlank(stream, end);

                    // Blank, or only a header cut off while it was written: a new file.
                    blank = completeBlank && (tail.Trim().Length == 0 || SinterCsv.Header.StartsWith(tail, StringComparison.Ordinal));
                    if (!blank)
                    {
                        bool tailIsRow = tail.Trim().Length > 0 && ReadsAsRows(stream, end, tail, path);
                        if (completeBlank && !tailIsRow)
                        {
                            throw new FormatException($"{path}:1: not a sinter CSV: no complete header line");
                        }

                        stream.Position = 0;
                        using (var reader = new StreamReader(new BoundedStream(stream, end), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, leaveOpen: true))
                        {
                            // Summed per task as they are read, so memory does not grow with the rows.
                            previous = SinterCsv.Read(tailIsRow ? new ConcatReader(reader, tail + "\n") : reader, path);
                        }

                        if (tailIsRow)
                        {
                            stream.Position = stream.Length;
                            stream.WriteByte((byte)'\n');
                        }
                        else if (end < stream.Length)
                        {
                            error.WriteLine($"{path}: dropped an unfinished last row ({tailLength} bytes, cut off mid-write)");
                            stream.SetLength(end);
                        }
                    }
                    else
                    {
                        stream.SetLength(0);
                    }
                }

                stream.Position = stream.Length;
                var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
                if (blank)
                {
                    writer.WriteLine(SinterCsv.Header);
                }

                return writer;
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        catch (FormatException e)
        {
            error.WriteLine($"{e.Message} (the file is left as it is)");
            return null;
        }
        catch (DecoderFallbackException)
        {
            error.WriteLine($"{path}: not UTF-8 text, so not a sinter CSV (the file is left as it is)");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            error.WriteLine($"{path}: {e.Message}");
            return null;
        }
    }

    /// <summary>Whether the file's first <paramref name="end"/> bytes and then <paramref name="tail"/> read as a sinter CSV to the end.</summary>
    private static bool ReadsAsRows(FileStream stream, long end, string tail, string path)
    {
        try
        {
            stream.Position = 0;
            using var reader = new StreamReader(new BoundedStream(stream, end), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false, leaveOpen: true);
            _ = SinterCsv.ReadRows(new ConcatReader(reader, tail + "\n"), path).Count();
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Whether the file's first <paramref name="end"/> bytes are all white space.</summary>
    private static bool IsBlank(FileStream stream, long end)
    {
        stream.Position = 0;
        var buffer = new byte[64 * 1024];
        for (long left = end; left > 0;)
        {
            int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (n <= 0)
            {
                break;
            }

            if (buffer.AsSpan(0, n).IndexOfAnyExcept((byte)' ', (byte)'\n', (byte)'\r') >= 0)
            {
                return false;
            }

            left -= n;
        }

        return true;
    }

    /// <summary>Bytes [offset, offset + count) as strict UTF-8.</summary>
    private static string ReadText(FileStream stream, long offset, long count)
    {
        var bytes = new byte[count];
        stream.Position = offset;
        stream.ReadExactly(bytes);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
    }

    /// <summary>Why a plot cannot be written at <paramref name="path"/>, or null.</summary>
    private static string? PlotPathProblem(string path)
    {
        if (!path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) && !path.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
        {
            return "a plot is written as .svg or .png";
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is not null && !Directory.Exists(folder) ? $"the folder {folder} does not exist" : null;
    }

    private static ulong DrawSeed(TextWriter error)
    {
        ulong seed = BitConverter.ToUInt64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seed {seed} (give --seed {seed} to draw the same shots again)"));
        return seed;
    }

    /// <summary>The length of the file up to and including its last '\n'.</summary>
    private static long LastLineEnd(FileStream stream)
    {
        var buffer = new byte[64 * 1024];
        for (long end = stream.Length; end > 0;)
        {
            int n = (int)Math.Min(buffer.Length, end);
            stream.Position = end - n;
            stream.ReadExactly(buffer, 0, n);
            int at = Array.LastIndexOf(buffer, (byte)'\n', n - 1);
            if (at >= 0)
            {
                return end - n + at + 1;
            }

            end -= n;
        }

        return 0;
    }

    private static IReadOnlyList<CollectedTask> Run(List<DecodingTask> tasks, CollectionOptions options, IReadOnlyList<TaskStats> previous, TextWriter rows, TextWriter error, CancellationToken cancel)
    {
        void Row(TaskStats row)
        {
            rows.WriteLine(SinterCsv.Line(row));
            rows.Flush();
        }

        var console = Consoles.For(error);
        if (!console.Profile.Capabilities.Interactive)
        {
            return QecCollection.Collect(tasks, options, previous, Row, cancel: cancel);
        }

        IReadOnlyList<CollectedTask>? results = null;
        console.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
        {
            var bars = tasks.Select(t => ctx.AddTask(Markup.Escape($"{t.Decoder} {t.MetadataJson}"), maxValue: 1.0)).ToArray();
            var progress = new InlineProgress<CollectionProgress>(p => bars[p.TaskIndex].Value = p.Fraction);
            results = QecCollection.Collect(tasks, options, previous, Row, progress, cancel);
            foreach (var bar in bars)
            {
                bar.StopTask();
            }
        });
        return results!;
    }

    private static void WriteSummary(IReadOnlyList<CollectedTask> results, TextWriter writer)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("decoder", "metadata").AddColumn(new TableColumn("shots").RightAligned())
            .AddColumn(new TableColumn("errors").RightAligned()).AddColumn(new TableColumn("logical error rate (likelihood ×1000 range)").RightAligned())
            .AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var r in results)
        {
            var s = r.Stats;
            var fit = s.Fit();
            table.AddRow(
                Markup.Escape(s.Decoder),
                Markup.Escape(s.JsonMetadata),
                s.Shots.ToString(CultureInfo.InvariantCulture),
                s.Errors.ToString(CultureInfo.InvariantCulture),
                Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{fit.Best:0.####E+0} [{fit.Low:0.##E+0}, {fit.High:0.##E+0}]")),
                s.Seconds.ToString("0.0", CultureInfo.InvariantCulture));
        }

        Consoles.For(writer).Write(table);
    }

    /// <summary>
    /// Logical error rate (log) against the numeric metadata <paramref name="xKey"/> (log), one line per decoder and
    /// value of <paramref name="groupKey"/>, with error bars over the rates whose likelihood is within 1000× of the
    /// best fit's (sinter's default). Tasks without a numeric x are left out; the count plotted is returned.
    /// </summary>
    internal static int WritePlot(string path, IReadOnlyList<TaskStats> stats, string xKey, string groupKey)
    {
        var plot = new Plot();
        int plotted = 0;
        var points = stats.Select(s => (Stats: s, Meta: s.Metadata as JsonObject)).Select(p => (p.Stats, X: Number(p.Meta, xKey), Group: p.Meta?[groupKey]?.ToJsonString() ?? "")).Where(p => p.X > 0).ToList();
        foreach (var group in points.GroupBy(p => (p.Stats.Decoder, p.Group)).OrderBy(g => g.Key.Decoder, StringComparer.Ordinal).ThenBy(g => double.TryParse(g.Key.Group, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.MaxValue).ThenBy(g => g.Key.Group, StringComparer.Ordinal))
        {
            var line = group.Where(p => p.Stats.Errors > 0).OrderBy(p => p.X).ToList();
            plotted += group.Count();
            var bounds = group.Where(p => p.Stats.Errors == 0 && p.Stats.Shots > p.Stats.Discards).ToList();
            string label = group.Key.Group.Length == 0 ? group.Key.Decoder : $"{group.Key.Decoder}, {groupKey} = {group.Key.Group.Trim('"')}";
            ScottPlot.Color? color = null;
            if (line.Count > 0)
            {
                double[] xs = [.. line.Select(p => Math.Log10(p.X))];
                double[] ys = [.. line.Select(p => Math.Log10(p.Stats.ErrorRate))];
                var scatter = plot.Add.Scatter(xs, ys);
                scatter.LegendText = label;
                scatter.LineWidth = 2;
                var fits = line.Select(p => p.Stats.Fit()).ToList();
                double[] below = [.. fits.Select(f => Math.Log10(f.Best) - Math.Log10(f.Low))];
                var bars = plot.Add.ErrorBar(xs, ys, below);
                bars.YErrorNegative = below;
                bars.YErrorPositive = [.. fits.Select(f => Math.Log10(f.High) - Math.Log10(f.Best))];
                bars.Color = scatter.Color;
                color = scatter.Color;
            }

            if (bounds.Count > 0)
            {
                // No error seen: the rate lies below the fit's upper end, drawn as a downward triangle there.
                double[] bx = [.. bounds.Select(p => Math.Log10(p.X))];
                double[] by = [.. bounds.Select(p => Math.Log10(p.Stats.Fit().High))];
                var markers = plot.Add.ScatterPoints(bx, by, color);
                markers.MarkerShape = MarkerShape.FilledTriangleDown;
                markers.MarkerSize = 9;
                if (color is null)
                {
                    markers.LegendText = label + " (no errors: upper bound)";
                }
            }
        }

        plot.Axes.Left.TickGenerator = PlotFiles.LogTicks();
        plot.Axes.Bottom.TickGenerator = PlotFiles.LogTicks();
        plot.XLabel(xKey == "p" ? "physical error probability p" : xKey);
        plot.YLabel("logical error rate per shot");
        plot.Title("Logical error rate (bars: likelihood within 1000× of the best fit)");
        plot.ShowLegend(Alignment.UpperLeft);
        PlotFiles.Save(plot, path);
        return plotted;
    }

    private static double Number(JsonObject? metadata, string key) =>
        metadata?[key] is JsonValue v && v.TryGetValue(out double x) ? x : double.NaN;

    /// <summary>One reader, then a string.</summary>
    private sealed class ConcatReader(TextReader first, string then) : TextReader
    {
        private readonly StringReader _then = new(then);
        private bool _firstDone;

        public override int Read()
        {
            if (!_firstDone)
            {
                int ch = first.Read();
                if (ch >= 0)
                {
                    return ch;
                }

                _firstDone = true;
            }

            return _then.Read();
        }

        public override int Peek() => _firstDone ? _then.Peek() : first.Peek() is var ch && ch >= 0 ? ch : _then.Peek();
    }

    /// <summary>A read-only view of the first <c>length</c> bytes of a stream.</summary>
    private sealed class BoundedStream(Stream inner, long length) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) =>
            inner.Read(buffer, offset, (int)Math.Min(count, Math.Max(0, length - inner.Position)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
