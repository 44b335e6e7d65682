using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// The constructs of Qiskit's OpenQASM 3 export and the rest of issue 19's list: switch, break and continue on
/// measurement results, comparisons between registers, registers wider than 64 bits, physical qubits, aliases,
/// classical-only programs and the grammar's smaller forms. Where a construct has an equivalent written without
/// it, both run with the same seed and must give the same counts (the same measurements draw the same numbers).
/// </summary>
public class DynamicCircuitTests
{
    private const string Header = "OPENQASM 3.0;\ninclude \"stdgates.inc\";\n";

    private static Circuit Compile(string source)
    {
        var result = QasmFrontEnd.Parse(source, "test.qasm");
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Circuit!;
    }

    private static QasmDiagnostic Refusal(string source)
    {
        var result = QasmFrontEnd.Parse(source, "test.qasm");
        Assert.False(result.Succeeded, "expected the program to be refused");
        return result.Error!;
    }

    private static IReadOnlyDictionary<string, int> Counts(string source, int shots = 2000, ulong seed = 7, SimulationMethod method = SimulationMethod.StateVector) =>
        CircuitExecutor.Run(Compile(source), new ExecutionOptions { Shots = shots, Seed = seed, Method = method, Threads = 1 }).Counts;

    private static void SameCounts(string program, string equivalent, int shots = 2000)
    {
        var a = Counts(program, shots);
        var b = Counts(equivalent, shots);
        Assert.Equal(b.OrderBy(kv => kv.Key, StringComparer.Ordinal), a.OrderBy(kv => kv.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Switch_OnAMeasuredRegister_AsQiskitExportsIt_TakesTheMatchingCase()
    {
        // Qiskit's exporter: an int copy of the register, then the switch on it.
        const string program = Header + """
            bit[3] c10;
            int switch_dummy;
            qubit[3] q10;
            h q10[0];
            h q10[1];
            c10[0] = measure q10[0];
            c10[1] = measure q10[1];
            switch_dummy = c10;
            switch (switch_dummy) {
              case 0, 3 {
                z q10[2];
              }
              case 1 {
                y q10[2];
              }
              default {
                x q10[2];
              }
            }
            c10[2] = measure q10[2];
            """;
        const string equivalent = Header + """
            bit[3] c10;
            qubit[3] q10;
            h q10[0];
            h q10[1];
            c10[0] = measure q10[0];
            c10[1] = measure q10[1];
            if (c10[0] == c10[1]) { z q10[2]; } else { if (c10[0]) { y q10[2]; } else { x q10[2]; } }
            c10[2] = measure q10[2];
            """;
        var counts = Counts(program);
        Assert.Equal(["000", "011", "101", "110"], counts.Keys.Order(StringComparer.Ordinal));
        SameCounts(program, equivalent);
    }

    [Fact]
    public void Switch_OnACompileTimeValue_AndInQiskitsEarlierForm()
    {
        var counts = Counts(Header + """
            qubit[2] q;
            bit[2] c;
            const int k = 2;
            switch (k + 1) { case 1, 2 { x q[0]; } case 3 { x q[1]; } default { } }
            switch (7) { case 1 { x q[0]; } default { x q[0]; } }
            c = measure q;
            """, shots: 10);
        Assert.Equal(["11"], counts.Keys);

        // ExperimentalFeatures.SWITCH_CASE_V1: "case n: { … } break;"
        const string early = """
            OPENQASM 3;
            include "stdgates.inc";
            bit _bit0;
            int switch_dummy;
            qubit _qubit0;
            h _qubit0;
            _bit0 = measure _qubit0;
            switch_dummy = _bit0;
            switch (switch_dummy) {
              case 1: {
                x _qubit0;
              }
              break;
              case 0: {
                z _qubit0;
              }
              break;
            }
            _bit0 = measure _qubit0;
            """;
        Assert.Equal(["0"], Counts(early, shots: 200).Keys);
    }

    [Theory]
    [InlineData("switch (c) { case 1 { } case 1 { } }", "the case value 1 appears twice")]
    [InlineData("switch (c) { default { } case 1 { } }", "'default' must be the last case")]
    [InlineData("switch (c) { }", "a switch needs at least one case")]
    [InlineData("case 1 { }", "'case' outside a switch")]
    [InlineData("switch (c) { case 0: case 1: x q; break; }", "list the values in one case")]
    public void Switch_Mistakes_AreNamed(string statement, string message)
    {
        var error = Refusal(Header + "qubit q; bit c; c = measure q;\n" + statement);
        Assert.Contains(message, error.Message);
        Assert.Equal(4, error.Line);
    }

    [Fact]
    public void Break_OnAMeasurement_InsideAForLoop_EndsTheLoopAtRunTime()
    {
        // Up to three tries at reading 1; ran[i] marks the tries that happened.
        const string program = Header + """
            qubit q;
            bit c;
            bit[3] ran;
            for int i in [0:2] {
              ran[i] = 1;
              h q;
              c = measure q;
              if (c) { break; }
              reset q;
            }
            """;
        const string equivalent = Header + """
            qubit q;
            bit c;
            bit[3] ran;
            ran[0] = 1; h q; c = measure q;
            if (!c) {
              reset q;
              ran[1] = 1; h q; c = measure q;
              if (!c) { reset q; ran[2] = 1; h q; c = measure q; if (!c) { reset q; } }
            }
            """;
        var counts = Counts(program, shots: 4000);
        Assert.Equal(["001 1", "011 1", "111 0", "111 1"], counts.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(counts["001 1"], 1800, 2200); // one half
        SameCounts(program, equivalent, shots: 4000);
    }

    [Fact]
    public void Continue_OnAMeasurement_SkipsTheRestOfThatIterationOnly()
    {
        const string program = Header + """
            qubit q;
            bit c;
            bit[3] kept;
            for int i in [0:2] {
              reset q;
              h q;
              c = measure q;
              if (c == 1) continue;
              kept[i] = 1;
            }
            """;
        const string equivalent = Header + """
            qubit q;
            bit c;
            bit[3] kept;
            reset q; h q; c = measure q; if (c == 0) { kept[0] = 1; }
            reset q; h q; c = measure q; if (c == 0) { kept[1] = 1; }
            reset q; h q; c = measure q; if (c == 0) { kept[2] = 1; }
            """;
        var counts = Counts(program, shots: 3000);
        Assert.Equal(8, counts.Count); // kept[0] and kept[1] free; the last reading decides kept[2]
        SameCounts(program, equivalent, shots: 3000);
    }

    [Fact]
    public void WhileTrue_WithABreakOnAMeasurement_RunsUntilTheBreak()
    {
        const string program = Header + """
            qubit q;
            bit c;
            int tries_left = 3;
            while (true) {
              reset q;
              h q;
              c = measure q;
              if (c) break;
            }
            """;
        var circuit = Compile(program);
        Assert.Contains(circuit.Operations, o => o is WhileOperation);
        Assert.Equal(["1"], Counts(program, shots: 500).Keys);
    }

    [Fact]
    public void Break_InsideALoopOnMeasuredBits_StopsThatLoop_AndNestedLoopsKeepTheirOwn()
    {
        // The while runs on a measured bit; a break inside it (on another measurement) ends it; the inner for loop's
        // break ends only the inner loop.
        const string program = Header + """
            qubit[2] q;
            bit a;
            bit b;
            bit[2] seen;
            a = 0;
            h q[0];
            a = measure q[0];
            while (a == 1) {
              for int i in [0:1] {
                seen[i] = 1;
                x q[1];
                b = measure q[1];
                if (b) break;
              }
              reset q[1];
              h q[0];
              a = measure q[0];
              if (a) { break; }
            }
            """;
        var counts = Counts(program, shots: 2000);

        // If the loop ran, the inner loop always broke after its first iteration (x sets q[1]), so seen = 01, b = 1.
        Assert.Equal(["00 0 0", "01 1 0", "01 1 1"], counts.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AssignmentsToCompileTimeVariables_AfterARunTimeBreak_AreRefused()
    {
        var error = Refusal(Header + "qubit q; bit c; int n = 0;\nfor int i in [0:3] { c = measure q; if (c) break; n += 1; }");
        Assert.Contains("'n' is assigned inside a branch or loop that depends on a measurement", error.Message);
    }

    [Fact]
    public void Comparisons_BetweenMeasuredRegisters_AreExact()
    {
        // a = 2 and b = 1 are measured from prepared states; a > b, a != b, !(a < b).
        var counts = Counts(Header + """
            qubit[5] q;
            bit[2] a;
            bit[2] b;
            bit[3] r;
            x q[1];
            x q[2];
            a = measure q[0:1];
            b = measure q[2:3];
            if (a > b) { x q[4]; }
            r[0] = measure q[4];
            reset q[4];
            if (a == b || a < b) { x q[4]; }
            r[1] = measure q[4];
            reset q[4];
            if (b <= a && a != b) { x q[4]; }
            r[2] = measure q[4];
            """, shots: 20);
        Assert.Equal(["101 01 10"], counts.Keys);
    }

    /// <summary>
    /// Random expressions over two measured 3-bit registers, computed at run time, against the same program with the
    /// registers assigned constants (which the compiler evaluates itself, on another code path): stored into an
    /// 8-bit register, and as an if's test.
    /// </summary>
    [Fact]
    public void RunTimeArithmetic_AgreesWithTheCompilersOwnEvaluation()
    {
        var random = new Random(19);
        string[] ops = ["+", "-", "*", "&", "|", "^"];
        string[] comparisons = ["==", "!=", "<", "<=", ">", ">="];
        string Value(int depth) => random.Next(depth <= 0 ? 3 : 8) switch
        {
            0 => "a",
            1 => "b",
            2 => random.Next(8).ToString(System.Globalization.CultureInfo.InvariantCulture),
            3 => $"({Value(depth - 1)} << {random.Next(4)})",
            4 => $"({Value(depth - 1)} >> {random.Next(3)})",
            5 => $"(-{Value(depth - 1)})",
            6 => $"(~{Value(depth - 1)})",
            _ => $"({Value(depth - 1)} {ops[random.Next(ops.Length)]} {Value(depth - 1)})",
        };
        string Test(int depth) => random.Next(depth <= 0 ? 1 : 4) switch
        {
            0 => $"{Value(2)} {comparisons[random.Next(comparisons.Length)]} {Value(2)}",
            1 => $"({Test(depth - 1)}) && ({Test(depth - 1)})",
            2 => $"({Test(depth - 1)}) || ({Test(depth - 1)})",
            _ => $"!({Test(depth - 1)})",
        };

        for (int trial = 0; trial < 60; trial++)
        {
            int av = random.Next(8), bv = random.Next(8);
            string value = Value(3), test = Test(2);
            string prepare = string.Concat(Enumerable.Range(0, 3).Where(i => ((av >> i) & 1) == 1).Select(i => $"x q[{i}];\n"))
                + string.Concat(Enumerable.Range(0, 3).Where(i => ((bv >> i) & 1) == 1).Select(i => $"x q[{i + 3}];\n"));
            string body = $"uint[8] dv = {value};\nd = dv;\nif ({test}) {{ x q[6]; }}\nr = measure q[6];\n";
            string measured = Header + "qubit[7] q;\nbit[3] a;\nbit[3] b;\nbit[8] d;\nbit r;\n" + prepare + "a = measure q[0:2];\nb = measure q[3:5];\n" + body;
            string known = Header + $"qubit[7] q;\nbit[3] a;\nbit[3] b;\nbit[8] d;\nbit r;\na = {av};\nb = {bv};\n" + body;
            var compiled = QasmFrontEnd.Parse(measured, "test.qasm");
            Assert.True(compiled.Succeeded, $"{compiled.Error}\n{measured}");
            if (value.Contains('a') || value.Contains('b'))
            {
                Assert.Contains(compiled.Circuit!.Operations, op => op is ComputeBitsOperation or CopyBitsOperation);
            }

            Assert.DoesNotContain(Compile(known).Operations, op => op is ComputeBitsOperation or IfElseOperation);
            Assert.True(Counts(known, shots: 1).Keys.SequenceEqual(Counts(measured, shots: 1).Keys), $"a = {av}, b = {bv}: d = {value}; if ({test})");
        }
    }

    [Fact]
    public void RunTimeArithmetic_FollowsTheDocumentedRules()
    {
        // c = 101 (5) measured from a prepared state; each line's result is stored in its own register.
        string program = Header + """
            qubit[3] q;
            bit[3] c;
            bit[3] notc;
            bit[4] half;
            bit[4] rest;
            bit[1] nonzero;
            bit[4] counter;
            x q[0];
            x q[2];
            c = measure q;
            notc = ~c;
            half = c / 2;
            rest = c % 3;
            bool any = c;
            nonzero[0] = any;
            counter = uint[4](c);
            counter += 1;
            counter <<= 1;
            """;
        // counter = (5 + 1) << 1 = 12; nonzero = 1; rest = 2; half = 2; ~c = 010.
        Assert.Equal(["1100 1 0010 0010 010 101"], Counts(program, shots: 3).Keys);
    }

    [Fact]
    public void SignedVariables_HoldingMeasuredBits_ReadTheirSignBit()
    {
        // c = 10000000 is 128 unsigned and -128 as an int[8]; uint[8] keeps 128.
        string program = Header + """
            qubit q;
            bit[8] c;
            bit[3] r;
            x q;
            c[7] = measure q;
            int[8] k = c;
            uint[8] u = c;
            if (k < 0) { r[0] = 1; }
            if (u > 127) { r[1] = 1; }
            if (k + 256 == u + 0) { r[2] = 1; }
            """;
        Assert.Equal(["111 10000000"], Counts(program, shots: 3).Keys);
    }

    [Fact]
    public void Expressions_OnMeasuredBits_ReachSwitchesAndSubroutineArguments()
    {
        string program = Header + """
            qubit[2] q;
            bit[2] c;
            bit[2] r;
            def twice(bit[2] v) -> bit[2] { return v + v; }
            x q[0];
            c = measure q;
            switch (c + 1) {
              case 2 { r[0] = 1; }
              default { r[1] = 1; }
            }
            c = twice(c ^ 3);
            """;
        // c = 01; c + 1 = 2 takes case 2; twice(01 ^ 11 = 10) = 100, whose low two bits are 00.
        Assert.Equal(["01 00"], Counts(program, shots: 3).Keys);
    }

    [Theory]
    [InlineData("qubit q; bit[70] c; c[0] = measure q; if (c + 1 == 2) { x q; }", "arithmetic on 70 bits known only at run time is not supported")]
    [InlineData("qubit q; bit[2] c; c[0] = measure q; if (c ** 2 == 1) { x q; }", "'**' on bits known only at run time")]
    [InlineData("qubit q; bit[2] c; c[0] = measure q; if (c + 0.5 > 1) { x q; }", "a real number in an expression on measured bits is not supported")]
    [InlineData("qubit q; bit[2] c; c[0] = measure q; float f = c + 1;", "'f' would hold a value known only at run time")]
    [InlineData("qubit q; bit[2] c; c[0] = measure q; rx(c + 1) q;", "known only at run time")]
    public void RunTimeArithmetic_BeyondWhatIsComputed_IsRefusedWithItsReason(string body, string message) =>
        Assert.Contains(message, Refusal(Header + body).Message);

    [Fact]
    public void DivisionByZero_AtRunTime_StopsTheRunWithAClearError()
    {
        var circuit = Compile(Header + "qubit q; bit[2] c; bit[2] d; c[0] = measure q; d = 3 / c;");
        var error = Assert.Throws<CircuitExecutionException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 2, Seed = 1 }));
        Assert.Contains("division by zero", error.Message);
    }

    [Fact]
    public void Conditions_OnRegistersWiderThan64Bits_CompareEveryBit()
    {
        // As QASMBench's cc_n151 does (OpenQASM 2): a 70-bit register equal to 2^69 after bit 69 reads 1.
        string program = """
            OPENQASM 2.0;
            include "qelib1.inc";
            qreg q[2];
            creg c[70];
            creg r[1];
            x q[1];
            measure q[1] -> c[69];
            if(c==590295810358705651712) x q[0];
            if(c==1) x q[0];
            if(c==0) x q[0];
            measure q[0] -> r[0];
            """;
        foreach (var method in new[] { SimulationMethod.StateVector, SimulationMethod.Stabilizer })
        {
            var counts = Counts(program, shots: 10, method: method);
            Assert.Equal(["1 1" + new string('0', 69)], counts.Keys);
        }

        // OpenQASM 3: the same, with a value and a bit string wider than 64 bits.
        var three = Counts(Header + $$"""
            qubit[2] q;
            bit[70] c;
            bit r;
            x q[1];
            c[69] = measure q[1];
            if (c == 590295810358705651712) { x q[0]; }
            if (c == "1{{new string('0', 69)}}") { x q[0]; }
            if (c > 1) { x q[0]; }
            r = measure q[0];
            """, shots: 10);
        Assert.Equal(["1 1" + new string('0', 69)], three.Keys);
    }

    [Fact]
    public void AProgramWithNoQubits_Runs()
    {
        // As Qiskit Aer, a program that never writes a bit has no counts; one that does counts what it wrote.
        Assert.Empty(Counts(Header + "bit[2] c; if (c == 0) { }", shots: 5));
        Assert.Equal(new Dictionary<string, int> { ["01"] = 5 }, (IEnumerable<KeyValuePair<string, int>>)Counts(Header + "bit[2] c; if (c == 0) { c[0] = 1; }", shots: 5));
        Assert.Equal(new Dictionary<string, int> { ["10"] = 5 }, (IEnumerable<KeyValuePair<string, int>>)Counts(Header + "bit[2] c; c[1] = 1;", shots: 5));
        Assert.Empty(Counts(Header, shots: 5));
    }

    [Fact]
    public void PhysicalQubits_AreARegisterOfTheirOwn_NumberedAsWritten()
    {
        var circuit = Compile("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nbit[2] c;\nx $3;\ncx $3, $0;\nc[0] = measure $0;\nc[1] = measure $2;");
        Assert.Equal(4, circuit.QubitCount);
        Assert.Equal(["01"], Counts("OPENQASM 3.0;\ninclude \"stdgates.inc\";\nbit[2] c;\nx $3;\ncx $3, $0;\nc[0] = measure $0;\nc[1] = measure $2;", shots: 10).Keys);
    }

    [Fact]
    public void Aliases_NameQubitsAndBits_AsLetDoes()
    {
        SameCounts(
            Header + """
                qubit _qubit0;
                qubit _qubit1;
                qubit[3] r;
                bit[4] c;
                let first = {_qubit0, _qubit1};
                let joined = first ++ r[1:2];
                let out = c[0:1] ++ c[3];
                h joined[0];
                cx joined[0], joined[3];
                out = measure {first[0], r[2], _qubit1};
                """,
            Header + """
                qubit _qubit0;
                qubit _qubit1;
                qubit[3] r;
                bit[4] c;
                h _qubit0;
                cx _qubit0, r[2];
                c[0] = measure _qubit0;
                c[1] = measure r[2];
                c[3] = measure _qubit1;
                """);
        Assert.Contains("names one qubit twice", Refusal(Header + "qubit[2] q; let a = q ++ q[0];").Message);
        Assert.Contains("joins qubits with qubits or bits with bits", Refusal(Header + "qubit[2] q; bit c; let a = q ++ c;").Message);
    }

    [Fact]
    public void TheGrammarsSmallerForms_Parse()
    {
        var counts = Counts("""
            OPENQASM 3.0;
            include 'stdgates.inc';
            @my.annotation some words
            qubit[2] q;
            bit[2] c;
            gate g(a, b,) x, y, { rx(a,) x; ry(b) y; }
            def read(creg unused[2], qubit[2] qs) -> bit[2] { unused = "11"; return measure qs; }
            complex[float[64]] z = 1 + 2im;
            float turn = real(z * z) + imag(z) * 2;   // -3 + 4 = 1 … times pi below
            nop q[0];
            @annotated
            g(turn * pi, 0,) q[0], q[1];
            c = read(c, q);
            """, shots: 10);
        Assert.Equal(["01"], counts.Keys);
        Assert.Contains("expected a real number, found a complex one", Refusal(Header + "qubit q; rx(1im) q;").Message);

        // Classical arguments pass by value: the subroutine's store does not reach the caller's bit.
        Assert.Equal(["0"], Counts(Header + "def f(bit b) { b = 1; }\nbit c;\nf(c);", shots: 3).Keys);
    }

    [Theory]
    [InlineData("OPENQASM 2.6;\nqreg q[1];", "OpenQASM 2 has only version 2.0")]
    [InlineData("OPENQASM 3.7;\nqubit q;", "OpenQASM 3.7 is not a version VnQuantum knows")]
    [InlineData("OPENQASM 3.0;\nconst int x;", "the constant 'x' needs a value")]
    public void Leniencies_ThatAcceptedInvalidPrograms_AreRefused(string program, string message) =>
        Assert.Contains(message, Refusal(program).Message);

    [Fact]
    public void ADirectory_IsNotAFile()
    {
        var result = QasmFrontEnd.ParseFile(AppContext.BaseDirectory);
        Assert.Contains("this is a directory, not a file", result.Error!.Message);
    }

    [Fact]
    public void VariablesInScratchBits_KeepTheirBits_WhenRegistersAreDeclaredAfterThem()
    {
        // Registers are numbered first and scratch bits after them once the program is compiled; every operation
        // and condition that reads scratch bits must follow the renumbering. This once left 'c = c + 3' and the
        // tests on c reading the register declared after it (out read 001 instead of 100).
        var circuit = Compile(Header + """
            qubit m; bit b; uint[3] c = 0;
            x m; b = measure m; c = b; c = c + 3;
            bit[3] out; bit f; bit g;
            out = c;
            if (c * 2 == 8) f = 1;
            uint[3] d = c + 1;
            if (d > out) g = 1; else g = 0;
            """);
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 20, Seed = 1 });
        Assert.Equal(["1 1 100 1"], run.Counts.Keys); // g f out b
        var perShot = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 20, Seed = 1, ShotBranching = false });
        Assert.Equal(run.Counts, perShot.Counts);
    }
}
