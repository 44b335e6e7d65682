using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Qec;

/// <summary>
/// Writes a Clifford circuit (with its Pauli noise, detectors and observables) in Stim's circuit language, so that
/// the same experiment can be run by Stim and the results set side by side.
/// </summary>
public static class StimFormat
{
    /// <exception cref="CircuitExecutionException">The circuit is not Clifford, its noise is not Pauli, or its feedback has no Stim form.</exception>
    public static string Write(Circuit circuit, NoiseModel? noise = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        var lowered = CliffordLowering.TryLower(circuit, noise, out string? why)
            ?? throw new CircuitExecutionException($"the circuit cannot be written for Stim: {why}");
        return Write(lowered.Program);
    }

    public static string Write(CliffordProgram program)
    {
        ArgumentNullException.ThrowIfNull(program);
        var text = new StringBuilder();
        int measured = 0;
        foreach (var op in program.Instructions)
        {
            if (op.Kind == CliffordKind.Conditional)
            {
                AppendFeedback(text, op, measured);
                continue;
            }

            Append(text, op);
            measured += op.Kind == CliffordKind.Measure ? 1 : 0;
        }

        // Detectors and observables go at the end, addressed back from the last measurement (Stim allows this, and
        // numbers detectors in declaration order, as here).
        int total = program.RecordCount;
        foreach (var detector in program.Detectors)
        {
            text.Append("DETECTOR");
            if (!detector.Coordinates.IsEmpty)
            {
                text.Append('(').Append(string.Join(", ", detector.Coordinates.Select(Number))).Append(')');
            }

            foreach (int r in detector.Records)
            {
                text.Append(" rec[-").Append((total - r).ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            text.Append('\n');
        }

        for (int o = 0; o < program.Observables.Length; o++)
        {
            text.Append("OBSERVABLE_INCLUDE(").Append(o.ToString(CultureInfo.InvariantCulture)).Append(')');
            foreach (int r in program.Observables[o])
            {
                text.Append(" rec[-").Append((total - r).ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, CliffordInstruction op)
    {
        switch (op.Kind)
        {
            case CliffordKind.H: Line(text, "H", op.A); break;
            case CliffordKind.S: Line(text, "S", op.A); break;
            case CliffordKind.Sdg: Line(text, "S_DAG", op.A); break;
            case CliffordKind.X: Line(text, "X", op.A); break;
            case CliffordKind.Y: Line(text, "Y", op.A); break;
            case CliffordKind.Z: Line(text, "Z", op.A); break;
            case CliffordKind.CX: Line(text, "CX", op.A, op.B); break;
            case CliffordKind.CY: Line(text, "CY", op.A, op.B); break;
            case CliffordKind.CZ: Line(text, "CZ", op.A, op.B); break;
            case CliffordKind.Swap: Line(text, "SWAP", op.A, op.B); break;
            case CliffordKind.Reset: Line(text, "R", op.A); break;
            case CliffordKind.Measure:
                {
                    double p = (op.FlipZeroToOne + op.FlipOneToZero) / 2;
                    if (op.FlipZeroToOne != op.FlipOneToZero)
                    {
                        text.Append("# asymmetric readout error written as its mean\n");
                    }

                    text.Append(p > 0 ? $"M({Number(p)})" : "M").Append(' ').Append(op.A.ToString(CultureInfo.InvariantCulture)).Append('\n');
                    break;
                }

            case CliffordKind.PauliChannel:
                text.Append(Channel(op)).Append(' ').Append(op.A.ToString(CultureInfo.InvariantCulture));
                if (op.B >= 0)
                {
                    text.Append(' ').Append(op.B.ToString(CultureInfo.InvariantCulture));
                }

                text.Append('\n');
                break;
        }
    }

    /// <summary>
    /// Pauli feedback on one measurement as Stim's classically controlled gates (<c>CX rec[-k] q</c>): applied when the
    /// record is 1; a test for 0 applies the Pauli unconditionally and once more under the record.
    /// </summary>
    private static void AppendFeedback(StringBuilder text, CliffordInstruction op, int measured)
    {
        if (op.Conditions.Length != 1 || op.Body.Any(b => !b.IsPauliGate))
        {
            throw new CircuitExecutionException("only Pauli feedback on one measured bit has a Stim form (classically controlled X, Y, Z)");
        }

        string record = $"rec[-{(measured - op.Conditions[0]).ToString(CultureInfo.InvariantCulture)}]";
        foreach (var pauli in op.Body)
        {
            string gate = pauli.Kind switch { CliffordKind.X => "X", CliffordKind.Y => "Y", _ => "Z" };
            if (op.ExpectedBits == 0)
            {
                Line(text, gate, pauli.A);
            }

            text.Append('C').Append(gate).Append(' ').Append(record).Append(' ').Append(pauli.A.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private static string Channel(CliffordInstruction op)
    {
        var p = op.Probabilities;
        var errors = Enumerable.Range(1, p.Length - 1).Where(i => p[i] > 0).ToList();
        double total = errors.Sum(i => p[i]);
        if (errors.Count == p.Length - 1 && errors.All(i => Math.Abs(p[i] - p[1]) < 1e-15))
        {
            return $"DEPOLARIZE{(op.B >= 0 ? 2 : 1)}({Number(total)})";
        }

        if (op.B < 0)
        {
            if (errors.Count == 1 && errors[0] == 1)
            {
                return $"X_ERROR({Number(total)})";
            }

            if (errors.Count == 1 && errors[0] == 2)
            {
                return $"Z_ERROR({Number(total)})";
            }

            // Stim's order: X, Y, Z; ours indexes X = 1, Z = 2, Y = 3.
            return $"PAULI_CHANNEL_1({Number(p[1])}, {Number(p[3])}, {Number(p[2])})";
        }

        // Stim's PAULI_CHANNEL_2 order: IX IY IZ XI XX XY XZ YI … ZZ, first letter on the first target.
        int[] code = [0, 1, 3, 2]; // I, X, Y, Z → our 2-bit codes
        var args = new List<string>();
        for (int first = 0; first < 4; first++)
        {
            for (int second = 0; second < 4; second++)
            {
                if (first == 0 && second == 0)
                {
                    continue;
                }

                args.Add(Number(p[code[first] | (code[second] << 2)]));
            }
        }

        return $"PAULI_CHANNEL_2({string.Join(", ", args)})";
    }

    private static void Line(StringBuilder text, string gate, int a, int b = -1)
    {
        text.Append(gate).Append(' ').Append(a.ToString(CultureInfo.InvariantCulture));
        if (b >= 0)
        {
            text.Append(' ').Append(b.ToString(CultureInfo.InvariantCulture));
        }

        text.Append('\n');
    }

    // 15 significant digits: enough for any probability, and 4p/3·3/4 prints as p.
    private static string Number(double value) => value.ToString("G15", CultureInfo.InvariantCulture);
}
