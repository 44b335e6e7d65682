using System.Numerics;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Testing;

namespace VnQuantum.Circuits.Tests;

public class OpenQasm3Tests
{
    internal const string Header3 = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

    // The specification's examples (github.com/openqasm/openqasm, examples/ at 45977e1), copied beside the tests.
    internal static string ExamplesFolder() => Path.Combine(AppContext.BaseDirectory, "testdata", "openqasm3-examples");

    internal static Circuit Parse3(string source, IReadOnlyDictionary<string, string>? inputs = null)
    {
        var result = OpenQasm3.Parse(source, "test.qasm", inputs);
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Circuit!;
    }

    private static QasmDiagnostic Error3(string source)
    {
        var result = OpenQasm3.Parse(source, "test.qasm");
        Assert.False(result.Succeeded, "expected an error");
        return result.Error!;
    }

    private static Complex[] State(Circuit circuit) =>
        CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeStatevector = true, Method = SimulationMethod.StateVector, Threads = 1 }).Statevector!;

    public static TheoryData<string, string?> Examples() => new()
    {
        { "adder.qasm", null },
        { "inverseqft1.qasm", null },
        { "inverseqft2.qasm", null },
        { "qec.qasm", null },
        { "qft.qasm", null },
        { "qpt.qasm", null },
        { "rb.qasm", null },
        { "rus.qasm", null },
        { "teleport.qasm", null },
        { "alignment.qasm", null },
        { "defcal.qasm", null },
        { "ipe.qasm", null },

        // Valid programs that call an extern function: refused at the call, with its name.
        { "gateteleport.qasm", "'vote' is an extern function (declared at line 6)" },
        { "t1.qasm", "'tabulate' is an extern function (declared at line 13)" },
        { "vqe.qasm", "'get_npaulis' is an extern function (declared at line 18)" },

        // Programs the specification gets wrong, refused at the mistake.
        { "arrays.qasm", "index 4 is out of range for a dimension of size 4" },
        { "cphase.qasm", "unknown qubit register 'q'" },
        { "dd.qasm", "gate 'u' takes 3 parameter(s), 0 given" },
        { "msd.qasm", "'distill_and_buffer' is a subroutine" },
        { "scqec.qasm", "'hadamard_layer' is a subroutine" },
        { "varteleport.qasm", "'bellprep' is a subroutine" },
    };

    [Theory]
    [MemberData(nameof(Examples))]
    public void SpecExamples_RunOrAreRefusedWithTheirLocation(string file, string? refusal)
    {
        string folder = ExamplesFolder();
        Assert.True(Directory.Exists(folder), $"{folder} not found");
        string path = Path.Combine(folder, file);
        var result = QasmFrontEnd.ParseFile(path);
        if (refusal is null)
        {
            Assert.True(result.Succeeded, result.Error?.ToString());
            var run = CircuitExecutor.Run(result.Circuit!, new ExecutionOptions { Shots = 200, Seed = 1 });
            if (result.Circuit!.ClassicalRegisters.Length > 0)
            {
                Assert.Equal(200, run.Counts.Values.Sum());
            }
            else
            {
                Assert.All(run.Counts.Keys, key => Assert.Equal("", key)); // measures into no register (ipe's angle)
            }
        }
        else
        {
            Assert.False(result.Succeeded);
            Assert.Equal(path, result.Error!.File);
            Assert.True(result.Error.Line >= 1 && result.Error.Column >= 1);
            Assert.Contains(refusal, result.Error.Message);
        }
    }

    [Theory]
    [InlineData("adder.qasm", "10000")]
    [InlineData("qec.qasm", "01 000")]
    [InlineData("inverseqft1.qasm", "0000")]
    [InlineData("rus.qasm", "0 00")]
    public void SpecExamples_GiveTheirKnownResults(string file, string only)
    {
        var circuit = QasmFrontEnd.ParseFile(Path.Combine(ExamplesFolder(), file)).Circuit!;
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 300, Seed = 2 });
        Assert.Equal([only], run.Counts.Keys);
    }

    [Fact]
    public void Teleport_BobReadsOneWithTheTeleportedProbability()
    {
        // U(0.3, 0.2, 0.1)|0⟩ has P(1) = sin²(0.15); the corrections make Bob's qubit carry it.
        var circuit = QasmFrontEnd.ParseFile(Path.Combine(ExamplesFolder(), "teleport.qasm")).Circuit!;
        const int shots = 20000;
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = shots, Seed = 3 });
        double ones = run.Counts.Where(p => p.Key[0] == '1').Sum(p => p.Value) / (double)shots;
        double expected = Math.Pow(Math.Sin(0.15), 2);
        Assert.True(Math.Abs(ones - expected) < 4 * Math.Sqrt(expected * (1 - expected) / shots), $"{ones} vs {expected}");
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(6, 2)]
    [InlineData(8, 3)]
    public void SameProgramInBothVersions_GivesTheSameState(int qubits, int seed)
    {
        string v2 = RandomCircuits.Program(qubits, 60, seed);
        string v3 = v2.Replace("OPENQASM 2.0;", "OPENQASM 3.0;", StringComparison.Ordinal)
            .Replace("include \"qelib1.inc\";", "include \"stdgates.inc\";", StringComparison.Ordinal)
            .Replace($"qreg q[{qubits}];", $"qubit[{qubits}] q;", StringComparison.Ordinal)
            .Replace($"creg c[{qubits}];", $"bit[{qubits}] c;", StringComparison.Ordinal);
        var a = State(TestPrograms.Parse(v2));
        var b = State(Parse3(v3));
        Assert.True(DenseReference.MaxDistance(a, b) < 1e-12);
    }

    [Theory]
    [InlineData("ctrl @ x q[0], q[1];", "cx q[0], q[1];")]
    [InlineData("ctrl(2) @ x q[0], q[1], q[2];", "ccx q[0], q[1], q[2];")]
    [InlineData("ctrl @ ctrl @ x q[2], q[0], q[1];", "ccx q[2], q[0], q[1];")]
    [InlineData("inv @ s q[1];", "sdg q[1];")]
    [InlineData("inv @ t q[1];", "tdg q[1];")]
    [InlineData("pow(0.5) @ x q[2];", "sx q[2];")]
    [InlineData("pow(2) @ s q[0];", "z q[0];")]
    [InlineData("pow(-1) @ t q[0];", "tdg q[0];")]
    [InlineData("ctrl @ gphase(0.7) q[1];", "p(0.7) q[1];")]
    [InlineData("negctrl @ x q[0], q[1];", "x q[0]; cx q[0], q[1]; x q[0];")]
    [InlineData("ctrl @ rz(0.4) q[2], q[0];", "crz(0.4) q[2], q[0];")]
    [InlineData("ctrl @ U(0.3, 0.2, 0.1) q[0], q[1];", "cu3(0.3, 0.2, 0.1) q[0], q[1];")]
    [InlineData("inv @ U(0.3, 0.2, 0.1) q[0];", "U(-0.3, -0.1, -0.2) q[0];")]
    [InlineData("gate g a { h a; t a; } inv @ g q[1];", "tdg q[1]; h q[1];")]
    [InlineData("gate g a { h a; t a; } ctrl @ g q[0], q[1];", "ch q[0], q[1]; ctrl @ t q[0], q[1];")]
    [InlineData("gate g a { h a; t a; } pow(3) @ g q[2];", "h q[2]; t q[2]; h q[2]; t q[2]; h q[2]; t q[2];")]
    [InlineData("gate gp(θ) a { gphase(θ); } ctrl @ gp(0.9) q[0], q[1];", "p(0.9) q[0];")]
    [InlineData("gate g a, b { cx a, b; rz(0.3) b; } inv @ ctrl @ g q[0], q[1], q[2];", "ctrl @ rz(-0.3) q[0], q[2]; ccx q[0], q[1], q[2];")]
    public void GateModifiers_EqualTheirDefinitions(string modified, string plain)
    {
        const string prepare = "qubit[3] q; ry(0.7) q[0]; rx(1.3) q[1]; ry(2.1) q[2]; cx q[0], q[2]; rz(0.4) q[1];\n";
        var a = State(Parse3(Header3 + prepare + modified));
        var b = State(Parse3(Header3 + prepare + plain));
        Assert.True(DenseReference.MaxDistance(a, b) < 1e-10, $"{modified} ≠ {plain}");
    }

    [Fact]
    public void ClassicalCode_IsEvaluatedAtCompileTime()
    {
        var circuit = Parse3(Header3 + """
            const int n = 4;
            qubit[n] q;
            bit[n] c;
            int total = 0;
            for int i in [0:n-1] { total += i; }
            for int i in [n-1:-1:0] { if (i % 2 == 0) x q[i]; }
            for int i in {1, 3} { h q[i]; h q[i]; }
            float turn = pi / 4 * 2;
            uint[2] wrap = 7;
            while (total > 3) { total -= 2; }
            if (total == 2 && wrap == 3 && turn > 1.5) { x q[3]; } else { x q[1]; }
            c = measure q;
            """);
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 10, Seed = 1 });
        Assert.Equal(["1101"], run.Counts.Keys);
    }

    [Fact]
    public void RunTimeIfElseAndWhile_FollowTheMeasurements()
    {
        var circuit = Parse3(Header3 + """
            qubit[2] q;
            bit a;
            bit[2] tries;
            h q[0];
            a = measure q[0];
            if (a) { x q[1]; } else { h q[1]; h q[1]; }
            // repeat until q[0] reads 1
            while (a == 0) { reset q[0]; h q[0]; a = measure q[0]; }
            tries[1] = measure q[1];
            """);
        Assert.Contains(circuit.Operations, o => o is IfElseOperation);
        Assert.Contains(circuit.Operations, o => o is WhileOperation);
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 2000, Seed = 4 });

        // a is always 1 in the end; q[1] was flipped exactly when the first measurement gave 1 (half the shots).
        Assert.All(run.Counts.Keys, k => Assert.EndsWith(" 1", k, StringComparison.Ordinal));
        Assert.InRange(run.Counts.GetValueOrDefault("10 1"), 850, 1150);
        Assert.InRange(run.Counts.GetValueOrDefault("00 1"), 850, 1150);
    }

    [Fact]
    public void SimpleIf_OnAMeasuredBit_IsTheOpenQasm2Condition()
    {
        var circuit = Parse3(Header3 + "qubit[2] q; bit[2] c; h q[0]; c[0] = measure q[0]; if (c[0] == 1) x q[1]; c[1] = measure q[1];");
        var conditioned = Assert.Single(circuit.Operations, o => o.Condition is not null);
        Assert.Equal(1, conditioned.Condition!.Register.Size);
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 1000, Seed = 5 });
        Assert.Equal("stabilizer", run.Metadata.Method);
        Assert.Equal(["00", "11"], run.Counts.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Subroutines_InlineWithTheirReturnValues()
    {
        var circuit = Parse3(Header3 + """
            def flip_and_read(qubit a) -> bit { x a; return measure a; }
            def twice(int k) -> int { return 2 * k; }
            qubit[2] q;
            bit r;
            bit[2] s;
            r = flip_and_read(q[0]);
            for int i in [0:twice(1) - 1] { x q[1]; }
            s[1] = measure q[1];
            """);
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 20, Seed = 6 });
        Assert.Equal(["00 1"], run.Counts.Keys);
    }

    [Fact]
    public void Inputs_AreBoundFromTheCommandLine()
    {
        const string program = Header3 + "input float theta; qubit q; bit c; ry(theta) q; c = measure q;";
        var circuit = Parse3(program, new Dictionary<string, string> { ["theta"] = "pi" });
        Assert.Equal(["1"], CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 10, Seed = 1 }).Counts.Keys);
        var missing = OpenQasm3.Parse(program, "p.qasm");
        Assert.Contains("input 'theta' needs a value: give it with --input theta=", missing.Error!.Message);
        var unknown = OpenQasm3.Parse(program, "p.qasm", new Dictionary<string, string> { ["theta"] = "1", ["phi"] = "2" });
        Assert.Contains("--input phi", unknown.Error!.Message);
    }

    [Fact]
    public void Delay_TakesIdleNoiseForItsOwnDuration()
    {
        var circuit = Parse3(Header3 + "qubit q; bit c; x q; delay[10us] q; delay[2 * 5us] q; c = measure q;");
        var noise = NoiseModel.Parse("""{"errors":[{"gates":["delay"],"channel":{"type":"thermal_relaxation","t1Us":20,"t2Us":30}}]}""");
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeProbabilities = true, Noise = noise });
        Assert.Equal(Math.Exp(-20.0 / 20), run.Probabilities![1], 10);
        Assert.Equal(1, CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeProbabilities = true, Method = SimulationMethod.StateVector }).Probabilities![1], 12);
    }

    [Theory]
    [InlineData("qubit q; hh q;", 2, 10, "unknown gate 'hh' — did you mean 'h'?")]
    [InlineData("const int n = 2; n = 3;", 2, 18, "'n' is a constant")]
    [InlineData("qubit q; bit c; int k = 0; c = measure q; if (c) { k = 1; }", 2, 52, "'k' is assigned inside a branch or loop that depends on a measurement")]
    [InlineData("qubit q; bit c; c = measure q; float t = c;", 2, 42, "known only at run time")]
    [InlineData("qubit[2] q; cx q[0], q[0];", 2, 13, "a qubit is used twice")]
    [InlineData("qubit q; rx q;", 2, 10, "gate 'rx' takes 1 parameter(s), 0 given")]
    [InlineData("qubit q; x q[3];", 2, 14, "index 3 is out of range")]
    [InlineData("for int i in [0:20000000] { }", 2, 1, "more than 10,000,000 compile steps")]
    [InlineData("for int i in [0:999999] {\n  for int j in [0:999999] { }\n}", 3, 3, "more than 10,000,000 compile steps")]
    [InlineData("int n = 0;\nwhile (true) { n += 1; }", 3, 1, "more than 10,000,000 compile steps")]
    [InlineData("break;", 2, 1, "'break' outside a loop")]
    [InlineData("def f() { continue; }\nfor int i in [0:3] { f(); }", 2, 11, "'continue' outside a loop")]
    [InlineData("qubit q; def f(qubit a) -> bit { bit c = measure a; if (c) { return c; } return c; } bit d = f(q);", 2, 53, "'return' inside a branch or loop on a measurement result")]
    [InlineData("def f(int k) -> int { return f(k); } int x = f(1);", 2, 30, "nest deeper than 64 levels")]
    [InlineData("extern f(int[32]) -> bit;\nqubit q; bit b = f(3);", 3, 18, "'f' is an extern function (declared at line 2)")]
    [InlineData("qubit q; delay[-5ns] q;", 2, 16, "a delay cannot be negative")]
    [InlineData("qubit q; delay[3] q;", 2, 16, "delay[…] needs a duration")]
    [InlineData("duration d = 5;", 2, 1, "a duration holds a duration such as 100ns")]
    [InlineData("qubit q; delay[10ns * 2ns] q;", 2, 21, "'*' is not defined between a duration and a duration")]
    [InlineData("qubit q;\n#pragma foo\n", 3, 1, "pragma 'foo' is not supported")]
    public void Errors_NameFileLineAndColumn(string body, int line, int column, string message)
    {
        var error = Error3("OPENQASM 3.0;\n" + body);
        Assert.Equal("test.qasm", error.File);
        Assert.True(error.Message.Contains(message, StringComparison.Ordinal), error.ToString());
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void BreakAndContinue_SteerCompileTimeLoops()
    {
        // x on q[i] for the odd i below 7: continue skips the even ones, break leaves at 7, a return inside a loop
        // leaves the subroutine, and a million continues fit the budget (a million steps, no exception each).
        var circuit = Parse3(Header3 + """
            qubit[8] q;
            def first_above(int limit) -> int { for int k in [0:100] { if (k > limit) { return k; } } return -1; }
            for int i in [0:100] {
              if (i % 2 == 0) { continue; }
              if (i == first_above(6)) { break; }
              x q[i];
            }
            int n = 0;
            for int j in [1:1000000] { if (j > 0) { continue; } n += 1; }
            if (n == 0) { x q[0]; }
            """);
        var state = State(circuit);
        int expected = 0b00101011; // q[0], q[1], q[3], q[5]
        Assert.Equal(1.0, state[expected].Magnitude, 12);
    }

    [Fact]
    public void ACancelledCompile_StopsWithOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        string endless = "OPENQASM 3.0;\nint n = 0;\nwhile (true) { n += 1; }\n";
        Assert.Throws<OperationCanceledException>(() => OpenQasm3.Parse(endless, "test.qasm", cancel: cancel.Token));
        Assert.Throws<OperationCanceledException>(() => QasmFrontEnd.Parse(endless, "test.qasm", cancel: cancel.Token));
    }

    [Theory]
    [InlineData(SimulationMethod.StateVector)]
    [InlineData(SimulationMethod.DensityMatrix)]
    [InlineData(SimulationMethod.Stabilizer)]
    public void ACancelledRun_StopsWithOperationCanceled(SimulationMethod method)
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var circuit = Parse3(Header3 + (method == SimulationMethod.Stabilizer
            ? "qubit[3] q; bit[3] c; h q[0]; cx q[0], q[1]; c = measure q;"
            : "qubit[3] q; bit[3] c; h q[0]; cx q[0], q[1]; c[0] = measure q[0]; if (c[0]) { x q[2]; } c = measure q;"));
        Assert.Throws<OperationCanceledException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 100, Seed = 1, Method = method, Cancellation = cancel.Token }));
        Assert.Equal(100, CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 100, Seed = 1, Method = method }).Counts.Values.Sum());
    }

    [Fact]
    public void ACancellation_StopsInsideAShot_NotOnlyBetweenShots()
    {
        // One shot whose run-time while loop never ends: without a check per operation the run would go on to the
        // loop's own limit (a CircuitExecutionException) before the cancellation is looked at.
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var circuit = Parse3(Header3 + "qubit[1] q; bit[1] c; c[0] = measure q[0]; while (c[0] == false) { rx(0.0) q[0]; c[0] = measure q[0]; }");
        Assert.Throws<OperationCanceledException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 1, Seed = 1, Method = SimulationMethod.StateVector, Cancellation = cancel.Token }));
        Assert.Throws<CircuitExecutionException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 1, Seed = 1, Method = SimulationMethod.StateVector }));
    }

    [Fact]
    public void VersionDetection_FollowsTheHeader()
    {
        Assert.Equal(3, QasmFrontEnd.DetectVersion("// x\nOPENQASM 3;\n"));
        Assert.Equal(2, QasmFrontEnd.DetectVersion("OPENQASM 2.0;\n"));
        Assert.Equal(3, QasmFrontEnd.DetectVersion("include \"stdgates.inc\";\nqubit q;"));
        Assert.Equal(2, QasmFrontEnd.DetectVersion("include \"qelib1.inc\";\nqreg q[1];"));
    }

    [Fact]
    public void Fuzz_MutatedExamples_NeverCrashTheFrontEnd()
    {
        // VNQ_FUZZ_CASES sets the count (default 10,000).
        int cases = int.TryParse(Environment.GetEnvironmentVariable("VNQ_FUZZ_CASES"), out int n) ? n : 10_000;
        // Random edits of the spec examples and of the Qiskit-export-style corpus (and of programs aimed at the
        // limits): every input yields a circuit or a located error, never an exception, and every circuit goes
        // through info, draw and run (DownstreamTools) without one.
        var sources = Directory.GetFiles(ExamplesFolder(), "*.qasm")
            .Concat(Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "testdata", "qiskit-export-style"), "*.qasm"))
            .Select(File.ReadAllText).ToList();
        sources.Add(Header3 + "qubit q;" + new string('(', 5000) + "1" + new string(')', 5000) + ";");
        sources.Add(Header3 + "qubit q;" + string.Concat(Enumerable.Repeat("if (true) {", 3000)) + string.Concat(Enumerable.Repeat("}", 3000)));
        sources.Add(Header3 + "gate a q { a q; } qubit r; a r;");
        sources.Add(Header3 + "def f(qubit q) { f(q); } qubit r; f(r);");
        string[] vocabulary = ["{", "}", "(", ")", "[", "]", ";", ",", "@", "ctrl", "inv", "pow(", "if", "else", "while", "for", "in", "def", "gate", "measure", "->", "=", "==", "qubit", "bit", "int", "float", "0", "1", "-1", "pi", "q", "c", "x", "h", "cx", ":", "\"", "/*", "return", "1e308", "**", "<<",
            "switch", "case", "default", "break", "continue", "let", "$0", "$7", "~", "&", "|", "^", "!", "++", "{0, 1}", "2im", "nop", "uint[70]", "int[8]", "bool", "@ann", "c >> 70",
            "array[int[8], 2]", "sizeof(", "{1, 2}", "delay[10ns]", "stretch", "duration", "durationof({x q;})", "100dt", "angle[3]", "extern", "defcal", "mutable", "#dim = 1"];
        var random = new Random(12345);
        int parsed = 0;
        for (int i = 0; i < cases; i++)
        {
            var text = new StringBuilder(sources[random.Next(sources.Count)]);
            int edits = 1 + random.Next(4);
            for (int e = 0; e < edits && text.Length > 0; e++)
            {
                int at = random.Next(text.Length);
                switch (random.Next(4))
                {
                    case 0: text.Remove(at, Math.Min(1 + random.Next(8), text.Length - at)); break;
                    case 1: text.Insert(at, " " + vocabulary[random.Next(vocabulary.Length)] + " "); break;
                    case 2: text.Insert(at, text.ToString(at, Math.Min(20, text.Length - at))); break;
                    default: text[at] = (char)random.Next(32, 127); break;
                }
            }

            string program = text.ToString();
            var result = QasmFrontEnd.Parse(program, "fuzz.qasm");
            Assert.True(result.Succeeded || result.Error!.Line >= 1);
            if (result.Succeeded)
            {
                parsed++;
                try
                {
                    DownstreamTools.Exercise(result.Circuit!);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{e.GetType().Name}: {e.Message}\n--- case #{i} ---\n{program}");
                }
            }
        }

        Assert.True(parsed > cases / 20, $"only {parsed} of {cases} mutated programs parsed: too few reach the tools after the parser");
    }
}
