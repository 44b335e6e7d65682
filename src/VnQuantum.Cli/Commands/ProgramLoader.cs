using System.CommandLine;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Cli.Commands;

internal static class ProgramLoader
{
    /// <summary>The repeatable <c>--input name=value</c> option that binds an OpenQASM 3 program's inputs.</summary>
    public static Option<string[]> InputOption() => new("--input")
    {
        Description = "Bind an OpenQASM 3 'input' declaration: --input theta=0.3 (repeatable; values may be expressions such as pi/4).",
        AllowMultipleArgumentsPerToken = false,
        Arity = ArgumentArity.ZeroOrMore,
    };

    /// <summary>Parses the file (OpenQASM 2 or 3 by its header), or writes the located error to <paramref name="error"/> and returns null.</summary>
    public static Circuit? Load(string path, TextWriter error, string[]? inputs = null)
    {
        var bound = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string input in inputs ?? [])
        {
            int eq = input.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error.WriteLine($"vnq: --input takes name=value, not '{input}'");
                return null;
            }

            bound[input[..eq].Trim()] = input[(eq + 1)..].Trim();
        }

        var result = QasmFrontEnd.ParseFile(path, bound);
        if (result.Error is { } diagnostic)
        {
            error.WriteLine($"{diagnostic}");
            return null;
        }

        return result.Circuit;
    }
}
