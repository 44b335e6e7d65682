using System.Text.RegularExpressions;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>
/// OpenQASM 3 in: the subset real programs use (see docs/openqasm3.md). <see cref="Parse"/> never throws on bad
/// input; what the subset does not run is refused with its file:line:col, and so is a program whose compile would take
/// more than <see cref="MaxCompileSteps"/> steps. Only a cancellation (<see cref="OperationCanceledException"/>) escapes.
/// </summary>
public static class OpenQasm3
{
    /// <summary>Statements run plus loop iterations, over the whole compile (nested loops multiply).</summary>
    public const long MaxCompileSteps = Qasm3Compiler.MaxSteps;

    /// <param name="inputs">Values of the program's <c>input</c> declarations, by name (text, as given on the command line).</param>
    /// <param name="cancel">Checked as the compile runs: a caller's deadline stops a long compile.</param>
    public static QasmParseResult Parse(string source, string fileName = "<input>", IReadOnlyDictionary<string, string>? inputs = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return QasmParseResult.Success(Qasm3Compiler.Compile(Qasm3Parser.Parse(source, fileName), fileName, inputs, cancel));
        }
        catch (QasmException e)
        {
            return QasmParseResult.Failure(e.Diagnostic);
        }
        catch (InsufficientExecutionStackException)
        {
            return QasmParseResult.Failure(new QasmDiagnostic(fileName, 1, 1, "the program nests too deeply"));
        }
    }
}

/// <summary>Either version of OpenQASM, told apart by the version statement.</summary>
public static partial class QasmFrontEnd
{
    /// <summary>
    /// 2 or 3 from the OPENQASM statement; without one, 3 when a line starts with a keyword only OpenQASM 3 has
    /// (qubit, def, const, bit, …), the program includes stdgates.inc, or a gate takes Greek-letter parameters; else 2.
    /// </summary>
    public static int DetectVersion(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var header = Header().Match(source);
        if (header.Success)
        {
            return header.Groups[1].Value.StartsWith('3') ? 3 : 2;
        }

        return Qasm3Hint().IsMatch(source) ? 3 : 2;
    }

    /// <param name="cancel">Stops an OpenQASM 3 compile (OpenQASM 2 has no loops: its work is bounded by its operation cap).</param>
    public static QasmParseResult Parse(string source, string fileName = "<input>", IReadOnlyDictionary<string, string>? inputs = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (DetectVersion(source) == 3)
        {
            return OpenQasm3.Parse(source, fileName, inputs, cancel);
        }

        if (inputs is { Count: > 0 })
        {
            var first = inputs.Keys.First();
            return QasmParseResult.Failure(new QasmDiagnostic(fileName, 1, 1, $"--input {first}=… is for OpenQASM 3 programs; this one is OpenQASM 2"));
        }

        return OpenQasm2.Parse(source, fileName);
    }

    public static QasmParseResult ParseFile(string path, IReadOnlyDictionary<string, string>? inputs = null)
    {
        if (Directory.Exists(path))
        {
            return QasmParseResult.Failure(new QasmDiagnostic(path, 1, 1, "this is a directory, not a file"));
        }

        string source;
        try
        {
            source = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return QasmParseResult.Failure(new QasmDiagnostic(path, 1, 1, $"cannot read the file: {e.Message}"));
        }

        return Parse(source, path, inputs);
    }

    [GeneratedRegex(@"^(?:\s|//[^\n]*\n|/\*[\s\S]*?\*/)*OPENQASM\s+([0-9][0-9.]*)")]
    private static partial Regex Header();

    [GeneratedRegex(@"include\s+[""']stdgates\.inc[""']|^\s*(?:qubit|const|input|output|def|defcal|defcalgrammar|cal|extern|bit|int|uint|float|angle|bool|stretch|duration|array|let|box)\b|^\s*gate\s+\w+\s*\([^)]*[^\x00-\x7F]", RegexOptions.Multiline)]
    private static partial Regex Qasm3Hint();
}
