using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Noise;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

public class NoiseAndMethodTests
{
    private const string Depolarizing = """
        { "errors": [
            { "gates": ["h", "sx", "rz", "x", "ry"], "channel": { "type": "depolarizing", "probability": 0.02 } },
            { "gates": ["cx"], "channel": { "type": "depolarizing", "probability": 0.05 } } ] }
        """;

    [Fact]
    public void NoiseModel_ErrorsNameTheElementAndField()
    {
        Assert.Contains("m.json: errors[0].channel.probability: must be in [0, 1.333]",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("""{"errors":[{"gates":["h"],"channel":{"type":"depolarizing","probability":2}}]}""", "m.json")).Message);
        Assert.Contains("errors[0].channel.type: unknown channel 'bitflip'",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("""{"errors":[{"gates":["h"],"channel":{"type":"bitflip"}}]}""")).Message);
        Assert.Contains("errors[1].gates: missing",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("""{"errors":[{"gates":["h"],"channel":{"type":"phase_damping","lambda":0.1}},{"channel":{}}]}""")).Message);
        Assert.Contains("not complete",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("""{"errors":[{"gates":["x"],"channel":{"type":"kraus","operators":[[[1,0],[0,0.5]]]}}]}""")).Message);
        Assert.Contains("must name its gates",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("""{"errors":[{"gates":["*"],"channel":{"type":"depolarizing","qubits":2,"probability":0.1}}]}""")).Message);
        Assert.Contains("readout[0].assignment[1]: sums to 1.1",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("""{"readout":[{"qubits":[0],"assignment":[[0.9,0.1],[0.2,0.9]]}]}""")).Message);
        Assert.Contains("T2 (300 µs) cannot exceed 2·T1",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("""{"errors":[{"gates":["id"],"channel":{"type":"thermal_relaxation","t1Us":100,"t2Us":300,"timeNs":50}}]}""")).Message);
        Assert.Contains(":1:",
            Assert.Throws<NoiseModelException>(() => NoiseModel.Parse("{ errors: ")).Message);
    }

    [Fact]
    public void T1DecayCurve_DensityMatrixAndTrajectoriesFollowTheExponential()
    {
        // |1⟩ then k idle gates of 1 µs with T1 = 20 µs: P(1) = e^(−k/20).
        var model = NoiseModel.Parse("""{"errors":[{"gates":["id"],"channel":{"type":"thermal_relaxation","t1Us":20,"t2Us":30,"timeNs":1000}}]}""");
        foreach (int k in new[] { 5, 20, 40 })
        {
            var circuit = Parse(Header + "qreg q[1]; creg c[1]; x q[0];" + string.Concat(Enumerable.Repeat(" id q[0];", k)) + " measure q[0] -> c[0];");
            double expected = Math.Exp(-k / 20.0);
            var exact = CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = model, Shots = 0, IncludeProbabilities = true, Method = SimulationMethod.DensityMatrix });
            Assert.Equal(expected, exact.Probabilities![1], 10);

            const int shots = 4000;
            var sampled = CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = model, Shots = shots, Seed = (ulong)k, Method = SimulationMethod.Trajectories });
            double p = sampled.Counts.GetValueOrDefault("1") / (double)shots;
            Assert.True(Math.Abs(p - expected) < 4 * Math.Sqrt(expected * (1 - expected) / shots), $"k={k}: {p} vs {expected}");
        }
    }

    [Fact]
    public void DepolarizedBellPair_KeepsTheTextbookCorrelation()
    {
        // cx followed by 2-qubit depolarizing λ: ρ = (1−λ)|Φ+⟩⟨Φ+| + λ I/4, so P(00) + P(11) = 1 − λ/2.
        const double lambda = 0.3;
        var model = NoiseModel.Parse("""{"errors":[{"gates":["cx"],"channel":{"type":"depolarizing","probability":0.3}}]}""");
        var circuit = Parse(Header + "qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;");
        var exact = CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = model, Shots = 0, IncludeProbabilities = true });
        Assert.Equal("density-matrix", exact.Metadata.Method);
        Assert.Equal(1 - (lambda / 2), exact.Probabilities![0] + exact.Probabilities[3], 12);

        const int shots = 20000;
        foreach (var method in new[] { SimulationMethod.Trajectories, SimulationMethod.Stabilizer, SimulationMethod.DensityMatrix })
        {
            var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = model, Shots = shots, Seed = 3, Method = method });
            double same = (run.Counts.GetValueOrDefault("00") + run.Counts.GetValueOrDefault("11")) / (double)shots;
            Assert.True(Math.Abs(same - (1 - (lambda / 2))) < 0.012, $"{method}: {same}");
        }
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(4, 2)]
    [InlineData(5, 3)]
    public void DensityMatrixAndTrajectories_AgreeOnANoisyRandomCircuit(int qubits, int seed)
    {
        var model = NoiseModel.Parse("""
            { "errors": [
                { "gates": ["*"], "channel": { "type": "thermal_relaxation", "t1Us": 30, "t2Us": 25, "timeNs": 500 } },
                { "gates": ["cx", "cz", "swap"], "channel": { "type": "depolarizing", "probability": 0.05 } },
                { "gates": ["measure"], "channel": { "type": "pauli", "probabilities": { "X": 0.02 } } } ],
              "readout": [ { "qubits": [0], "p01": 0.03, "p10": 0.08 } ] }
            """);
        var circuit = Parse(RandomCircuits.Program(qubits, 25, seed, measure: true));
        var exact = CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = model, Shots = 200000, Seed = 1, Method = SimulationMethod.DensityMatrix });
        const int shots = 3000;
        var sampled = CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = model, Shots = shots, Seed = 2, Method = SimulationMethod.Trajectories });

        // Total variation distance between the two distributions, against its sampling spread.
        double tv = exact.Counts.Keys.Union(sampled.Counts.Keys)
            .Sum(k => Math.Abs((exact.Counts.GetValueOrDefault(k) / 200000.0) - (sampled.Counts.GetValueOrDefault(k) / (double)shots))) / 2;
        double bound = 0.5 * Math.Sqrt((1 << qubits) / (double)shots) + 0.02;
        Assert.True(tv < bound, $"TV {tv:F4} ≥ {bound:F4}");
    }

    [Theory]
    [InlineData(SimulationMethod.DensityMatrix, "measure q[0] -> c[0];")]
    [InlineData(SimulationMethod.DensityMatrix, "measure q[0] -> c[0]; reset q[0];")]
    [InlineData(SimulationMethod.Trajectories, "measure q[0] -> c[0];")]
    [InlineData(SimulationMethod.Trajectories, "measure q[0] -> c[0]; reset q[0];")]
    public void Channels_ActAfterTheirGate_AndBeforeAMeasurement(SimulationMethod method, string tail)
    {
        // Full relaxation after x leaves |0⟩ (before x it would leave |1⟩); an X flip before measure reads it as 1.
        var after = NoiseModel.Parse("""{"errors":[{"gates":["x"],"channel":{"type":"amplitude_damping","gamma":1}}]}""");
        var circuit = Parse(Header + "qreg q[1]; creg c[1]; x q[0]; " + tail);
        Assert.Equal(["0"], CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = after, Shots = 50, Seed = 1, Method = method }).Counts.Keys);
        var before = NoiseModel.Parse("""{"errors":[{"gates":["measure"],"channel":{"type":"pauli","probabilities":{"X":1}}}]}""");
        Assert.Equal(["0"], CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = before, Shots = 50, Seed = 1, Method = method }).Counts.Keys);
    }

    [Fact]
    public void ReadoutError_FlipsRecordedBits()
    {
        var model = NoiseModel.Parse("""{"readout":[{"qubits":[0],"assignment":[[0.95,0.05],[0.2,0.8]]}]}""");
        var circuit = Parse(Header + "qreg q[2]; creg c[2]; x q[0]; measure q -> c;");
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Noise = model, Shots = 10000, Seed = 4 });
        Assert.InRange(run.Counts.GetValueOrDefault("00") / 10000.0, 0.18, 0.22);
        Assert.DoesNotContain(run.Counts.Keys, k => k[0] == '1');
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(6, 2)]
    [InlineData(9, 3)]
    [InlineData(12, 4)]
    public void Stabilizer_AgreesWithStateVector_OnRandomCliffordCircuits(int qubits, int seed)
    {
        var circuit = Parse(RandomClifford(qubits, 20 * qubits, seed));
        var exact = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeProbabilities = true });
        const int shots = 8000;
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = shots, Seed = (ulong)seed });
        Assert.Equal("stabilizer", run.Metadata.Method);

        // A stabilizer state's distribution is uniform over an affine subspace: same support, equal weights.
        var support = Enumerable.Range(0, exact.Probabilities!.Length).Where(i => exact.Probabilities[i] > 1e-9).ToList();
        double weight = exact.Probabilities[support[0]];
        Assert.All(support, i => Assert.Equal(weight, exact.Probabilities[i], 9));
        foreach (string key in run.Counts.Keys)
        {
            Assert.Contains(Convert.ToInt32(key, 2), support);
        }

        if (support.Count <= 64)
        {
            double chi2 = support.Sum(i =>
            {
                double expected = shots * weight;
                double observed = run.Counts.GetValueOrDefault(Convert.ToString(i, 2).PadLeft(qubits, '0'));
                return (observed - expected) * (observed - expected) / expected;
            });

            // χ² with support−1 degrees of freedom: mean k, σ √(2k); 5σ is a bound no honest sampler crosses.
            int k = support.Count - 1;
            Assert.True(chi2 < k + (5 * Math.Sqrt(2.0 * Math.Max(k, 1))) + 5, $"χ² = {chi2:F1} for {k} degrees of freedom");
        }
    }

    [Fact]
    public void Stabilizer_RecognisesCliffordsHoweverWritten()
    {
        var circuit = Parse(Header + "qreg q[3]; creg c[3]; sx q[0]; rz(pi/2) q[1]; u3(pi/2,0,pi) q[2]; cy q[0],q[1]; swap q[1],q[2]; iswap q[0],q[2]; ecr q[1],q[0]; p(-pi/2) q[0]; sxdg q[2]; measure q -> c;");
        Assert.True(MethodSelection.IsClifford(circuit, out _));
        var stabilizer = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 20000, Seed = 1 });
        Assert.Equal("stabilizer", stabilizer.Metadata.Method);
        var exact = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, IncludeProbabilities = true });
        foreach (var (key, count) in stabilizer.Counts)
        {
            Assert.True(Math.Abs((count / 20000.0) - exact.Probabilities![Convert.ToInt32(key, 2)]) < 0.02, key);
        }
    }

    [Fact]
    public void Stabilizer_RefusesANonCliffordGate_NamingItAndItsLine()
    {
        var circuit = Parse(Header + "qreg q[2];\nh q[0];\n  t q[1];\n");
        var e = Assert.Throws<CircuitExecutionException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Method = SimulationMethod.Stabilizer }));
        Assert.Contains("'t' on q[1] at test.qasm:5:3 is not a Clifford gate", e.Message);
        var rz = Parse(Header + "qreg q[1];\nrz(0.3) q[0];\n");
        Assert.Contains("'rz(0.3)'", Assert.Throws<CircuitExecutionException>(() => CircuitExecutor.Run(rz, new ExecutionOptions { Method = SimulationMethod.Stabilizer })).Message);
    }

    [Fact]
    public void Stabilizer_NonPauliFeedback_FallsBackToTheTableauAndSaysSo()
    {
        var circuit = Parse(Header + "qreg q[2]; creg c[2]; h q[0]; measure q[0] -> c[0]; if(c==1) h q[1]; measure q[1] -> c[1];");
        var run = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 4000, Seed = 5 });
        Assert.Equal("stabilizer", run.Metadata.Method);
        Assert.Contains("tableau shot by shot", run.Metadata.MethodReason);
        Assert.Contains("not a Pauli", run.Metadata.MethodReason);
        Assert.Equal(["00", "01", "11"], run.Counts.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(run.Counts["00"], 1800, 2200);
    }

    [Fact]
    public void Stabilizer_TeleportationSample_MatchesTheStateVector()
    {
        var circuit = Parse(File.ReadAllText(Path.Combine(SamplesFolder(), "teleport.qasm")).Replace("ry(1.2)", "ry(pi/2)", StringComparison.Ordinal));
        var stabilizer = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 8000, Seed = 1, Method = SimulationMethod.Stabilizer });
        var vector = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 8000, Seed = 1, Method = SimulationMethod.StateVector });
        foreach (string key in vector.Counts.Keys.Union(stabilizer.Counts.Keys))
        {
            Assert.True(Math.Abs(vector.Counts.GetValueOrDefault(key) - stabilizer.Counts.GetValueOrDefault(key)) < 300, key);
        }
    }

    [Fact]
    public void Ghz_On2000Qubits_RunsOnTheStabilizerEngine()
    {
        var text = new StringBuilder(Header + "qreg q[2000]; creg c[2000]; h q[0];");
        for (int i = 1; i < 2000; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $" cx q[{i - 1}],q[{i}];");
        }

        text.Append(" measure q -> c;");
        var run = CircuitExecutor.Run(Parse(text.ToString()), new ExecutionOptions { Shots = 200, Seed = 9 });
        Assert.Equal("stabilizer", run.Metadata.Method);
        Assert.Equal(2, run.Counts.Count);
        Assert.True(run.Counts.ContainsKey(new string('0', 2000)) && run.Counts.ContainsKey(new string('1', 2000)));
    }

    [Fact]
    public void Auto_ChoosesByCircuitAndNoise_AndSaysWhy()
    {
        var model = NoiseModel.Parse(Depolarizing);
        var clifford = Parse(Header + "qreg q[2]; creg c[2]; h q[0]; cx q[0],q[1]; measure q -> c;");
        var nonClifford = Parse(Header + "qreg q[2]; creg c[2]; h q[0]; t q[0]; cx q[0],q[1]; measure q -> c;");
        var large = Parse(Header + "qreg q[14]; creg c[14]; h q[0]; t q[0]; cx q[0],q[13]; measure q -> c;");
        Assert.Equal(SimulationMethod.Stabilizer, Choose(clifford, null).Method);
        Assert.Equal(SimulationMethod.Stabilizer, Choose(clifford, model).Method);
        Assert.Equal(SimulationMethod.StateVector, Choose(nonClifford, null).Method);
        var dm = Choose(nonClifford, model);
        Assert.Equal(SimulationMethod.DensityMatrix, dm.Method);
        Assert.Contains("density matrix needs 256 B", dm.Reason);
        var trajectories = Choose(large, model);
        Assert.Equal(SimulationMethod.Trajectories, trajectories.Method);
        Assert.Contains("4 GiB", trajectories.Reason);
        var amplitude = NoiseModel.Parse("""{"errors":[{"gates":["h"],"channel":{"type":"amplitude_damping","gamma":0.1}}]}""");
        Assert.Equal(SimulationMethod.DensityMatrix, Choose(clifford, amplitude).Method);
        Assert.Throws<CircuitExecutionException>(() => Choose(clifford, model, SimulationMethod.StateVector));

        static MethodChoice Choose(Ir.Circuit c, NoiseModel? noise, SimulationMethod method = SimulationMethod.Auto) =>
            MethodSelection.Choose(c, new ExecutionOptions { Noise = noise, Method = method });
    }

    [Fact]
    public void Estimate_GivesEveryMethodsCost()
    {
        var circuit = Parse(Header + "qreg q[20]; creg c[20]; h q[0]; t q[0]; measure q -> c;");
        var costs = MethodSelection.Estimate(circuit, 1000);
        Assert.Equal(16L << 20, costs.Single(c => c.Method == SimulationMethod.StateVector).MemoryBytes);
        Assert.Equal(16L << 40, costs.Single(c => c.Method == SimulationMethod.DensityMatrix).MemoryBytes);
        Assert.Contains("'t' on q[0]", costs.Single(c => c.Method == SimulationMethod.Stabilizer).Obstacle);
    }

    private static string RandomClifford(int qubits, int gates, int seed)
    {
        string[] one = ["h", "s", "sdg", "x", "y", "z", "sx", "sxdg", "rz(pi/2)", "ry(-pi/2)", "u3(pi/2,pi,0)", "p(pi)", "u2(0,pi)"];
        string[] two = ["cx", "cz", "cy", "swap", "iswap", "ecr", "rzz(pi/2)", "dcx"];
        var random = new Random(seed);
        var text = new StringBuilder(Header);
        text.Append(CultureInfo.InvariantCulture, $"qreg q[{qubits}]; creg c[{qubits}];\n");
        for (int i = 0; i < gates; i++)
        {
            int a = random.Next(qubits);
            if (qubits > 1 && random.Next(3) == 0)
            {
                int b = (a + 1 + random.Next(qubits - 1)) % qubits;
                text.Append(CultureInfo.InvariantCulture, $"{two[random.Next(two.Length)]} q[{a}],q[{b}];\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"{one[random.Next(one.Length)]} q[{a}];\n");
            }
        }

        text.Append("measure q -> c;\n");
        return text.ToString();
    }
}
