using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.OpenQasm;

/// <summary>Emits OpenQASM 2.0. Parameters are written with round-trip precision ("R"), so parse(write(c)) equals c.</summary>
internal static class QasmWriter
{
    public static string Write(Circuit circuit)
    {
        var text = new StringBuilder();
        text.Append("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
        foreach (var opaque in circuit.OpaqueGates)
        {
            text.Append("opaque ").Append(opaque.Name);
            if (opaque.ParameterCount > 0)
            {
                text.Append('(').Append(string.Join(",", Enumerable.Range(0, opaque.ParameterCount).Select(i => $"p{i}"))).Append(')');
            }

            text.Append(' ').Append(string.Join(",", Enumerable.Range(0, opaque.QubitCount).Select(i => $"q{i}"))).Append(";\n");
        }

        foreach (var r in circuit.QuantumRegisters)
        {
            text.Append(CultureInfo.InvariantCulture, $"qreg {r.Name}[{r.Size}];\n");
        }

        foreach (var r in circuit.ClassicalRegisters)
        {
            text.Append(CultureInfo.InvariantCulture, $"creg {r.Name}[{r.Size}];\n");
        }

        foreach (var op in circuit.Operations)
        {
            if (op is AnnotationOperation annotation)
            {
                // OpenQASM 2 has no detectors; keep them visible as comments.
                text.Append("// ").Append(annotation.Name).Append(' ').Append(string.Join(" ", annotation.MeasuredClbits.Select(circuit.ClbitName))).Append('\n');
                continue;
            }

            if (op.Condition is { } condition)
            {
                text.Append(CultureInfo.InvariantCulture, $"if({condition.Register.Name}=={condition.Value}) ");
            }

            switch (op)
            {
                case MeasureOperation m:
                    text.Append("measure ").Append(circuit.QubitName(m.Qubit)).Append(" -> ").Append(circuit.ClbitName(m.Clbit));
                    break;
                case ResetOperation r:
                    text.Append("reset ").Append(circuit.QubitName(r.Qubit));
                    break;
                case BarrierOperation b:
                    text.Append("barrier ").Append(string.Join(",", b.Qubits.Select(circuit.QubitName)));
                    break;
                case GateCallOperation g:
                    AppendCall(text, circuit, g.GateName, g.Parameters, g.Qubits);
                    break;
                default:
                    throw new NotSupportedException($"'{op.Name}' operations have no OpenQASM 2 form; write the circuit before fusion.");
            }

            text.Append(";\n");
        }

        return text.ToString();
    }

    private static void AppendCall(StringBuilder text, Circuit circuit, string name, IReadOnlyList<double> parameters, IEnumerable<int> qubits)
    {
        text.Append(name);
        if (parameters.Count > 0)
        {
            text.Append('(').Append(string.Join(",", parameters.Select(FormatNumber))).Append(')');
        }

        text.Append(' ').Append(string.Join(",", qubits.Select(circuit.QubitName)));
    }

    private static string FormatNumber(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            // OpenQASM 2 has no literal for these; an expression that evaluates to them keeps the round trip.
            return double.IsNaN(value) ? "(0/0)" : value > 0 ? "(1/0)" : "(-1/0)";
        }

        string s = value.ToString("R", CultureInfo.InvariantCulture);
        if (s.Contains('E'))
        {
            s = s.Replace("E", "e", StringComparison.Ordinal);
            if (!s.Contains('.'))
            {
                int e = s.IndexOf('e', StringComparison.Ordinal);
                s = s[..e] + ".0" + s[e..];
            }
        }

        return s.StartsWith('-') ? $"({s})" : s;
    }
}
