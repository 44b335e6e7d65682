using System.Numerics;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// OpenQASM 3 as real programs write it (issue 17, part 6): timing checked and ignored, calibrations read past,
/// extern refused only when called, angle registers written by measurement driving rotations, classical arrays.
/// </summary>
public class OpenQasm3TimingAndAngleTests
{
    private const string Header3 = OpenQasm3Tests.Header3;

    private static Circuit Parse3(string source) => OpenQasm3Tests.Parse3(source);

    private static Complex[] FinalState(Circuit circuit) =>
        CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 1, Seed = 3, IncludeStatevector = true, Method = SimulationMethod.StateVector, Threads = 1 }).Statevector!;

    private static void AssertSameState(Complex[] expected, Complex[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Complex.Abs(expected[i] - actual[i]) < 1e-12, $"amplitude {i}: {actual[i]} against {expected[i]}");
        }
    }

    [Fact]
    public void Timing_IsCheckedAndLeavesTheStateAsWithoutIt()
    {
        const string gates = "h q[0]; cx q[0], q[1]; rx(0.3) q[2]; cz q[1], q[2];";
        var plain = Parse3(Header3 + "qubit[3] q;\n" + gates.Replace("cx q[0], q[1];", "cx q[0], q[1];", StringComparison.Ordinal));
        var timed = Parse3(Header3 + """
            stretch g;
            duration pulse = 160dt;
            duration gap = 2 * 50ns + 0.5us;
            const duration one = 1us;
            duration mixed = gap - durationof({ x q[0]; }) + g;
            qubit[3] q;
            box[1us] {
              h q[0];
              delay[g] q[1];
            }
            x[20ns] q[2];
            x q[2];
            cx q[0], q[1];
            delay[2 * g] q[2];
            delay[pulse] q;
            delay[mixed];
            rx(0.3) q[2];
            delay[gap / 2] q[0], q[2];
            cz q[1], q[2];
            """);
        AssertSameState(FinalState(plain), FinalState(timed));
    }

    [Fact]
    public void DurationArithmetic_FollowsTheUnits()
    {
        // 1 us / 250 ns = 4, so rx(r * pi / 8) is rx(pi / 2); a wrong ratio would give another state.
        var ratio = Parse3(Header3 + "duration a = 1us; duration b = 250ns; float r = a / b; qubit q; rx(r * pi / 8) q;");
        var direct = Parse3(Header3 + "qubit q; rx(pi / 2) q;");
        AssertSameState(FinalState(direct), FinalState(ratio));

        var cycles = Parse3(Header3 + "duration a = 300dt; float r = a / 150dt; qubit q; rx(r * pi / 4) q;");
        AssertSameState(FinalState(direct), FinalState(cycles));
    }

    [Fact]
    public void Delay_FromDurationVariables_RelaxesForItsLength()
    {
        // T1 = 20 us over 2 × 5 us: P(1) = e^(−10/20).
        var circuit = Parse3(Header3 + "duration d = 5us; qubit q; bit c; x q; delay[2 * d] q; c = measure q;");
        var noise = NoiseModel.Parse("""{"errors":[{"gates":["delay"],"channel":{"type":"thermal_relaxation","t1Us":20,"t2Us":30}}]}""");
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeProbabilities = true, Noise = noise });
        Assert.Equal(Math.Exp(-0.5), run.Probabilities![1], 10);
    }

    [Theory]
    [InlineData("delay[100dt] q;")]
    [InlineData("stretch s; delay[s] q;")]
    [InlineData("delay[durationof({ x q; })] q;")]
    public void Delay_WithoutALengthInSeconds_IsRefusedByIdleNoise_WithTheReason(string delay)
    {
        var circuit = Parse3(Header3 + "qubit q; bit c; x q; " + delay + " c = measure q;");
        var noise = NoiseModel.Parse("""{"errors":[{"gates":["delay"],"channel":{"type":"thermal_relaxation","t1Us":20,"t2Us":30}}]}""");
        var error = Assert.ThrowsAny<Exception>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 10, Noise = noise }));
        Assert.Contains("no length in seconds", error.Message, StringComparison.Ordinal);

        // Without idle noise the same delay is an identity.
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 10, Seed = 1 });
        Assert.Equal(10, run.Counts["1"]);
    }

    [Fact]
    public void Calibrations_AreReadPast_AndExternRefusedOnlyWhenCalled()
    {
        var withCalibrations = Parse3(Header3 + """
            defcalgrammar "openpulse";
            extern vote(bit[3]) -> bit;
            cal { extern port d0; }
            defcal x $0 { play drive($0), gaussian(...); }
            defcal measure $0 -> bit { return threshold(capture(...), 1234); }
            qubit[2] q;
            h q[0];
            cx q[0], q[1];
            """);
        AssertSameState(FinalState(Parse3(Header3 + "qubit[2] q; h q[0]; cx q[0], q[1];")), FinalState(withCalibrations));

        var call = OpenQasm3.Parse(Header3 + "extern vote(bit[3]) -> bit;\nqubit[3] q; bit[3] c = measure q;\ndef f() -> bit { return vote(c); }\nbit r = f();", "test.qasm");
        Assert.False(call.Succeeded);
        Assert.Contains("'vote' is an extern function (declared at line 3)", call.Error!.Message, StringComparison.Ordinal);
    }

    public static TheoryData<int> BitPatterns() => [0, 1, 2, 3];

    [Theory]
    [MemberData(nameof(BitPatterns))]
    public void MeasuredAngle_DrivesRotations_AsTheSameConstantAngleWould(int pattern)
    {
        // c starts at π/4 (one unit of 2π/8 in bit 0); measurements write bits 1 and 2 from qubits prepared in a basis
        // state, so c = 2π(1 + 2 b1 + 4 b2)/8 is known to the test but only at run time to the program.
        int b1 = pattern & 1, b2 = (pattern >> 1) & 1;
        double angle = 2 * Math.PI * (1 + (2 * b1) + (4 * b2)) / 8;
        string prepare = (b1 == 1 ? "x m[0]; " : "") + (b2 == 1 ? "x m[1]; " : "");
        const string rotations = "h t; h u; inv @ phase(A) t; ctrl @ rx(A) t, u; pow(2) @ rz(A) u; cry(A) u, t; rzz(A) t, u;";
        var measured = Parse3(Header3 + "qubit[2] m; qubit t; qubit u; angle[3] c = pi / 4;\n" + prepare
            + "measure m[0] -> c[1]; c[2] = measure m[1];\n" + rotations.Replace("A", "c", StringComparison.Ordinal));
        var constant = Parse3(Header3 + "qubit[2] m; qubit t; qubit u;\n" + prepare
            + rotations.Replace("A", angle.ToString("R", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        AssertSameState(FinalState(constant), FinalState(measured));
    }

    [Fact]
    public void MeasuredAngle_ShiftsAsAnUnsignedRegister()
    {
        // ipe.qasm's pattern: measure into c[0], then c <<= 1. After measuring 1 and shifting twice, c = 4 units of
        // 2π/8 = π, so phase(c) between Hadamards flips the target with certainty.
        var circuit = Parse3(Header3 + """
            qubit m; qubit t; angle[3] c;
            x m;
            measure m -> c[0];
            c <<= 1;
            c <<= 1;
            bit b;
            h t; phase(c) t; h t;
            b = measure t;
            """);
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 50, Seed = 4 });
        Assert.Equal(50, run.Counts["1"]);
    }

    [Theory]
    [InlineData("qubit q; angle[2] c; measure q -> c[0]; h q; U(c, 0, 0) q;", "'U' is not one of them")]
    [InlineData("qubit q; angle[2] c; measure q -> c[0]; rz(2 * c) q;", "must be an angle[n] variable written by measurement")]
    [InlineData("qubit q; const angle[2] c = 0; measure q -> c[0];", "measurement results go into bits")]
    public void MeasuredAngle_OutsideWhatIsExact_IsRefusedWithTheReason(string body, string message)
    {
        var result = OpenQasm3.Parse(Header3 + body, "test.qasm");
        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, result.Error.Line);
    }

    /// <summary>Each register's value in the single outcome of a run (the program is deterministic).</summary>
    private static Dictionary<string, long> Registers(Circuit circuit)
    {
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 3, Seed = 1 });
        string key = Assert.Single(run.Counts.Keys);
        string[] parts = key.Split(' ');
        var registers = circuit.ClassicalRegisters;
        return registers.Select((r, i) => (r.Name, Value: System.Convert.ToInt64(parts[registers.Length - 1 - i], 2))).ToDictionary(p => p.Name, p => p.Value);
    }

    [Fact]
    public void SpecArraysExample_RunsOnceItsTwoMistakesAreMended_WithTheValuesItsCommentsGive()
    {
        // As published, arrays.qasm indexes past the end (my_defined_uints[a - 1] with a = 5, on 4 elements) and
        // declares first_dimension twice; the examples test checks it is refused at the first. Mended, every
        // construct in it runs, and the values are the ones its comments state.
        string source = File.ReadAllText(Path.Combine(OpenQasm3Tests.ExamplesFolder(), "arrays.qasm"))
            .Replace("my_defined_uints[a - 1] = a + 1;", "my_defined_uints[a - 2] = a + 1;", StringComparison.Ordinal)
            .Replace("const uint[32] first_dimension = sizeof(my_doubles);", "const uint[32] first_dimension_again = sizeof(my_doubles);", StringComparison.Ordinal);
        source += """

            bit[8] dimension_bits = dimension;
            bit[8] first_bits = first_dimension;
            bit[8] second_bits = second_dimension;
            bit[8] again_bits = first_dimension_again;
            bit[8] uint3 = my_defined_uints[3];
            bit[8] ones10 = all_ones[1, 0];
            bit[8] float10 = int(my_defined_floats[1, 0] * 100 + 100.5);
            bit[8] float01 = int(my_defined_floats[0][1] * 100 + 100.5);
            bit[8] row1 = int(my_defined_float_row[1] * 100 + 100.5);
            """;
        var values = Registers(Parse3(source));
        Assert.Equal(4, values["dimension_bits"]);
        Assert.Equal(8, values["first_bits"]);
        Assert.Equal(4, values["second_bits"]);
        Assert.Equal(8, values["again_bits"]);
        Assert.Equal(6, values["uint3"]); // a = 5 after my_defined_uints[1] = 5 … [0] is 5; [a − 2] = [3] ← 6
        Assert.Equal(11, values["ones10"]); // 3 + 8
        Assert.Equal(55, values["float10"]); // rows 2:3 copied onto 0:1; [3, 0] was set to −0.45
        Assert.Equal(150, values["float01"]); // row 2 had become the copy of row 0: {0.5, 0.5}
        Assert.Equal(150, values["row1"]); // the copy of row 0 does not follow later writes to the array
    }

    [Fact]
    public void Arrays_PassByReference_AndIterateInOrder()
    {
        var values = Registers(Parse3(Header3 + """
            array[int[8], 4] k = {1, 2, 3, 4};
            array[uint[8], 2, 3] grid;
            def bump(mutable array[int[8], #dim = 1] a, readonly array[uint[8], 2, 3] g) -> int {
                a[0] = a[0] + sizeof(a) + sizeof(g, 1);
                return g[1, 2];
            }
            grid[1, 2] = 9;
            int total = 0;
            for int x in k { total = total * 10 + x; }
            int seen = bump(k, grid);
            bit[16] t = total;
            bit[8] first = k[0];
            bit[8] returned = seen;
            bit[8] last = k[-1];
            """));
        Assert.Equal(1234, values["t"]);
        Assert.Equal(1 + 4 + 3, values["first"]);
        Assert.Equal(9, values["returned"]);
        Assert.Equal(4, values["last"]);
    }

    [Theory]
    [InlineData("array[int[8], 2] a = {1, 2, 3};", "this {…} has 3 item(s); dimension 0 of the array has 2")]
    [InlineData("array[int[8], 2, 2] a = {{1, 2}, 3};", "expected a row {…} of 2 item(s)")]
    [InlineData("array[int[8], 2000, 2000] a;", "more than the 1,048,576 VnQuantum holds")]
    [InlineData("array[int[8], 2] a; a[2] = 1;", "index 2 is out of range for a dimension of size 2")]
    [InlineData("array[int[8], 2] a; array[int[8], 3] b; a = b;", "an array of shape 3 where one of shape 2 is needed")]
    [InlineData("qubit q; bit c = measure q; array[int[8], 2] a; a[0] = c;", "known only at run time")]
    [InlineData("def f(readonly array[int[8], 2] a) { a[0] = 1; } array[int[8], 2] b; f(b);", "'a' is a readonly or constant array")]
    [InlineData("def f(mutable array[float[64], 2] a) { } array[int[8], 2] b; f(b);", "takes an array of float elements")]
    [InlineData("def f(readonly array[int[8], #dim = 2] a) { } array[int[8], 2] b; f(b);", "takes an array of 2 dimension(s), not 1")]
    [InlineData("int x = sizeof(3);", "sizeof needs an array")]
    [InlineData("array[int[8], #dim = 1] a;", "#dim = n is for subroutine parameters")]
    [InlineData("for int i in [0:1000000] { array[int[8], 1000000] a; }", "more than 10,000,000 compile steps")]
    public void Arrays_OutsideTheRules_AreRefusedWithTheReason(string body, string message)
    {
        var result = OpenQasm3.Parse(Header3 + body, "test.qasm");
        Assert.False(result.Succeeded, "expected a refusal");
        Assert.Contains(message, result.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3, result.Error.Line);
    }
}
