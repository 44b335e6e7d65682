using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Mpi;
using VnQuantum.Simulation;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq run prog.qasm</c>: simulate and print a histogram, or JSON.</summary>
internal static class RunCommand
{
    /// <summary>Amplitude-updates (gates × 2^n × shots) above which a run shows a progress bar: about a second.</summary>
    private const double ProgressThreshold = 2e9;

    public static Command Create(TextWriter standardOutput, TextWriter standardError)
    {
        var program = new Argument<string>("program") { Description = "An OpenQASM 2.0 or 3 file (the version statement decides), or a circuit in Stim's format (.stim)." };
        var inputs = ProgramLoader.InputOption();
        var shots = new Option<int>("--shots", "-s") { Description = "Number of shots.", DefaultValueFactory = _ => 1024 };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of every random choice (the same seed gives the same counts). Default: drawn and reported." };
        var method = new Option<string>("--method") { Description = "Simulation method: auto (stabilizer for Clifford circuits, density-matrix for small noisy ones, trajectories for large noisy ones, mps where a state vector would not fit, else statevector), statevector, density-matrix, trajectories, stabilizer, mps (matrix product state).", DefaultValueFactory = _ => "auto" };
        method.AcceptOnlyFromAmong("auto", "statevector", "density-matrix", "trajectories", "stabilizer", "mps");
        var maxBond = new Option<int>("--max-bond") { Description = $"The mps method's largest bond dimension; 0 keeps it exact and stops past {MatrixProductState.ExactBondLimit}. A smaller bond is faster and drops weight (reported as discarded_weight).", DefaultValueFactory = _ => 0 };
        var truncation = new Option<double>("--truncation") { Description = "The mps method drops the smallest singular values whose squared sum is at most this share of the norm, at every split.", DefaultValueFactory = _ => MatrixProductState.DefaultTruncationThreshold };
        var noise = new Option<string?>("--noise") { Description = "A noise model (JSON: channels attached to gates, readout errors; see docs/noise.md)." };
        var threads = new Option<int>("--threads", "-t") { Description = "Threads per gate; 0 = one per processor.", DefaultValueFactory = _ => 0 };
        var precision = new Option<string>("--precision") { Description = "Amplitude precision: double, or single (half the memory: one more qubit).", DefaultValueFactory = _ => "double" };
        precision.AcceptOnlyFromAmong("double", "single");
        var fusion = new Option<int>("--fusion") { Description = "Largest fused gate block in qubits (1-5); 0 turns fusion off.", DefaultValueFactory = _ => 2 };
        var perShot = new Option<bool>("--per-shot") { Description = "Run a dynamic circuit's shots one by one instead of branching the state at mid-circuit measurements (the counts are the same for the same seed)." };
        var statevector = new Option<bool>("--statevector") { Description = "Include the final state vector (up to 27 qubits)." };
        var probabilities = new Option<bool>("--probabilities") { Description = "Include the probabilities of all basis states (up to 27 qubits)." };
        var format = new Option<string>("--format", "-f") { Description = "Output format on stdout.", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json");
        var outFile = new Option<string?>("--output", "-o") { Description = "Also write the JSON result to this file." };

        var command = new Command("run", "Simulate an OpenQASM 2.0 or 3 program and print the measurement histogram.")
        {
            program, inputs, shots, seed, method, noise, threads, precision, fusion, perShot, maxBond, truncation, statevector, probabilities, format, outFile,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(shots) < 0)
            {
                result.AddError("--shots must be zero or more.");
            }

            if (result.GetValue(threads) < 0)
            {
                result.AddError("--threads must be zero or more.");
            }

            if (result.GetValue(fusion) is < 0 or > 5)
            {
                result.AddError("--fusion takes 0 (off) to 5 qubits.");
            }

            if (result.GetValue(maxBond) < 0)
            {
                result.AddError("--max-bond must be zero (exact) or more.");
            }

            if (result.GetValue(truncation) is not (>= 0 and < 1))
            {
                result.AddError("--truncation is a weight from 0 to below 1.");
            }
        });

