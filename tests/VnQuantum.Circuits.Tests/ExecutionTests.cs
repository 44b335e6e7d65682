using System.Numerics;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Circuits.Passes;
using VnQuantum.Simulation;
using VnQuantum.Testing;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

public class ExecutionTests
{
    /// <summary>The reference: each gate's matrix applied index by index to a plain array.</summary>
    private static Complex[] DenseState(Circuit circuit)
    {
        var v = DenseReference.BasisState(circuit.QubitCount, 0);
        foreach (var op in circuit.Operations.OfType<GateOperation>())
        {
            var gate = StandardGates.Find(op.GateName)!;
            v = DenseReference.ApplySmall([.. op.Qubits], gate.FullMatrix(op.Parameters), v);
        }

        return v;
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(5, 2)]
    [InlineData(7, 3)]
    [InlineData(10, 4)]
    [InlineData(10, 5)]
    public void RandomCircuits_MatchTheDenseReference(int qubits, int seed)
    {
        var circuit = Parse(RandomCircuits.Program(qubits, 60, seed));
        var expected = DenseState(circuit);
        Assert.True(DenseReference.MaxDistance(State(circuit), expected) < 1e-10);
        Assert.Equal(1.0, State(circuit).Sum(a => a.Magnitude * a.Magnitude), 10);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Fusion_GivesTheSameStateAsNoFusion(int maxQubits)
    {
        for (int seed = 0; seed < 6; seed++)
        {
            var circuit = Parse(RandomCircuits.Program(8, 120, 100 + seed));
            var fused = GateFusion.Fuse(circuit, maxQubits);
            Assert.All(fused.Operations.OfType<UnitaryOperation>(), u => Assert.True(u.Qubits.Length <= maxQubits));
            Assert.True(DenseReference.MaxDistance(State(circuit, fusion: maxQubits), State(circuit, fusion: 0)) < 1e-10, $"seed {seed}");
        }
    }

    [Fact]
    public void Fusion_MergesARandomLayeredCircuitIntoFewerSweeps()
    {
        var circuit = Parse(Header + "qreg q[4];\n" + string.Concat(Enumerable.Repeat("sx q[0]; sx q[1]; ry(0.3) q[2]; t q[3]; cz q[0],q[1]; cz q[2],q[3]; rx(0.2) q[1]; h q[2]; cz q[1],q[2];\n", 5)));
        var fused = GateFusion.Fuse(circuit, 2);
        // In sweeps of the state, by the fusion pass's own cost model: at most 75 % of the unfused cost.
        static double Sweeps(Circuit c) => c.Operations.Sum(o => o is UnitaryOperation u ? GateFusion.DenseCost(u.Qubits.Length) : GateFusion.Cost((GateOperation)o));
        Assert.True(fused.Operations.Length < circuit.Operations.Length * 0.6, $"{fused.Operations.Length} of {circuit.Operations.Length}");
        Assert.True(Sweeps(fused) < 0.75 * Sweeps(circuit), $"{Sweeps(fused)} vs {Sweeps(circuit)}");
        Assert.True(DenseReference.MaxDistance(State(circuit, fusion: 2), State(circuit)) < 1e-12);
    }

    [Fact]
    public void Fusion_AGateThatCannotJoinEveryOpenBlock_JoinsTheOnesThatFit()
    {
        // cz q[2],q[3] cannot join both the 3-qubit block {0,1,2} and the one-qubit block {3}: it joins {3}, so the
        // h on q[3] is not left behind as a sweep of its own.
        var circuit = Parse(Header + "qreg q[4];\nh q[0]; cx q[0],q[1]; cx q[1],q[2]; h q[3]; cz q[2],q[3]; rx(0.3) q[3];");
        var fused = GateFusion.Fuse(circuit, 3);
        Assert.Collection(
            fused.Operations,
            first => Assert.Equal([0, 1, 2], first.Qubits.ToArray()),
            second => Assert.Equal([2, 3], second.Qubits.ToArray()));
        Assert.True(DenseReference.MaxDistance(State(circuit, fusion: 3), State(circuit)) < 1e-12);
    }

    [Fact]
    public void Fusion_ABlockThatDoesNotPay_IsFusedAgainInSmallerBlocks()
    {
        // Five qubits whose gates cost less than one dense 32×32 sweep: the block is split into blocks of four
        // qubits and fewer, not into its eight gates.
        var circuit = Parse(Header + "qreg q[5];\nh q[0]; h q[1]; h q[2]; h q[3]; cx q[0],q[1]; cx q[1],q[2]; cx q[2],q[3]; cx q[3],q[4];");
        var fused = GateFusion.Fuse(circuit, 5);
        Assert.DoesNotContain(fused.Operations, o => o.Qubits.Length == 5);
        Assert.Contains(fused.Operations, o => o is UnitaryOperation { Qubits.Length: 4 });
        Assert.True(fused.Operations.Length <= 2, string.Join("; ", fused.Operations.Select(o => o.Name)));
        Assert.True(DenseReference.MaxDistance(State(circuit, fusion: 5), State(circuit)) < 1e-12);
    }

    [Fact]
    public void Fusion_DoesNotCrossMeasurementsOrConditions()
    {
        var circuit = Parse(Header + "qreg q[2]; creg c[1];\nh q[0]; measure q[0] -> c[0]; h q[0]; if(c==1) x q[1]; h q[1]; cx q[0],q[1];");
        var fused = GateFusion.Fuse(circuit, 2);
        int measure = fused.Operations.ToList().FindIndex(o => o is MeasureOperation);
        Assert.Equal("h", fused.Operations[measure - 1].Name);
        Assert.Contains(fused.Operations, o => o.Condition is not null && o.Name == "x");
    }

    [Fact]
    public void Bell_And_Ghz_GiveTheirTextbookDistributions()
    {
        var bell = State(Header + "qreg q[2]; h q[0]; cx q[0],q[1];");
        Assert.Equal(1 / Math.Sqrt(2), bell[0].Real, 12);
        Assert.Equal(1 / Math.Sqrt(2), bell[3].Real, 12);
        Assert.Equal(0, bell[1].Magnitude, 12);

        var ghz = CircuitExecutor.Run(OpenQasm2.ParseFile(Path.Combine(SamplesFolder(), "ghz.qasm")).Circuit!, new ExecutionOptions { Shots = 4000, Seed = 5 });
        Assert.Equal(["00000", "11111"], ghz.Counts.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(ghz.Counts["11111"], 1800, 2200);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(5, 19)]
    [InlineData(6, 42)]
    public void Qft_OfABasisState_HasThePhasesOfTheFormula(int n, int j)
    {
        // Qiskit's QFT: |j⟩ → N^{-1/2} Σ_k e^{2πi jk/N} |k⟩ (with the final swaps).
        var text = new System.Text.StringBuilder(Header + $"qreg q[{n}];\n");
        for (int b = 0; b < n; b++)
        {
            if (((j >> b) & 1) == 1)
            {
                text.Append($"x q[{b}];\n");
            }
        }

        for (int target = n - 1; target >= 0; target--)
        {
            text.Append($"h q[{target}];\n");
            for (int control = target - 1; control >= 0; control--)
            {
                text.Append($"cp(pi/{1 << (target - control)}) q[{control}],q[{target}];\n");
            }
        }

        for (int a = 0; a < n / 2; a++)
        {
            text.Append($"swap q[{a}],q[{n - 1 - a}];\n");
        }

        var state = State(text.ToString(), fusion: 3);
        int dim = 1 << n;
        for (int k = 0; k < dim; k++)
        {
            var expected = Complex.Exp(Complex.ImaginaryOne * 2 * Math.PI * j * k / dim) / Math.Sqrt(dim);
            Assert.True((state[k] - expected).Magnitude < 1e-12, $"k = {k}: {state[k]} vs {expected}");
        }
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(4, 11)]
    [InlineData(5, 22)]
    public void Grover_FindsTheMarkedStateWithTheTextbookProbability(int n, int marked)
    {
        int iterations = (int)Math.Floor(Math.PI / 4 * Math.Sqrt(1 << n));
        string controls = string.Join(",", Enumerable.Range(0, n - 1).Select(q => $"q[{q}]"));
        string mcz = n switch
        {
            3 => $"h q[2]; ccx {controls},q[2]; h q[2];",
            4 => $"h q[3]; c3x {controls},q[3]; h q[3];",
            _ => $"h q[4]; c4x {controls},q[4]; h q[4];",
        };
        string flips = string.Concat(Enumerable.Range(0, n).Where(q => ((marked >> q) & 1) == 0).Select(q => $"x q[{q}];"));
        string oracle = flips + mcz + flips;
        string diffuser = $"h q; x q; {mcz} x q; h q;";
        var text = Header + $"qreg q[{n}];\nh q;\n" + string.Concat(Enumerable.Repeat(oracle + diffuser + "\n", iterations));
        var probabilities = CircuitExecutor.Run(Parse(text), new ExecutionOptions { Shots = 0, IncludeProbabilities = true }).Probabilities!;
        double theta = Math.Asin(1 / Math.Sqrt(1 << n));
        double expected = Math.Pow(Math.Sin(((2 * iterations) + 1) * theta), 2);
        Assert.Equal(expected, probabilities[marked], 10);
    }

    [Fact]
    public void SampledCounts_PassAChiSquareTest()
    {
        // ry angles give uneven marginals on 3 qubits; 100k shots; chi-square with 7 degrees of freedom.
        var circuit = Parse(Header + "qreg q[3]; creg c[3]; ry(0.4) q[0]; ry(1.3) q[1]; cx q[1],q[2]; ry(2.2) q[2]; measure q -> c;");
        var probabilities = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeProbabilities = true }).Probabilities!;
        const int shots = 100_000;
        var result = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = shots, Seed = 2024 });
        double chi2 = 0;
        for (int i = 0; i < 8; i++)
        {
            string key = Convert.ToString(i, 2).PadLeft(3, '0');
            double expected = shots * probabilities[i];
            chi2 += Math.Pow(result.Counts.GetValueOrDefault(key) - expected, 2) / expected;
        }

        // 99.9th percentile of chi-square with 7 degrees of freedom: 24.3.
        Assert.True(chi2 < 24.3, $"chi2 = {chi2}");
    }

    [Theory]
    [InlineData("ghz.qasm")]
    [InlineData("teleport.qasm")]
    public void SameSeed_GivesTheSameCounts_OnAnyThreadCount(string sample)
    {
        var circuit = OpenQasm2.ParseFile(Path.Combine(SamplesFolder(), sample)).Circuit!;
        var one = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 500, Seed = 99, Threads = 1 });
        var again = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 500, Seed = 99, Threads = 1 });
        var two = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 500, Seed = 99, Threads = 2 });
        var other = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 500, Seed = 100, Threads = 1 });
        Assert.Equal(one.Counts, again.Counts);
        Assert.Equal(one.Counts, two.Counts);
        Assert.NotEqual(one.Counts, other.Counts);
    }

    [Fact]
    public void LargeStates_AreReproducibleAcrossThreadCounts()
    {
        // 16 qubits: the engine's thread pool really splits the work here.
        var circuit = Parse(RandomCircuits.Program(16, 80, 7, measure: true));
        var a = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 2000, Seed = 1, Threads = 1 });
        var b = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 2000, Seed = 1, Threads = 2 });
        Assert.Equal(a.Counts, b.Counts);
    }

    [Fact]
    public void Samples_GiveTheirKnownAnswers()
    {
        string folder = SamplesFolder();
        Counts RunSample(string name) => new(CircuitExecutor.Run(OpenQasm2.ParseFile(Path.Combine(folder, name)).Circuit!, new ExecutionOptions { Shots = 2000, Seed = 3 }).Counts);

        Assert.Equal(2000, RunSample("qft.qasm")["0101"]);
        Assert.Equal(2000, RunSample("bernstein_vazirani.qasm")["1011"]);
        Assert.Equal(2000, RunSample("adder.qasm")["10000"]);
        Assert.InRange(RunSample("grover3.qasm")["101"], 1820, 1960);

        // Teleportation: Bob's bit is 1 with probability sin²(0.6), whatever Alice measured; keys are "bob m1 m0".
        var teleport = RunSample("teleport.qasm");
        int ones = teleport.Where(p => p.Key[0] == '1').Sum(p => p.Value);
        Assert.InRange(ones / 2000.0, 0.3188 - 0.035, 0.3188 + 0.035);
        Assert.All(teleport.Keys, k => Assert.Matches("^[01] [01] [01]$", k));
    }

    [Fact]
    public void CountsKeys_PutBitZeroRightmost_AndTheLastRegisterFirst()
    {
        var circuit = Parse(Header + "qreg q[3]; creg a[2]; creg b[1]; x q[0]; x q[2]; measure q[0] -> a[0]; measure q[1] -> a[1]; measure q[2] -> b[0];");
        var result = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 10, Seed = 1 });
        Assert.Equal(new Dictionary<string, int> { ["1 01"] = 10 }, result.Counts);
    }

    [Fact]
    public void MidCircuitMeasurement_ResetAndIf_AreSimulatedPerShot()
    {
        var circuit = Parse(Header + "qreg q[2]; creg c[2]; h q[0]; measure q[0] -> c[0]; if(c==1) x q[1]; reset q[0]; measure q[0] -> c[0]; measure q[1] -> c[1];");
        var result = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 400, Seed = 8, Method = SimulationMethod.StateVector });
        Assert.False(result.Metadata.SampledFromFinalState);
        Assert.Equal(["00", "10"], result.Counts.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(result.Counts["10"], 150, 250);
    }

    [Fact]
    public void SinglePrecision_GivesTheSameDistribution()
    {
        var circuit = Parse(RandomCircuits.Program(6, 40, 9));
        var d = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeStatevector = true }).Statevector!;
        var s = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeStatevector = true, Precision = Precision.Single }).Statevector!;
        Assert.True(DenseReference.MaxDistance(d, s) < 1e-5);
    }

    [Fact]
    public void OpaqueGates_ParseButRefuseToRun()
    {
        var circuit = Parse(Header + "opaque magic(a) x,y;\nqreg q[2]; magic(0.5) q[0],q[1];");
        var e = Assert.Throws<CircuitExecutionException>(() => CircuitExecutor.Run(circuit));
        Assert.Contains("opaque gate 'magic'", e.Message);
    }

    [Fact]
    public void TooManyQubits_IsAResourceErrorThatSaysHowMuchMemory()
    {
        var circuit = Parse(Header + "qreg q[38]; h q[0];");
        var e = Assert.Throws<StateTooLargeException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Method = SimulationMethod.StateVector }));
        Assert.Contains("needs 4 TiB", e.Message);
    }

    private sealed class Counts(IReadOnlyDictionary<string, int> counts) : Dictionary<string, int>(counts.ToDictionary(p => p.Key, p => p.Value));
}

