using System.CommandLine;
using Spectre.Console;
using VnQuantum.Simulation;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq info prog.qasm</c>: qubits, classical bits, depth, gate counts, memory.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var program = new Argument<string>("program") { Description = "An OpenQASM 2.0 file." };
        var command = new Command("info", "Describe a program: qubits, classical bits, depth, gate counts and the memory a simulation needs.") { program };
        command.SetAction(parse =>
        {
            var circuit = ProgramLoader.Load(parse.GetValue(program)!, error);
            if (circuit is null)
            {
                return ExitCodes.InputError;
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
            console.Write(table);

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
}
