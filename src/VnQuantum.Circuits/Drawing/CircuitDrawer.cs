using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Ir;

namespace VnQuantum.Circuits.Drawing;

/// <summary>
/// Draws a circuit as text (box-drawing characters, as Qiskit's text drawer) or as SVG. Gates become boxes on their
/// wires, controls dots joined to their target, measurements boxes with a double line down to their classical
/// register; long circuits fold onto several text blocks.
/// </summary>
public static class CircuitDrawer
{
    /// <summary>The circuit as text, folded so that no line is longer than <paramref name="foldWidth"/> characters (0: never fold).</summary>
    public static string Text(Circuit circuit, int foldWidth = 100)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        var layout = CircuitLayout.Build(circuit);
        int qubits = circuit.QubitCount;
        int rows = (3 * qubits) + (2 * circuit.ClassicalRegisters.Length);
        var names = Enumerable.Range(0, qubits).Select(q => circuit.QubitName(q) + ": ")
            .Concat(circuit.ClassicalRegisters.Select(r => $"{r.Name}: {r.Size}/")).ToList();
        int margin = names.Count == 0 ? 0 : names.Max(n => n.Length);

        var widths = new int[layout.ColumnCount];
        foreach (var p in layout.Placed)
        {
            widths[p.Column] = Math.Max(widths[p.Column], p.Operation is BarrierOperation ? 1 : Math.Max(p.Label.Length + 4, (p.ClassicalLabel?.Length ?? 0) + 2));
        }

        for (int c = 0; c < widths.Length; c++)
        {
            widths[c] = Math.Max(widths[c], 3);
        }

        // Each column drawn into its own cells, then the columns are joined row by row.
        var cells = new char[layout.ColumnCount][][];
        for (int c = 0; c < layout.ColumnCount; c++)
        {
            cells[c] = new char[rows][];
            for (int r = 0; r < rows; r++)
            {
                cells[c][r] = Enumerable.Repeat(Background(r, qubits), widths[c]).ToArray();
            }
        }

        foreach (var p in layout.Placed)
        {
            DrawOperation(cells[p.Column], widths[p.Column], p, qubits);
        }

        var text = new StringBuilder();
        int start = 0;
        while (start < layout.ColumnCount || (start == 0 && layout.ColumnCount == 0))
        {
            int end = start, used = margin + 1;
            while (end < layout.ColumnCount && (foldWidth <= 0 || end == start || used + widths[end] + 1 <= foldWidth))
            {
                used += widths[end];
                end++;
            }

            for (int r = 0; r < rows; r++)
            {
                string label = LineLabel(r, qubits, names);
                var line = new StringBuilder(label.PadLeft(margin));
                line.Append(start == 0 ? Background(r, qubits) : '«');
                for (int c = start; c < end; c++)
                {
                    line.Append(cells[c][r]);
                }

                line.Append(end < layout.ColumnCount ? '»' : Background(r, qubits));
                text.Append(line.ToString().TrimEnd()).Append('\n');
            }

            if (end >= layout.ColumnCount)
            {
                break;
            }

            text.Append('\n');
            start = end;
        }

