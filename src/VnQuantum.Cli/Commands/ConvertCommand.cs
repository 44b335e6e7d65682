using System.CommandLine;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Noise;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Circuits.Qec;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq convert prog.qasm --to stim|qasm2</c>: the same circuit for another tool.</summary>
internal static class ConvertCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var program = new Argument<string>("program") { Description = "An OpenQASM 2.0 or 3 file." };
        var inputs = ProgramLoader.InputOption();
        var to = new Option<string>("--to") { Description = "stim (Clifford circuits, with Pauli noise and Pauli feedback) or qasm2.", DefaultValueFactory = _ => "stim" };
        to.AcceptOnlyFromAmong("stim", "qasm2");
        var noise = new Option<string?>("--noise") { Description = "A noise model to write into the Stim circuit (Pauli channels and readout flips)." };
        var outFile = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout." };
        var command = new Command("convert", "Write a program for another tool: Stim's circuit format, or OpenQASM 2.0.") { program, inputs, to, noise, outFile };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(program)!;
            var circuit = ProgramLoader.Load(path, error, parse.GetValue(inputs));
            if (circuit is null)
            {
                return ExitCodes.InputError;
            }

            string text;
            try
            {
                var model = parse.GetValue(noise) is { } noisePath ? NoiseModel.Load(noisePath) : null;
                text = parse.GetValue(to) == "qasm2" ? OpenQasm2.Write(circuit) : StimFormat.Write(circuit, model);
            }
            catch (Exception e) when (e is CircuitExecutionException or NoiseModelException or NotSupportedException)
            {
                error.WriteLine($"{path}: {e.Message}");
                return ExitCodes.InputError;
            }

            return CommandOutput.Emit(text, parse.GetValue(outFile), output, error);
        });
        return command;
    }
}
