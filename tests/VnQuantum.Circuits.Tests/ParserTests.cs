using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

public class ParserTests
{
    [Theory]
    [InlineData("qreg q[2];\ncxx q[0],q[1];", 2, 1, "unknown gate 'cxx' — did you mean 'cx'?")]
    [InlineData("qreg q[2];\nh q[2];", 2, 5, "q[2] is out of range: register 'q' has 2 qubits")]
    [InlineData("qreg q[2];\nrx q[0];", 2, 1, "gate 'rx' takes 1 parameter, got 0")]
    [InlineData("qreg q[2];\ncx q[0];", 2, 1, "gate 'cx' acts on 2 qubits, got 1")]
    [InlineData("qreg q[2];\ncx q[0],q[0];", 2, 9, "qubit q[0] is used twice in one call of 'cx'")]
    [InlineData("qreg q[2];\nh r[0];", 2, 3, "unknown quantum register 'r'")]
    [InlineData("qreg q[2];\nh q[0]", 2, 7, "expected ';' but found end of file")]
    [InlineData("qreg q[2]; creg c[2];\nmeasure q -> c[0];", 2, 1, "measure needs as many classical bits as qubits (2 qubits, 1 bits)")]
    [InlineData("qreg q[2];\nrx(theta) q[0];", 2, 4, "unknown identifier 'theta' in an expression")]
    [InlineData("qreg q[2];\ngate h a { x a; }", 2, 6, "gate 'h' is built in (qelib1.inc) and cannot be redefined")]
    [InlineData("qreg q[2];\ngate g(t) a { rx(tt) a; }\n", 2, 18, "unknown parameter 'tt' — did you mean 't'?")]
    [InlineData("qreg q[2];\nx q[0]; @", 2, 9, "unexpected character '@'")]
    [InlineData("qreg q[2]; qreg r[3];\ncx q, r;", 2, 7, "registers of different sizes in one gate call (2 and 3)")]
    [InlineData("qreg q[0];", 1, 8, "register 'q' must have at least one element")]
    [InlineData("qreg q[1]; creg c[1];\nif(q==1) x q[0];", 2, 4, "'q' is not a classical register")]
    [InlineData("/* never closed\nqreg q[1];", 1, 1, "unterminated comment")]
    public void Errors_NameLineColumnAndSayWhatIsWrong(string body, int line, int column, string message)
    {
        var error = ParseError(Header + body);
        Assert.Equal("test.qasm", error.File);
        Assert.Equal(line + 2, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(message, error.Message);
        Assert.StartsWith($"test.qasm:{line + 2}:{column}: ", error.ToString());
    }

    [Fact]
    public void QelibGates_WithoutTheInclude_SayWhichIncludeIsMissing()
    {
        var error = ParseError("OPENQASM 2.0;\nqreg q[1];\nh q[0];");
        Assert.Contains("add 'include \"qelib1.inc\";'", error.Message);
        Assert.True(Parse("OPENQASM 2.0;\nqreg q[2];\nU(pi/2,0,pi) q[0];\nCX q[0],q[1];").Operations.Length == 2);
    }

    [Fact]
    public void OpenQasm3_IsRefusedWithAClearMessage()
    {
        var error = ParseError("OPENQASM 3.0;\nqubit q;");
        Assert.Equal((1, 10), (error.Line, error.Column));
        Assert.Contains("unsupported OpenQASM version 3.0; this front end reads OpenQASM 2.0", error.Message);
    }

    [Fact]
    public void Expressions_FollowTheUsualPrecedence()
    {
        var circuit = Parse(Header + "qreg q[1];\nu3(-2^2, 1+2*3/4-1, sin(pi/2)+cos(0)*exp(0)-ln(1)+sqrt(4)+tan(0)) q[0];\nrz(-(1-3)) q[0];\nrz(2^3^2) q[0];\nrz(.5e1) q[0];");
        var u = (GateOperation)circuit.Operations[0];
        Assert.Equal(-4, u.Parameters[0], 12);
        Assert.Equal(1.5, u.Parameters[1], 12);
        Assert.Equal(4, u.Parameters[2], 12);
        Assert.Equal(2, ((GateOperation)circuit.Operations[1]).Parameters[0], 12);
        Assert.Equal(512, ((GateOperation)circuit.Operations[2]).Parameters[0], 12);
        Assert.Equal(5, ((GateOperation)circuit.Operations[3]).Parameters[0], 12);
    }

    [Fact]
    public void UserGates_AreInlinedWithTheirParametersAndBroadcast()
    {
        var circuit = Parse(Header + "gate twist(a,b) x,y { rz(a*2) x; cx x,y; ry(b-a) y; }\nqreg q[2]; qreg r[2];\ntwist(0.5, pi) q, r;");
        Assert.Equal(6, circuit.Operations.Length);
        var first = (GateOperation)circuit.Operations[0];
        Assert.Equal(("rz", 1.0, 0), (first.GateName, first.Parameters[0], first.Qubits[0]));
        var cx = (GateOperation)circuit.Operations[4];
        Assert.Equal([1, 3], cx.Qubits.ToArray());
        Assert.Equal(Math.PI - 0.5, ((GateOperation)circuit.Operations[5]).Parameters[0], 12);
    }

    [Fact]
    public void AProgramsOwnDefinition_OfANonOriginalQelibGate_TakesPrecedence()
    {
        // Qiskit exports carry their own rzx definition; here a deliberately different body proves it is used.
        var circuit = Parse(Header + "gate rzx(t) a,b { x a; }\nqreg q[2];\nrzx(0.3) q[0],q[1];");
        var op = Assert.Single(circuit.Operations);
        Assert.Equal("x", op.Name);
    }

    [Fact]
    public void Conditions_AndBarriers_AndResets_AreKept()
    {
        var circuit = Parse(Header + "qreg q[3]; creg c[3];\nbarrier q[0], q;\nreset q[1];\nif(c==5) cx q[0],q[2];");
        var barrier = Assert.IsType<BarrierOperation>(circuit.Operations[0]);
        Assert.Equal([0, 1, 2], barrier.Qubits.ToArray());
        Assert.IsType<ResetOperation>(circuit.Operations[1]);
        Assert.Equal(5UL, circuit.Operations[2].Condition!.Value);
        Assert.Equal("c", circuit.Operations[2].Condition!.Register.Name);
    }

    [Fact]
    public void CircuitProperties_CountDepthAndGates()
    {
        var circuit = Parse(Header + "qreg q[3]; creg c[3];\nh q[0]; cx q[0],q[1]; cx q[1],q[2]; x q[0]; barrier q; measure q -> c;");
        Assert.Equal(3, circuit.QubitCount);
        Assert.Equal(3, circuit.ClbitCount);
        Assert.Equal(4, circuit.Depth);
        var counts = circuit.CountOperations();
        Assert.Equal(2, counts["cx"]);
        Assert.Equal(3, counts["measure"]);
        Assert.Equal(1, counts["barrier"]);
    }

    [Fact]
    public void Includes_ResolveRelativeToTheIncludingFile_AndCyclesAreErrors()
    {
        string dir = Directory.CreateTempSubdirectory("vnq-include-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, "lib"));
            File.WriteAllText(Path.Combine(dir, "lib", "mine.inc"), "gate flip a { x a; }\ninclude \"more.inc\";\n");
            File.WriteAllText(Path.Combine(dir, "lib", "more.inc"), "gate flop a { flip a; flip a; flip a; }\n");
            File.WriteAllText(Path.Combine(dir, "main.qasm"), Header + "include \"lib/mine.inc\";\nqreg q[1];\nflop q[0];\n");
            var result = OpenQasm2.ParseFile(Path.Combine(dir, "main.qasm"));
            Assert.True(result.Succeeded, result.Error?.ToString());
            Assert.Equal(3, result.Circuit!.Operations.Length);

            File.WriteAllText(Path.Combine(dir, "a.inc"), "include \"b.inc\";\n");
            File.WriteAllText(Path.Combine(dir, "b.inc"), "include \"a.inc\";\n");
            File.WriteAllText(Path.Combine(dir, "cycle.qasm"), Header + "include \"a.inc\";\n");
            var cycle = OpenQasm2.ParseFile(Path.Combine(dir, "cycle.qasm"));
            Assert.Contains("include cycle", cycle.Error!.Message);
            Assert.EndsWith("b.inc", cycle.Error.File);

            var missing = OpenQasm2.ParseFile(Path.Combine(dir, "nothing.qasm"));
            Assert.Contains("cannot read the file", missing.Error!.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Limits_AreErrorsNotCrashes()
    {
        string deep = new string('(', 10_000) + "1" + new string(')', 10_000);
        Assert.Contains("nested more than", ParseError(Header + $"qreg q[1]; rz({deep}) q[0];").Message);

        string minus = new string('-', 100_000) + "1";
        Assert.Contains("nested more than", ParseError(Header + $"qreg q[1]; rz({minus}) q[0];").Message);

        // Each level doubles: 2^40 operations if inlined.
        var blowUp = new System.Text.StringBuilder(Header + "gate g0 a { x a; }\n");
        for (int i = 1; i <= 40; i++)
        {
            blowUp.Append($"gate g{i} a {{ g{i - 1} a; g{i - 1} a; }}\n");
        }

        blowUp.Append("qreg q[1]; g40 q[0];");
        Assert.Contains("expands to more than", ParseError(blowUp.ToString()).Message);

        // A chain of definitions deeper than the nesting limit.
        var chain = new System.Text.StringBuilder(Header + "gate n0 a { x a; }\n");
        for (int i = 1; i <= 200; i++)
        {
            chain.Append($"gate n{i} a {{ n{i - 1} a; }}\n");
        }

        Assert.Contains("nests gate definitions more than", ParseError(chain.ToString()).Message);
        Assert.Contains("too large", ParseError(Header + "qreg q[99999999999999999999];").Message);
        Assert.Contains("more than", ParseError(Header + "qreg q[1048576]; qreg r[1];").Message);
        Assert.Contains("cannot call itself", ParseError(Header + "gate g a { g a; }").Message);
    }
}
