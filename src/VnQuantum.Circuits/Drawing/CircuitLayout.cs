using System.Collections.Immutable;
using System.Globalization;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.Drawing;

/// <summary>How one operation is drawn: its column, the qubits with a control dot, the qubits its box covers, its label.</summary>
internal sealed record PlacedOperation(
    Operation Operation,
    int Column,
    ImmutableArray<int> Controls,
    ImmutableArray<int> Targets,
    string Label,
    int? ClassicalRegister,
    string? ClassicalLabel);

/// <summary>
/// Places operations in columns for drawing, as Qiskit's drawers do: each goes in the first column after everything
/// already drawn on the wires its picture spans (from its top qubit to its bottom one, and down to the classical
/// wires when it measures or is conditioned), so that pictures never overlap and the order on every wire is kept.
/// </summary>
internal sealed class CircuitLayout
{
    private CircuitLayout(Circuit circuit, ImmutableArray<PlacedOperation> placed, int columns)
    {
        Circuit = circuit;
        Placed = placed;
        ColumnCount = columns;
    }

    public Circuit Circuit { get; }

    public ImmutableArray<PlacedOperation> Placed { get; }

    public int ColumnCount { get; }

    /// <summary>Wires top to bottom: every qubit, then one wire per classical register.</summary>
    public int WireCount => Circuit.QubitCount + Circuit.ClassicalRegisters.Length;

    public static CircuitLayout Build(Circuit circuit)
    {
        int qubits = circuit.QubitCount;
        var next = new int[qubits + circuit.ClassicalRegisters.Length];
        var placed = ImmutableArray.CreateBuilder<PlacedOperation>();
        int columns = 0;
        foreach (var op in circuit.Operations)
        {
            if (op is AnnotationOperation)
            {
                continue;
            }

            var (controls, targets, label) = Describe(op);
            int? register = op switch
            {
                MeasureOperation m => RegisterOf(circuit, m.Clbit),
                _ when op.Condition is { } c => circuit.ClassicalRegisters.IndexOf(c.Register),
                _ => null,
            };
            string? classicalLabel = op switch
            {
                MeasureOperation m when register is { } measured => (m.Clbit - circuit.ClassicalRegisters[measured].Offset).ToString(CultureInfo.InvariantCulture),
                _ when op.Condition is { } c => $"={c.Value}",
                _ => null,
            };

            var all = controls.Concat(targets).ToList();
            if (all.Count == 0)
            {
                continue;
            }

            int top = all.Min(), bottom = register is { } r ? qubits + r : all.Max();
            int column = 0;
            for (int w = top; w <= bottom; w++)
            {
                column = Math.Max(column, next[w]);
            }

            for (int w = top; w <= bottom; w++)
            {
                next[w] = column + 1;
            }

            columns = Math.Max(columns, column + 1);
            placed.Add(new PlacedOperation(op, column, controls, targets, label, register, classicalLabel));
        }

        return new CircuitLayout(circuit, placed.ToImmutable(), columns);
    }

    /// <summary>The register a measurement writes, or null for a scratch bit (a subroutine's or an angle's) that has none.</summary>
    private static int? RegisterOf(Circuit circuit, int clbit)
    {
        for (int r = 0; r < circuit.ClassicalRegisters.Length; r++)
        {
            var register = circuit.ClassicalRegisters[r];
            if (clbit >= register.Offset && clbit < register.Offset + register.Size)
            {
                return r;
            }
        }

        return null;
    }

    private static (ImmutableArray<int> Controls, ImmutableArray<int> Targets, string Label) Describe(Operation op)
    {
        switch (op)
        {
            case MeasureOperation m:
                return ([], [m.Qubit], "M");
            case ResetOperation r:
                return ([], [r.Qubit], "|0>");
            case BarrierOperation b:
                return ([], b.Qubits, "░");
            case UnitaryOperation u:
                return ([], u.Qubits, "U");
            case GateCallOperation g:
                {
                    var standard = StandardGates.Find(g.GateName);
                    int controlCount = standard?.ControlCount ?? 0;
                    string name = g.GateName;
                    string baseName = controlCount > 0 ? BaseName(name, controlCount) : name;
                    string label = baseName.ToUpperInvariant() switch
                    {
                        "SDG" => "S†",
                        "TDG" => "T†",
                        "SXDG" => "√X†",
                        "SX" => "√X",
                        var upper when baseName.Length <= 2 => upper,
                        _ => baseName,
                    };
                    if (!g.Parameters.IsEmpty)
                    {
                        label += "(" + string.Join(",", g.Parameters.Select(FormatAngle)) + ")";
                    }

                    return (g.Qubits[..controlCount], g.Qubits[controlCount..], label);
                }

            default:
                return ([], op.Qubits, op.Name);
        }
    }

    /// <summary>The gate a controlled gate controls: "cx" → "x", "ccx" → "x", "c3x" → "x", "crz" → "rz", "cu1" → "u1".</summary>
    private static string BaseName(string name, int controls)
    {
        if (name.StartsWith("c3", StringComparison.Ordinal) || name.StartsWith("c4", StringComparison.Ordinal))
        {
            return name[2..];
        }

        string trimmed = name;
        for (int i = 0; i < controls && trimmed.StartsWith('c'); i++)
        {
            trimmed = trimmed[1..];
        }

        return trimmed.Length == 0 ? name : trimmed;
    }

    /// <summary>Angles as multiples of π where they are, as Qiskit prints them.</summary>
    internal static string FormatAngle(double value)
    {
        double ratio = value / Math.PI;
        foreach (int denominator in new[] { 1, 2, 3, 4, 6, 8, 16 })
        {
            double numerator = ratio * denominator;
            if (Math.Abs(numerator - Math.Round(numerator)) < 1e-9 && Math.Round(numerator) != 0)
            {
                long n = (long)Math.Round(numerator);
                string top = n switch { 1 => "π", -1 => "-π", _ => $"{n}π" };
                return denominator == 1 ? top : $"{top}/{denominator}";
            }
        }

        return value == 0 ? "0" : value.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