public sealed class ResultJsonTests
{
    [Fact]
    public void Read_GivesBackWhatWriteWrote()
    {
        var circuit = VnQuantum.Circuits.OpenQasm.QasmFrontEnd.Parse("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\nt q[0];\ncx q[0],q[1];\nmeasure q -> c;\n", "t.qasm").Circuit!;
        var result = VnQuantum.Circuits.Execution.CircuitExecutor.Run(circuit, new VnQuantum.Circuits.Execution.ExecutionOptions { Shots = 300, Seed = 9, IncludeStatevector = true, IncludeProbabilities = true });
        string json = VnQuantum.Circuits.Execution.ResultJson.Write(result);
        var back = VnQuantum.Circuits.Execution.ResultJson.Read(json);
        Assert.Equal(result.Counts.OrderBy(c => c.Key), back.Counts.OrderBy(c => c.Key));
        Assert.Equal(result.Statevector, back.Statevector);
        Assert.Equal(result.Probabilities, back.Probabilities);
        Assert.Equal(result.Metadata with { FusionMilliseconds = 0, SimulationMilliseconds = 0, SamplingMilliseconds = 0 }, back.Metadata with { FusionMilliseconds = 0, SimulationMilliseconds = 0, SamplingMilliseconds = 0 });
        Assert.Equal(json, VnQuantum.Circuits.Execution.ResultJson.Write(back));
        Assert.Equal("a result needs 'metadata' (object)", Assert.Throws<FormatException>(() => VnQuantum.Circuits.Execution.ResultJson.Read("""{"counts":{"0":1}}""")).Message);
    }
}
