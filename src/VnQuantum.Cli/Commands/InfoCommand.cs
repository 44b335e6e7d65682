using System.CommandLine;
using Spectre.Console;
using VnQuantum.Circuits.Execution;
using VnQuantum.Simulation;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq info prog.qasm</c>: qubits, classical bits, depth, gate counts, memory.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var program = new Argument<string>("program") { Description = "An OpenQASM 2.0 or 3 file (the version statement decides)." };
        var inputs = ProgramLoader.InputOption();
        var format = OutputFormat.Create();
        var shots = new Option<int>("--shots", "-s") { Description = "The shots the time estimates are for.", DefaultValueFactory = _ => 1024 };
        var command = new Command("info", "Describe a program: qubits, classical bits, depth, gate counts, the memory a simulation needs and how long `vnq run` will take.") { program, inputs, format, shots };
        command.SetAction(parse =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var circuit = ProgramLoader.Load(parse.GetValue(program)!, error, parse.GetValue(inputs));
            if (circuit is null)
            {
                return ExitCodes.InputError;
            }

            double loadSeconds = clock.Elapsed.TotalSeconds;
            int shotCount = parse.GetValue(shots);
            if (shotCount < 0)
            {
                error.WriteLine("--shots must be zero or more");
                return ExitCodes.Usage;
            }

            var run = EstimateRun(circuit, shotCount, loadSeconds);

            if (parse.IsJson(format))
            {
                bool isClifford = MethodSelection.IsClifford(circuit, out string? why);
                bool fits = circuit.QubitCount <= StateVector.MaxQubits;
                OutputFormat.WriteJson(output, new
                {
                    qubits = circuit.QubitCount,
                    clbits = circuit.ClbitCount,
                    operations = circuit.Operations.Length,
                    depth = circuit.Depth,
                    statevector_bytes_double = fits ? StateVector.RequiredBytes(circuit.QubitCount, Precision.Double) : (long?)null,
                    statevector_bytes_single = fits ? StateVector.RequiredBytes(circuit.QubitCount, Precision.Single) : (long?)null,
                    mpi_ranks_at_this_memory = DistributedStateVector.RanksNeeded(circuit.QubitCount, MachineMemory),
                    sampled_from_final_state = circuit.HasOnlyTerminalMeasurements(),
                    clifford = isClifford,
                    clifford_obstacle = why,
                    automatic_method = MethodSelection.Name(MethodSelection.Choose(circuit, new ExecutionOptions()).Method),
                    shots = shotCount,
                    estimated_run_seconds = run.Seconds,
                    estimate_basis = run.Basis,
                    methods = MethodSelection.Estimate(circuit, shotCount).Select(c => new
                    {
                        method = MethodSelection.Name(c.Method),
                        memory_bytes = c.MemoryBytes == long.MaxValue ? (long?)null : c.MemoryBytes,
                        rough_seconds = double.IsFinite(c.RoughSeconds) ? c.RoughSeconds : (double?)null,
                        obstacle = c.Obstacle,
                    }),
                    operation_counts = circuit.CountOperations().OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
                });
                return ExitCodes.Ok;
            }

            var console = Consoles.For(output);
            var table = new Table().Border(TableBorder.Rounded).AddColumn("property").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("qubits", circuit.QubitCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("classical bits", circuit.ClbitCount.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("operations", circuit.Operations.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("depth", circuit.Depth.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (circuit.QubitCount <= StateVector.MaxQubits)
            {
                table.AddRow("state vector memory (double)", Markup.Escape(StateVector.FormatBytes(StateVector.RequiredBytes(circuit.QubitCount, Precision.Double))));
                table.AddRow("state vector memory (single)", Markup.Escape(StateVector.FormatBytes(StateVector.RequiredBytes(circuit.QubitCount, Precision.Single))));
            }
            else
            {
                table.AddRow("state vector memory", $"more than 2^{StateVector.MaxQubits} amplitudes: too large");
            }

            table.AddRow("MPI ranks, one a node with this machine's memory", DistributedStateVector.RanksNeeded(circuit.QubitCount, MachineMemory) is { } ranks
                ? Markup.Escape(ranks == 1 ? "1 (the state fits here)" : $"{ranks} (mpirun -np {ranks}, {StateVector.FormatBytes(MachineMemory)} a node)")
                : "more than 2^30, or too few qubits to split");
            table.AddRow("sampled from the final state", circuit.HasOnlyTerminalMeasurements() ? "yes" : "no (mid-circuit measurement, reset or if)");
            bool clifford = MethodSelection.IsClifford(circuit, out string? obstacle);
            table.AddRow("Clifford-only", clifford ? "yes: the stabilizer method runs it" : Markup.Escape($"no: {obstacle}"));
            table.AddRow("automatic method", MethodSelection.Name(MethodSelection.Choose(circuit, new ExecutionOptions()).Method));

            table.AddRow($"`vnq run`, {shotCount} shots", Markup.Escape(run.Seconds is { } t ? $"about {FormatSeconds(t)} ({run.Basis})" : run.Basis));
            console.Write(table);

            console.MarkupLine($"What each method would cost for {shotCount} shots (times are rough estimates from a cost model):");
            var costs = new Table().Border(TableBorder.Rounded)
                .AddColumn("method").AddColumn(new TableColumn("memory").RightAligned()).AddColumn(new TableColumn("time").RightAligned()).AddColumn("note");
            foreach (var cost in MethodSelection.Estimate(circuit, shotCount))
            {
                costs.AddRow(
                    MethodSelection.Name(cost.Method),
                    cost.MemoryBytes == long.MaxValue ? "too large" : Markup.Escape(StateVector.FormatBytes(cost.MemoryBytes)),
                    Markup.Escape(FormatSeconds(cost.RoughSeconds)),
                    Markup.Escape(cost.Obstacle ?? string.Empty));
            }

            console.Write(costs);

            var gates = new Table().Border(TableBorder.Rounded).AddColumn("operation").AddColumn(new TableColumn("count").RightAligned());
            foreach (var (name, count) in circuit.CountOperations().OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
            {
                gates.AddRow(Markup.Escape(name), count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            console.Write(gates);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What starting the runtime and the CLI costs a `vnq run` before it reads the program (measured on the 2-core development machine).</summary>
    private const double ProcessStartSeconds = 0.12;

    /// <summary>The memory this process may use, as the state vector's own fit check reads it.</summary>
    private static long MachineMemory => GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    /// <summary>
    /// The whole `vnq run` with the automatic method: start-up, reading the program (as long as it took here) and the
    /// run itself, timed by a trial run of up to a second (three for a dynamic circuit or a matrix product state)
    /// where the state is small enough to allocate here; a larger state vector by its kernels timed on a smaller
    /// state; else from the cost model.
    /// </summary>
    private static (double? Seconds, string Basis) EstimateRun(VnQuantum.Circuits.Ir.Circuit circuit, int shots, double loadSeconds)
    {
        var options = new ExecutionOptions { Shots = shots, Seed = 1 };
        MethodCost cost;
        try
        {
            cost = MethodSelection.CostOfRun(circuit, options);
        }
        catch (CircuitExecutionException e)
        {
            return (null, e.Message);
        }

        if (cost.Obstacle is not null || !double.IsFinite(cost.RoughSeconds))
        {
            return (null, cost.Obstacle ?? "no method can run it");
        }

        try
        {
            // A dynamic circuit's run plans first (a sparse trial, a branching attempt), and a matrix product state's
            // gates cost more as its bonds grow, so their trials get longer: the pace of the trial's last second
            // is the one extrapolated, past the start-up and the cheap first gates.
            double budget = circuit.HasOnlyTerminalMeasurements() && cost.Method != SimulationMethod.MatrixProductState ? 1 : 3;
            if (MethodSelection.TimeByTrialRun(circuit, options, TimeSpan.FromSeconds(budget)) is { } measured)
            {
                return (ProcessStartSeconds + loadSeconds + measured, measured <= budget ? "timed by running it" : $"extrapolated from a {budget:0}-second trial run");
            }

            if (MethodSelection.TimeByProxy(circuit, options, TimeSpan.FromSeconds(2)) is { } proxied)
            {
                return (ProcessStartSeconds + loadSeconds + proxied, $"its kernels timed on a {MethodSelection.TrialRunMaxQubits}-qubit state and scaled");
            }
        }
        catch (Exception e) when (e is CircuitExecutionException or StateTooLargeException or OutOfMemoryException)
        {
            return (null, e.Message);
        }

        return (ProcessStartSeconds + loadSeconds + cost.RoughSeconds, "cost model");
    }

    private static string FormatSeconds(double seconds) => seconds switch
    {
        double.PositiveInfinity or > 1e9 => "—",
        < 1e-3 => "< 1 ms",
        < 1 => $"{seconds * 1000:0} ms",
        < 120 => $"{seconds:0.#} s",
        < 7200 => $"{seconds / 60:0} min",
        < 172800 => $"{seconds / 3600:0.#} h",
        _ => $"{seconds / 86400:0} days",
    };
}
