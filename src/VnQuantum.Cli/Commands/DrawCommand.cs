using System.CommandLine;
using VnQuantum.Circuits.Drawing;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq draw prog.qasm [-o circuit.svg]</c>: the circuit as a text diagram, or an SVG picture.</summary>
internal static class DrawCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var program = new Argument<string>("program") { Description = "An OpenQASM 2.0 or 3 file (the version statement decides)." };
        var inputs = ProgramLoader.InputOption();
        var outFile = new Option<string?>("--output", "-o") { Description = "Write an SVG picture (.svg) or the text diagram (any other name) to this file." };
        var fold = new Option<int>("--fold") { Description = "Fold the text diagram at this many characters; 0 never folds.", DefaultValueFactory = _ => 100 };
        var command = new Command("draw", "Draw a circuit: a text diagram on the terminal, or SVG with -o circuit.svg.") { program, inputs, outFile, fold };
        command.SetAction(parse =>
        {
            var circuit = ProgramLoader.Load(parse.GetValue(program)!, error, parse.GetValue(inputs));
            if (circuit is null)
            {
                return ExitCodes.InputError;
            }

            if (parse.GetValue(fold) < 0)
            {
                error.WriteLine("vnq: --fold takes 0 (never) or a width in characters");
                return ExitCodes.Usage;
            }

            string? file = parse.GetValue(outFile);
            bool svg = file?.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) == true;
            string text = svg ? CircuitDrawer.Svg(circuit) : CircuitDrawer.Text(circuit, parse.GetValue(fold));
            return CommandOutput.Emit(text, file, output, error);
        });
        return command;
    }
}
