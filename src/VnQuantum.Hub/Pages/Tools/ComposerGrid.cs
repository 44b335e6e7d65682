using System.Text;
using Microsoft.Extensions.Localization;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>
/// The composer's circuit: a grid of qubits × steps, each cell empty, a one-qubit gate, or one end of a two-qubit
/// gate ("c>2": control of the gate whose target is qubit 2; "x<0" or "z<0": the target of control 0). Kept in the
/// page as text ("h,,c>1;,,x<0"), so the composer needs no session and no script.
/// </summary>
public sealed class ComposerGrid
{
    public const int MaxQubits = 6;

    public const int Steps = 10;

    public static readonly string[] OneQubitGates = ["h", "x", "y", "z", "s", "sdg", "t", "tdg", "measure"];

    public static readonly string[] TwoQubitGates = ["cx", "cz"];

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

    /// <summary>Puts a one-qubit gate (or nothing, for "erase") in a cell, clearing whatever was there and its partner.</summary>
    public void Place(string gate, int qubit, int step)
    {
        Clear(qubit, step);
        if (gate != "erase")
        {
            _cells[qubit][step] = gate;
        }
    }

    /// <summary>A two-qubit gate between two qubits of one step.</summary>
    public void PlacePair(string gate, int control, int target, int step)
    {
        Clear(control, step);
        Clear(target, step);
        _cells[control][step] = $"c>{target}";
        _cells[target][step] = $"{(gate == "cz" ? "z" : "x")}<{control}";
    }

    /// <summary>OpenQASM 3, step by step; measurements go to the classical bit of the same index.</summary>
    public string ToQasm(bool measurements = true)
    {
        var qasm = new StringBuilder($"OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[{Qubits}] q;\nbit[{Qubits}] c;\n");
        for (int s = 0; s < Steps; s++)
        {
            for (int q = 0; q < Qubits; q++)
            {
                string cell = _cells[q][s];
                if (cell == "measure")
                {
                    if (measurements)
                    {
                        qasm.Append($"c[{q}] = measure q[{q}];\n");
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
            _ => (cell.ToUpperInvariant().Replace("DG", "†", StringComparison.Ordinal), cell.ToUpperInvariant()),
        };
    }

    private static bool Valid(string cell, int qubits) =>
        cell.Length == 0 || OneQubitGates.Contains(cell)
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