        return text.ToString();
    }

    /// <summary>The circuit as a standalone SVG picture.</summary>
    public static string Svg(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        var layout = CircuitLayout.Build(circuit);
        const int wireGap = 50, columnWidth = 64, left = 90, top = 30, boxHeight = 34;
        int qubits = circuit.QubitCount;
        int wires = layout.WireCount;
        int width = left + (Math.Max(layout.ColumnCount, 1) * columnWidth) + 30;
        int height = top + (wires * wireGap);
        double Y(int wire) => top + (wire * wireGap) + (wireGap / 2.0);
        double X(int column) => left + (column * columnWidth) + (columnWidth / 2.0);
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"14\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        for (int w = 0; w < wires; w++)
        {
            string name = w < qubits ? circuit.QubitName(w) : circuit.ClassicalRegisters[w - qubits].Name;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 12}\" y=\"{F(Y(w) + 5)}\" text-anchor=\"end\">{Escape(name)}</text>\n");
            if (w < qubits)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(Y(w))}\" x2=\"{width - 20}\" y2=\"{F(Y(w))}\" stroke=\"black\"/>\n");
            }
            else
            {
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(Y(w) - 2)}\" x2=\"{width - 20}\" y2=\"{F(Y(w) - 2)}\" stroke=\"gray\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(Y(w) + 2)}\" x2=\"{width - 20}\" y2=\"{F(Y(w) + 2)}\" stroke=\"gray\"/>\n");
            }
        }

        foreach (var p in layout.Placed)
        {
            double x = X(p.Column);
            var quantum = p.Controls.Concat(p.Targets).ToList();
            if (p.Operation is BarrierOperation)
            {
                foreach (int q in p.Targets)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x - 6)}\" y=\"{F(Y(q) - (wireGap / 2.0))}\" width=\"12\" height=\"{wireGap}\" fill=\"#ccc\" opacity=\"0.7\"/>\n");
                }

                continue;
            }

            int bottomWire = p.ClassicalRegister is { } reg ? qubits + reg : quantum.Max();
            int topWire = quantum.Min();
            if (bottomWire != topWire)
            {
                string stroke = p.ClassicalRegister is null ? "stroke=\"black\"" : "stroke=\"gray\" stroke-dasharray=\"4 2\"";
                svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x)}\" y1=\"{F(Y(topWire))}\" x2=\"{F(x)}\" y2=\"{F(Y(bottomWire))}\" {stroke}/>\n");
            }

            foreach (int c in p.Controls)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x)}\" cy=\"{F(Y(c))}\" r=\"6\" fill=\"black\"/>\n");
            }

            if (p.Operation is GateCallOperation { GateName: "swap" or "cswap" })
            {
                foreach (int t in p.Targets)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{F(x - 7)},{F(Y(t) - 7)} L{F(x + 7)},{F(Y(t) + 7)} M{F(x - 7)},{F(Y(t) + 7)} L{F(x + 7)},{F(Y(t) - 7)}\" stroke=\"black\" stroke-width=\"2\"/>\n");
                }
            }
            else if (p.Label == "X" && p.Controls.Length > 0)
            {
                double y = Y(p.Targets[0]);
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"12\" fill=\"white\" stroke=\"black\" stroke-width=\"2\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<path d=\"M{F(x - 12)},{F(y)} L{F(x + 12)},{F(y)} M{F(x)},{F(y - 12)} L{F(x)},{F(y + 12)}\" stroke=\"black\" stroke-width=\"2\"/>\n");
            }
            else
            {
                double y0 = Y(p.Targets.Min()) - (boxHeight / 2.0), y1 = Y(p.Targets.Max()) + (boxHeight / 2.0);
                double boxWidth = Math.Max(columnWidth - 14, (p.Label.Length * 8) + 12);
                string fill = p.Operation switch { MeasureOperation => "#e0e0e0", ResetOperation => "#f4f4f4", _ => "#dbe9ff" };
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{F(x - (boxWidth / 2))}\" y=\"{F(y0)}\" width=\"{F(boxWidth)}\" height=\"{F(y1 - y0)}\" rx=\"3\" fill=\"{fill}\" stroke=\"black\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x)}\" y=\"{F(((y0 + y1) / 2) + 5)}\" text-anchor=\"middle\">{Escape(p.Label)}</text>\n");
            }

            if (p.ClassicalRegister is { } r && p.ClassicalLabel is { } classical)
            {
                double y = Y(qubits + r);
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"4\" fill=\"gray\"/>\n");
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + 6)}\" y=\"{F(y + 18)}\" font-size=\"11\">{Escape(classical)}</text>\n");
            }
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static char Background(int row, int qubits) =>
        row < 3 * qubits ? (row % 3 == 1 ? '─' : ' ') : ((row - (3 * qubits)) % 2 == 0 ? '═' : ' ');

    private static string LineLabel(int row, int qubits, List<string> names) =>
        row < 3 * qubits
            ? (row % 3 == 1 ? names[row / 3] : string.Empty)
            : ((row - (3 * qubits)) % 2 == 0 ? names[qubits + ((row - (3 * qubits)) / 2)] : string.Empty);

    private static void DrawOperation(char[][] cells, int width, PlacedOperation p, int qubits)
    {
        int center = width / 2;
        int Mid(int wire) => wire < qubits ? (3 * wire) + 1 : (3 * qubits) + (2 * (wire - qubits));

        if (p.Operation is BarrierOperation)
        {
            var sorted = p.Targets.Order().ToList();
            for (int i = 0; i < sorted.Count; i++)
            {
                cells[Mid(sorted[i])][0] = '░';
                if (i + 1 < sorted.Count && sorted[i + 1] == sorted[i] + 1)
                {
                    cells[Mid(sorted[i]) + 1][0] = '░';
                    cells[Mid(sorted[i]) + 2][0] = '░';
                }
            }

            return;
        }

        bool swap = p.Operation is GateCallOperation { GateName: "swap" or "cswap" };
        int boxTop = swap ? -1 : (3 * p.Targets.Min());
        int boxBottom = swap ? -1 : (3 * p.Targets.Max()) + 2;
        var quantum = p.Controls.Concat(p.Targets).ToList();
        int firstRow = Mid(quantum.Min());
        int lastRow = p.ClassicalRegister is { } register ? Mid(qubits + register) : Mid(quantum.Max());

        // The connector: single for quantum control, double down to a classical register.
        bool classicalLine = p.ClassicalRegister is not null;
        for (int r = firstRow; r <= lastRow; r++)
        {
            if (!swap && r >= boxTop && r <= boxBottom)
            {
                continue;
            }

            bool onWire = r < 3 * qubits ? r % 3 == 1 : (r - (3 * qubits)) % 2 == 0;
            bool belowBox = classicalLine && (swap || r > boxBottom);
            cells[r][center] = onWire
                ? (r < 3 * qubits ? (belowBox ? '╫' : '┼') : '╪')
                : (belowBox ? '║' : '│');
        }

        foreach (int c in p.Controls)
        {
            cells[Mid(c)][center] = '■';
        }

        if (swap)
        {
            foreach (int t in p.Targets)
            {
                cells[Mid(t)][center] = 'X';
            }
        }
        else
        {
            int boxWidth = p.Label.Length + 4;
            int leftEdge = (width - boxWidth) / 2;
            int rightEdge = leftEdge + boxWidth - 1;
            int labelRow = Mid(p.Targets.Order().ElementAt(p.Targets.Length / 2));
            if (p.Targets.Length % 2 == 0 && p.Targets.Length > 1)
            {
                labelRow = (boxTop + boxBottom) / 2;
            }

            for (int r = boxTop; r <= boxBottom; r++)
            {
                bool onWire = r % 3 == 1;
                for (int x = leftEdge; x <= rightEdge; x++)
                {
                    char ch;
                    if (r == boxTop)
                    {
                        ch = x == leftEdge ? '┌' : x == rightEdge ? '┐' : '─';
                    }
                    else if (r == boxBottom)
                    {
                        ch = x == leftEdge ? '└' : x == rightEdge ? '┘' : '─';
                    }
                    else if (x == leftEdge)
                    {
                        ch = onWire ? '┤' : '│';
                    }
                    else if (x == rightEdge)
                    {
                        ch = onWire ? '├' : '│';
                    }
                    else
                    {
                        int offset = x - leftEdge - 2;
                        ch = r == labelRow && offset >= 0 && offset < p.Label.Length ? p.Label[offset] : ' ';
                    }

                    cells[r][x] = ch;
                }
            }

            // Where the connector meets the box.
            if (firstRow < boxTop)
            {
                cells[boxTop][center] = '┴';
            }

            if (lastRow > boxBottom)
            {
                cells[boxBottom][center] = classicalLine ? '╥' : '┬';
            }
        }

        if (p.ClassicalRegister is { } reg && p.ClassicalLabel is { } label)
        {
            int row = Mid(qubits + reg);
            cells[row][center] = p.Operation is MeasureOperation ? '╩' : '■';
            for (int i = 0; i < label.Length && center + i - (label.Length / 2) < width; i++)
            {
                int x = Math.Max(0, center - (label.Length / 2) + i);
                cells[row + 1][x] = label[i];
            }
        }
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
