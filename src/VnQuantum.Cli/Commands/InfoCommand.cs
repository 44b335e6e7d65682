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
        var command = new Command("info", "Describe a program: qubits, classical bits, depth, gate counts and the memory a simulation needs.") { program, inputs, format };
        command.SetAction(parse =>
        {
            var circuit = ProgramLoader.Load(parse.GetValue(program)!, error, parse.GetValue(inputs));
            if (circuit is null)
            {
                return ExitCodes.InputError;
            }

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
                    sampled_from_final_state = circuit.HasOnlyTerminalMeasurements(),
                    clifford = isClifford,
                    clifford_obstacle = why,
                    automatic_method = MethodSelection.Name(MethodSelection.Choose(circuit, new ExecutionOptions()).Method),
                    methods_for_1024_shots = MethodSelection.Estimate(circuit, 1024).Select(c => new
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

            table.AddRow("sampled from the final state", circuit.HasOnlyTerminalMeasurements() ? "yes" : "no (mid-circuit measurement, reset or if)");
            bool clifford = MethodSelection.IsClifford(circuit, out string? obstacle);
            table.AddRow("Clifford-only", clifford ? "yes: the stabilizer method runs it" : Markup.Escape($"no: {obstacle}"));
            table.AddRow("automatic method", MethodSelection.Name(MethodSelection.Choose(circuit, new ExecutionOptions()).Method));
            console.Write(table);

            console.MarkupLine("What each method would cost for 1024 shots (times are rough estimates):");
            var costs = new Table().Border(TableBorder.Rounded)
                .AddColumn("method").AddColumn(new TableColumn("memory").RightAligned()).AddColumn(new TableColumn("time").RightAligned()).AddColumn("note");
            foreach (var cost in MethodSelection.Estimate(circuit, 1024))
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
