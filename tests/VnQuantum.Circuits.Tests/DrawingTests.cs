using System.Xml.Linq;
using VnQuantum.Circuits.Drawing;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

public class DrawingTests
{
    [Fact]
    public void Text_DrawsBoxesControlsAndMeasurements()
    {
        var circuit = Parse(Header + "qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; rz(pi/4) q[1]; measure q[1] -> c[1];");
        string text = CircuitDrawer.Text(circuit);
        string expected = """
                   ┌───┐
            q[0]: ─┤ H ├──■───────────────────
                   └───┘  │
                        ┌─┴─┐┌─────────┐┌───┐
            q[1]: ──────┤ X ├┤ RZ(π/4) ├┤ M ├─
                        └───┘└─────────┘└─╥─┘
             c: 2/════════════════════════╩═══
                                          1

            """;
        Assert.Equal(expected.ReplaceLineEndings("\n"), text);
    }

    [Fact]
    public void Text_FoldsLongCircuits()
    {
        var circuit = Parse(Header + "qreg q[1];" + string.Concat(Enumerable.Repeat(" h q[0];", 40)));
        string text = CircuitDrawer.Text(circuit, foldWidth: 60);
        Assert.All(text.Split('\n'), line => Assert.True(line.Length <= 60, line));
        Assert.Contains('»', text);
        Assert.Contains('«', text);
        Assert.Equal(40, text.Split('\n').Sum(l => l.Split("┤ H ├").Length - 1));
    }

    [Fact]
    public void Text_ConditionedGate_PointsAtItsRegister()
    {
        var circuit = Parse(Header + "qreg q[2]; creg c[1]; measure q[0] -> c[0]; if(c==1) x q[1];");
        string text = CircuitDrawer.Text(circuit);
        Assert.Contains("■", text.Split('\n').Single(l => l.StartsWith(" c: 1/", StringComparison.Ordinal)));
        Assert.Contains("=1", text);
    }

    [Fact]
    public void Svg_IsWellFormedWithOneShapePerGate()
    {
        var circuit = Parse(File.ReadAllText(Path.Combine(SamplesFolder(), "qft.qasm")));
        var svg = XDocument.Parse(CircuitDrawer.Svg(circuit));
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Equal("svg", svg.Root!.Name.LocalName);
        int gates = circuit.Operations.Count(o => o is Ir.GateOperation { GateName: not "swap" } or Ir.MeasureOperation);
        int boxes = svg.Descendants(ns + "rect").Count() - 1; // minus the background
        Assert.Equal(gates, boxes);
        Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "U1(π/2)");
    }
}
