using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Cli.Commands;

internal static class ProgramLoader
{
    /// <summary>Parses the file, or writes the located error to <paramref name="error"/> and returns null.</summary>
    public static Circuit? Load(string path, TextWriter error)
    {
        var result = OpenQasm2.ParseFile(path);
        if (result.Error is { } diagnostic)
        {
            error.WriteLine($"{diagnostic}");
            return null;
        }

        return result.Circuit;
    }
}
