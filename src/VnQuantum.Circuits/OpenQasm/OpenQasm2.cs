using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>OpenQASM 2.0 in and out: <see cref="Parse"/> never throws on bad input; it returns the error with its location.</summary>
public static class OpenQasm2
{
    /// <summary>Parses a program. Includes other than qelib1.inc (built in) resolve relative to <paramref name="fileName"/>'s folder.</summary>
    public static QasmParseResult Parse(string source, string fileName = "<input>")
    {
        ArgumentNullException.ThrowIfNull(source);
        return Parser.Parse(source, fileName);
    }

    /// <summary>Reads and parses a file; an unreadable file is an error value too.</summary>
    public static QasmParseResult ParseFile(string path)
    {
        string source;
        try
        {
            source = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return QasmParseResult.Failure(new QasmDiagnostic(path, 1, 1, $"cannot read the file: {e.Message}"));
        }

        return Parse(source, path);
    }

    /// <summary>Writes a circuit as an OpenQASM 2.0 program that parses back to the same circuit.</summary>
    public static string Write(Circuit circuit) => QasmWriter.Write(circuit);
}