        command.SetAction(parse =>
        {
            // Under mpirun every rank runs this command on its share of the state; rank 0 alone prints and writes.
            if (MpiWorld.LaunchedByMpirun && !MpiWorld.IsAvailable)
            {
                standardError.WriteLine("started by mpirun, but Open MPI's library (libmpi.so.40) is not installed: apt-get install openmpi-bin libopenmpi-dev");
                return ExitCodes.ResourceError;
            }

            using var world = MpiWorld.LaunchedByMpirun ? MpiWorld.Join() : null;
            var output = world is { IsRoot: false } ? TextWriter.Null : standardOutput;
            var error = world is { IsRoot: false } ? TextWriter.Null : standardError;
            string path = parse.GetValue(program)!;
            if (path.EndsWith(".stim", StringComparison.OrdinalIgnoreCase))
            {
                if (parse.GetValue(method) is not ("auto" or "stabilizer"))
                {
                    error.WriteLine($"{path}: a Stim circuit runs with the stabilizer method (Pauli frames), not {parse.GetValue(method)}");
                    return ExitCodes.Usage;
                }

                return StimCommands.Run(path, parse.GetValue(shots), parse.GetValue(seed), parse.GetValue(format) == "json", parse.GetValue(outFile), output, error);
            }

            var circuit = ProgramLoader.Load(path, error, parse.GetValue(inputs));
            if (circuit is null)
            {
                return ExitCodes.InputError;
            }

            NoiseModel? model = null;
            if (parse.GetValue(noise) is { } noisePath)
            {
                try
                {
                    model = NoiseModel.Load(noisePath);
                }
                catch (NoiseModelException e)
                {
                    error.WriteLine(e.Message);
                    return ExitCodes.InputError;
                }
            }

            var options = new ExecutionOptions
            {
                Method = parse.GetValue(method) switch
                {
                    "statevector" => SimulationMethod.StateVector,
                    "density-matrix" => SimulationMethod.DensityMatrix,
                    "trajectories" => SimulationMethod.Trajectories,
                    "stabilizer" => SimulationMethod.Stabilizer,
                    "mps" => SimulationMethod.MatrixProductState,
                    _ => SimulationMethod.Auto,
                },
                Noise = model,
                Shots = parse.GetValue(shots),
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Precision = parse.GetValue(precision) == "single" ? Precision.Single : Precision.Double,
                FusionMaxQubits = parse.GetValue(fusion),
                MaxBond = parse.GetValue(maxBond),
                TruncationThreshold = parse.GetValue(truncation),
                ShotBranching = !parse.GetValue(perShot),
                IncludeStatevector = parse.GetValue(statevector),
                IncludeProbabilities = parse.GetValue(probabilities),
                Distributed = world is { Size: > 1 }, // one rank is an ordinary run, with every method
            };

            ExecutionResult result;
            try
            {
                result = RunWithProgress(circuit, options, error);
            }
            catch (Exception e) when (e is CircuitExecutionException or NoiseModelException)
            {
                error.WriteLine($"{path}: {e.Message}");
                return ExitCodes.InputError;
            }
            catch (StateTooLargeException e)
            {
                error.WriteLine($"{path}: {e.Message}");
                return ExitCodes.ResourceError;
            }
            catch (Exception e) when (world is { Size: > 1 })
            {
                // One rank failing alone would leave the others waiting in an exchange: say why, then end them all.
                standardError.WriteLine($"{path}: rank {world.Rank} of {world.Size}: {e.Message}");
                world.Abort(ExitCodes.ResourceError);
                throw;
            }

            string json = ResultJson.Write(result);
            if (parse.GetValue(outFile) is { } file && world is not { IsRoot: false })
            {
                try
                {
                    File.WriteAllText(file, json);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"{file}: cannot write the result: {e.Message}");
                    return ExitCodes.ResourceError;
                }
            }

            if (parse.GetValue(format) == "json")
            {
                output.WriteLine(json);
            }
            else
            {
                WriteTable(Consoles.For(output), path, circuit, result);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static ExecutionResult RunWithProgress(Circuit circuit, ExecutionOptions options, TextWriter error)
    {
        double work = circuit.Operations.Length * Math.Pow(2, circuit.QubitCount) * (circuit.HasOnlyTerminalMeasurements() ? 1 : Math.Max(1, options.Shots));
        bool interactive = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
        if (work < ProgressThreshold || !interactive)
        {
            return CircuitExecutor.Run(circuit, options);
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        ExecutionResult? result = null;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask($"simulating {circuit.QubitCount} qubits", maxValue: 1.0);
                double fraction = 0;
                var run = Task.Run(() => CircuitExecutor.Run(circuit, options with { Progress = new InlineProgress<double>(f => Volatile.Write(ref fraction, f)) }));
                while (!run.Wait(100))
                {
                    task.Value = Volatile.Read(ref fraction);
                }

                task.Value = 1.0;
                result = run.GetAwaiter().GetResult();
            });
        return result!;
    }

    private static void WriteTable(IAnsiConsole console, string path, Circuit circuit, ExecutionResult result)
    {
        var m = result.Metadata;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]{Markup.Escape(Path.GetFileName(path))}[/]: {m.Qubits} qubits, {m.Shots} shots, seed {m.Seed}, {m.Method} ({m.Precision}, {m.Threads} threads), " +
            $"{m.SimulationMilliseconds + m.SamplingMilliseconds:0.#} ms"));
        if (m.MethodReason.Length > 0)
        {
            console.MarkupLine($"[grey]method {Markup.Escape(m.Method)}: {Markup.Escape(m.MethodReason)}[/]");
        }

        if (result.Counts.Count == 0)
        {
            console.MarkupLine(circuit.ClbitCount == 0 || !circuit.Operations.Any(o => o is MeasureOperation)
                ? "The program measures nothing, so there are no counts; try --probabilities or --statevector."
                : "No shots were taken (--shots 0).");
        }
        else
        {
            const int shown = 32;
            int total = result.Counts.Values.Sum();
            int widest = result.Counts.Values.Max();
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("outcome")
                .AddColumn(new TableColumn("count").RightAligned())
                .AddColumn(new TableColumn("probability").RightAligned())
                .AddColumn("histogram");
            foreach (var (key, count) in result.Counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(shown))
            {
                int bar = (int)Math.Round(40.0 * count / widest);
                table.AddRow(
                    Markup.Escape(key),
                    count.ToString(CultureInfo.InvariantCulture),
                    ((double)count / total).ToString("0.0000", CultureInfo.InvariantCulture),
                    "[green]" + new string('█', Math.Max(bar, 1)) + "[/]");
            }

            console.Write(table);
            if (result.Counts.Count > shown)
            {
                console.MarkupLine(string.Create(CultureInfo.InvariantCulture, $"… and {result.Counts.Count - shown} more outcomes (use --format json for all)."));
            }
        }

        if (result.Probabilities is { } probabilities)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("basis state").AddColumn(new TableColumn("probability").RightAligned());
            foreach (var (p, index) in probabilities.Select((p, i) => (p, i)).Where(x => x.p > 1e-12).OrderByDescending(x => x.p).Take(32))
            {
                table.AddRow(Convert.ToString(index, 2).PadLeft(circuit.QubitCount, '0'), p.ToString("0.000000", CultureInfo.InvariantCulture));
            }

            console.Write(table);
        }

        if (result.Statevector is { } amplitudes)
        {
            var table = new Table().Border(TableBorder.Rounded).AddColumn("basis state").AddColumn(new TableColumn("amplitude").RightAligned());
            foreach (var (a, index) in amplitudes.Select((a, i) => (a, i)).Where(x => x.a.Magnitude > 1e-9).Take(32))
            {
                table.AddRow(Convert.ToString(index, 2).PadLeft(circuit.QubitCount, '0'), string.Create(CultureInfo.InvariantCulture, $"{a.Real:+0.000000;-0.000000} {(a.Imaginary < 0 ? '-' : '+')} {Math.Abs(a.Imaginary):0.000000}i"));
            }

            console.Write(table);
        }
    }
}
