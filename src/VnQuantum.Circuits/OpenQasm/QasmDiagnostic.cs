using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>An error in a program, located by file, line and column (both 1-based).</summary>
public sealed record QasmDiagnostic(string File, int Line, int Column, string Message)
{
    /// <summary>The compiler-style form: <c>prog.qasm:12:7: unknown gate 'cxx' — did you mean 'cx'?</c></summary>
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>Either a circuit or the error that stopped the parse; never an exception.</summary>
public sealed class QasmParseResult
{
    private QasmParseResult(Circuit? circuit, QasmDiagnostic? error)
    {
        Circuit = circuit;
        Error = error;
    }

    public Circuit? Circuit { get; }

    public QasmDiagnostic? Error { get; }

    public bool Succeeded => Circuit is not null;

    internal static QasmParseResult Success(Circuit circuit) => new(circuit, null);

    internal static QasmParseResult Failure(QasmDiagnostic error) => new(null, error);
}

/// <summary>Raised inside the front end and turned into a <see cref="QasmDiagnostic"/> at its boundary.</summary>
internal sealed class QasmException(QasmDiagnostic diagnostic) : Exception(diagnostic.ToString())
{
    public QasmDiagnostic Diagnostic { get; } = diagnostic;
}
