using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Localization;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>
/// The composer's circuit: a grid of qubits × steps, each cell empty, a one-qubit gate, or one end of a two-qubit
/// gate ("c>2": control of the gate whose target is qubit 2; "x<0" or "z<0": the target of control 0), or a rotation
/// with its angle ("rx(pi/2)"). Kept in the page and in a shared link as text ("h,,c>1;,,x<0"), so the composer needs
/// no session.
/// </summary>
public sealed partial class ComposerGrid
{
    public const int MaxQubits = 6;

    public const int Steps = 10;

    public static readonly string[] OneQubitGates = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "measure"];

    public static readonly string[] TwoQubitGates = ["cx", "cz"];

    /// <summary>Rotations about X, Y and Z; the angle comes from the page's angle field.</summary>
    public static readonly string[] RotationGates = ["rx", "ry", "rz"];

    /// <summary>The longest angle text a cell keeps ("-15*pi/16" and plain decimals fit).</summary>
    public const int MaxAngleLength = 24;

    private readonly string[][] _cells;

    private ComposerGrid(string[][] cells) => _cells = cells;

    public int Qubits => _cells.Length;

    public string this[int qubit, int step] => _cells[qubit][step];

    public static ComposerGrid Empty(int qubits) => new([.. Enumerable.Range(0, qubits).Select(_ => new string[Steps].Select(_ => string.Empty).ToArray())]);

    /// <summary>Reads the page's text back; anything malformed or not a known gate becomes an empty cell.</summary>
    public static ComposerGrid Parse(string? text)
    {
        var rows = (text ?? string.Empty).Split(';');
        int qubits = Math.Clamp(rows.Length, 1, MaxQubits);
        var grid = Empty(qubits);
        for (int q = 0; q < qubits; q++)
        {
            var cells = rows[q].Split(',');
            for (int s = 0; s < Math.Min(Steps, cells.Length); s++)
            {
                grid._cells[q][s] = Valid(cells[s], qubits) ? cells[s] : string.Empty;
            }
        }

        grid.DropBrokenPairs();
        return grid;
    }

    public override string ToString() => string.Join(';', _cells.Select(r => string.Join(',', r)));

    /// <summary>The grid as a link carries it: each row without its trailing empty cells ("h,c>1;,x&lt;0").</summary>
    public string ToShareText()
    {
        string text = string.Join(';', _cells.Select(r => string.Join(',', r).TrimEnd(',')));

        // One empty qubit would read back as nothing at all.
        return text.Length == 0 ? "," : text;
    }

    public ComposerGrid WithQubits(int qubits)
    {
        qubits = Math.Clamp(qubits, 1, MaxQubits);
        var grid = Empty(qubits);
        for (int q = 0; q < Math.Min(qubits, Qubits); q++)
        {
            _cells[q].CopyTo(grid._cells[q], 0);
        }

        grid.DropBrokenPairs();
        return grid;
    }

    /// <summary>
    /// Puts a one-qubit gate, a rotation ("rx(pi/2)", see <see cref="Rotation"/>) or nothing (for "erase") in a cell,
    /// clearing whatever was there and its partner. Anything else leaves the cell empty.
    /// </summary>
    public void Place(string gate, int qubit, int step)
    {
        Clear(qubit, step);
        if (gate != "erase" && Valid(gate, Qubits) && !gate.Contains('<', StringComparison.Ordinal) && !gate.StartsWith("c>", StringComparison.Ordinal))
        {
            _cells[qubit][step] = gate;
        }
    }

    /// <summary>
    /// A rotation's cell text from the angle a person typed: "pi/2", "-π/4", "3pi/4", "3*pi/4", "0.3" or, in
    /// Vietnamese, "0,3" (radians). Null when the text is not such an angle.
    /// </summary>
    public static string? Rotation(string gate, string? angle) =>
        RotationGates.Contains(gate) && CanonicalAngle(angle) is { } canonical ? $"{gate}({canonical})" : null;

    /// <summary>An angle in the composer's small grammar, written as OpenQASM reads it; null when it is not one.</summary>
    public static string? CanonicalAngle(string? text)
    {
        if (text is null || text.Length > MaxAngleLength)
        {
            return null;
        }

        string compact = text.Replace(" ", string.Empty, StringComparison.Ordinal).Replace(',', '.').Replace("π", "pi", StringComparison.Ordinal).ToLowerInvariant();
        var match = AngleSyntax().Match(compact);
        if (!match.Success || (!match.Groups["number"].Success && !match.Groups["pi"].Success))
        {
            return null;
        }

        string sign = match.Groups["sign"].Value;
        string number = match.Groups["number"].Success ? Trimmed(match.Groups["number"].Value) : string.Empty;
        string denominator = match.Groups["denominator"].Success ? Trimmed(match.Groups["denominator"].Value) : string.Empty;
        if (denominator is "0")
        {
            return null;
        }

        string body = match.Groups["pi"].Success ? (number is "" or "1" ? "pi" : number + "*pi") : number;
        return sign + body + (denominator is "" or "1" ? string.Empty : "/" + denominator);

        static string Trimmed(string digits) => double.Parse(digits, CultureInfo.InvariantCulture).ToString("0.##########", CultureInfo.InvariantCulture);
    }

    /// <summary>The angle of a rotation cell in radians.</summary>
    public static double AngleOf(string cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var match = AngleSyntax().Match(cell[3..^1]);
        double number = match.Groups["number"].Success ? double.Parse(match.Groups["number"].Value, CultureInfo.InvariantCulture) : 1;
        double denominator = match.Groups["denominator"].Success ? double.Parse(match.Groups["denominator"].Value, CultureInfo.InvariantCulture) : 1;
        return (match.Groups["sign"].Value == "-" ? -1 : 1) * number * (match.Groups["pi"].Success ? Math.PI : 1) / denominator;
    }

    [GeneratedRegex(@"^(?<sign>-)?(?<number>\d{1,6}(\.\d{1,10})?)?(\*?(?<pi>pi))?(/(?<denominator>\d{1,6}(\.\d{1,10})?))?$", RegexOptions.CultureInvariant)]
    private static partial Regex AngleSyntax();

    /// <summary>A two-qubit gate between two qubits of one step.</summary>
    public void PlacePair(string gate, int control, int target, int step)
    {
        Clear(control, step);
        Clear(target, step);
        _cells[control][step] = $"c>{target}";
        _cells[target][step] = $"{(gate == "cz" ? "z" : "x")}<{control}";
    }

    /// <summary>
    /// Lays an OpenQASM program's circuit onto the grid, each operation in the first step after the last one on its
    /// qubits (a barrier lines its qubits up). Null, with the reason in <paramref name="problem"/> (in the reader's
    /// language, naming the file, line and column of the operation), when the circuit is not one the composer draws.
    /// </summary>
    public static ComposerGrid? FromCircuit(Circuit circuit, IStringLocalizer text, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(text);
        if (circuit.QubitCount is < 1 or > MaxQubits)
        {
            problem = text["composer.import.qubits", circuit.QubitCount, MaxQubits];
            return null;
        }

        var grid = Empty(circuit.QubitCount);
        var next = new int[circuit.QubitCount];
        for (int i = 0; i < circuit.Operations.Length; i++)
        {
            var operation = circuit.Operations[i];
            string where = circuit.LocationOf(i)?.ToString() ?? "?";
            var qubits = operation.Qubits;
            int step = qubits.Select(q => next[q]).DefaultIfEmpty(0).Max();
            string? cell = operation switch
            {
                { Condition: not null } => null,
                BarrierOperation => string.Empty,
                MeasureOperation m when m.Clbit == m.Qubit => "measure",
                GateOperation { GateName: "id" or "i", Qubits.Length: 1 } => string.Empty,
                GateOperation g when g.Parameters.IsEmpty && g.Qubits.Length == 1 && OneQubitGates.Contains(g.GateName) && g.GateName != "measure" => g.GateName,
                GateOperation g when g.Parameters.Length == 1 && g.Qubits.Length == 1 && RotationGates.Contains(g.GateName) => Rotation(g.GateName, AngleFrom(g.Parameters[0])),
                GateOperation g when g.Parameters.IsEmpty && g.Qubits.Length == 2 && g.GateName is "cx" or "CX" or "cnot" or "cz" => "pair",
                _ => null,
            };
            if (cell is null)
            {
                problem = operation is MeasureOperation
                    ? text["composer.import.measure", where]
                    : text["composer.import.gate", where, operation.Name];
                return null;
            }

            if (operation is BarrierOperation || (cell.Length == 0))
            {
                foreach (int q in qubits)
                {
                    next[q] = step;
                }

                continue;
            }

            if (step >= Steps)
            {
                problem = text["composer.import.steps", where, Steps];
                return null;
            }

            if (cell == "pair")
            {
                grid.PlacePair(((GateOperation)operation).GateName == "cz" ? "cz" : "cx", qubits[0], qubits[1], step);
            }
            else
            {
                grid._cells[qubits[0]][step] = cell;
            }

            foreach (int q in qubits)
            {
                next[q] = step + 1;
            }
        }

        problem = null;
        return grid;
    }

    // An angle as a multiple of π with a small denominator when it is one (π/2 reads back as "pi/2"), else radians.
    private static string AngleFrom(double radians)
    {
        for (int denominator = 1; denominator <= 16; denominator++)
        {
            double multiple = radians * denominator / Math.PI;
            if (Math.Abs(multiple - Math.Round(multiple)) < 1e-9 && Math.Abs(multiple) < 1e6)
            {
                long k = (long)Math.Round(multiple);
                if (k == 0)
                {
                    return "0";
                }

                return CanonicalAngle(string.Create(CultureInfo.InvariantCulture, $"{k}*pi/{denominator}"))!;
            }
        }

        return radians.ToString("0.##########", CultureInfo.InvariantCulture);
    }

    /// <summary>OpenQASM 3 (or 2), step by step; measurements go to the classical bit of the same index.</summary>
    public string ToQasm(bool measurements = true, int version = 3)
    {
        var qasm = new StringBuilder(version == 2
            ? $"OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{Qubits}];\ncreg c[{Qubits}];\n"
            : $"OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[{Qubits}] q;\nbit[{Qubits}] c;\n");
        for (int s = 0; s < Steps; s++)
        {
            for (int q = 0; q < Qubits; q++)
            {
                string cell = _cells[q][s];
                if (cell == "measure")
                {
                    if (measurements)
                    {
                        qasm.Append(version == 2 ? $"measure q[{q}] -> c[{q}];\n" : $"c[{q}] = measure q[{q}];\n");
                    }
                }
                else if (cell.Length > 2 && cell[1] == '<')
                {
                    qasm.Append($"c{cell[0]} q[{cell[2..]}], q[{q}];\n");
                }
                else if (cell.Length > 0 && !cell.StartsWith("c>", StringComparison.Ordinal))
                {
                    qasm.Append($"{cell} q[{q}];\n");
                }
            }
        }

        return qasm.ToString();
    }

    public bool HasMeasurement => _cells.Any(r => r.Contains("measure"));

    /// <summary>How a cell reads aloud (in the reader's language) and on screen.</summary>
    public static (string Symbol, string Name) Describe(string cell, IStringLocalizer text)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(text);
        return cell switch
        {
            "" => (string.Empty, text["composer.cell.empty"]),
            "measure" => ("M", text["composer.measure"]),
            _ when cell.StartsWith("c>", StringComparison.Ordinal) => ("●", text["composer.cell.control", cell[2..]]),
            _ when cell.Length > 2 && cell[1] == '<' => (cell[0] == 'x' ? "⊕" : "●", text["composer.cell.target", cell[0] == 'x' ? "CNOT" : "CZ", cell[2..]]),
            _ when IsRotation(cell) => ($"R{cell[1]}", $"R{cell[1]}({AngleText(cell, CultureInfo.CurrentCulture)})"),
            _ => (cell.ToUpperInvariant().Replace("DG", "†", StringComparison.Ordinal), cell.ToUpperInvariant()),
        };
    }

    /// <summary>Whether a cell holds a rotation with its angle.</summary>
    public static bool IsRotation(string cell) =>
        cell is { Length: > 4 } && cell[^1] == ')' && cell[2] == '(' && RotationGates.Contains(cell[..2]) && CanonicalAngle(cell[3..^1]) == cell[3..^1];

    /// <summary>A rotation cell's angle as a person reads it: "π/2", "0,3" in Vietnamese.</summary>
    public static string AngleText(string cell, CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(culture);
        return cell[3..^1].Replace("pi", "π", StringComparison.Ordinal).Replace("*", string.Empty, StringComparison.Ordinal).Replace(".", culture.NumberFormat.NumberDecimalSeparator, StringComparison.Ordinal);
    }

    private static bool Valid(string cell, int qubits) =>
        cell.Length == 0 || OneQubitGates.Contains(cell) || IsRotation(cell)
        || (cell.Length > 2 && (cell.StartsWith("c>", StringComparison.Ordinal) || cell[1] == '<') && "cxz".Contains(cell[0], StringComparison.Ordinal)
            && int.TryParse(cell[2..], System.Globalization.CultureInfo.InvariantCulture, out int other) && other >= 0 && other < qubits);

    private void Clear(int qubit, int step)
    {
        string cell = _cells[qubit][step];
        if (cell.Length > 2 && (cell[1] == '>' || cell[1] == '<'))
        {
            _cells[int.Parse(cell[2..], System.Globalization.CultureInfo.InvariantCulture)][step] = string.Empty;
        }

        _cells[qubit][step] = string.Empty;
    }

    // A half of a two-qubit gate whose other half is missing (edited text, a removed qubit) is dropped.
    private void DropBrokenPairs()
    {
        for (int s = 0; s < Steps; s++)
        {
            for (int q = 0; q < Qubits; q++)
            {
                string cell = _cells[q][s];
                if (cell.Length > 2 && (cell[1] == '>' || cell[1] == '<'))
                {
                    int other = int.Parse(cell[2..], System.Globalization.CultureInfo.InvariantCulture);
                    string partner = other < Qubits ? _cells[other][s] : string.Empty;
                    bool matched = cell[1] == '>' ? partner == $"x<{q}" || partner == $"z<{q}" : partner == $"c>{q}";
                    if (!matched || other == q)
                    {
                        _cells[q][s] = string.Empty;
                    }
                }
            }
        }
    }
}
