using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Noise;
using VnQuantum.Simulation;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

public class MatrixProductStateMethodTests
{
    private static ExecutionResult Run(string source, SimulationMethod method, int shots = 0, ulong seed = 1, int maxBond = 0) =>
        CircuitExecutor.Run(Parse(source), new ExecutionOptions { Shots = shots, Seed = seed, Method = method, IncludeStatevector = shots == 0, Threads = 1, MaxBond = maxBond });

    [Theory]
    [InlineData(6, 1)]
    [InlineData(10, 2)]
    [InlineData(14, 3)]
    public void RandomCircuitsOverTheWholeGateLibrary_MatchTheStateVector(int qubits, int seed)
    {
        string program = RandomCircuits.Program(qubits, 120, seed);
        var mps = Run(program, SimulationMethod.MatrixProductState);
        var vector = Run(program, SimulationMethod.StateVector);
        Assert.Equal("mps", mps.Metadata.Method);
        double distance = VnQuantum.Testing.DenseReference.MaxDistance(mps.Statevector, vector.Statevector);
        Assert.True(distance < 1e-10, $"max |Δ amplitude| = {distance}");
        Assert.True(mps.Metadata.DiscardedWeight < 1e-12);
        Assert.True(mps.Metadata.LargestBond <= 1 << (qubits / 2));
    }

    [Fact]
    public void TwentyQubitCircuit_MatchesTheStateVector_WithoutTruncation()
    {
        // Brickwork of nearest-neighbour gates, 12 layers deep: a bond of tens at the middle cut, exact.
        string program = BrickworkProgram(20, layers: 12, seed: 4);
        var mps = Run(program, SimulationMethod.MatrixProductState);
        var vector = Run(program, SimulationMethod.StateVector);
        Assert.True(VnQuantum.Testing.DenseReference.MaxDistance(mps.Statevector, vector.Statevector) < 1e-10);
        Assert.True(mps.Metadata.LargestBond >= 32, $"the test should entangle the chain (largest bond {mps.Metadata.LargestBond})");
    }

    private static string BrickworkProgram(int qubits, int layers, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Header).Append(CultureInfo.InvariantCulture, $"qreg q[{qubits}];\n");
        for (int layer = 0; layer < layers; layer++)
        {
            for (int q = 0; q < qubits; q++)
            {
                text.Append(CultureInfo.InvariantCulture, $"u3({random.NextDouble() * 3:R},{random.NextDouble() * 3:R},{random.NextDouble() * 3:R}) q[{q}];\n");
            }

            for (int q = layer % 2; q + 1 < qubits; q += 2)
            {
                text.Append(CultureInfo.InvariantCulture, $"cx q[{q}],q[{q + 1}];\nrzz({random.NextDouble() * 3:R}) q[{q}],q[{q + 1}];\n");
            }
        }

        return text.ToString();
    }

    [Fact]
    public void SampledCounts_FollowTheStateVectorsProbabilities()
    {
        string program = RandomCircuits.Program(6, 60, seed: 8, measure: true);
        const int shots = 100_000;
        var sampled = Run(program, SimulationMethod.MatrixProductState, shots, seed: 5);
        var exact = CircuitExecutor.Run(Parse(program), new ExecutionOptions { Shots = 0, Method = SimulationMethod.StateVector, IncludeProbabilities = true }).Probabilities!;
        Assert.True(sampled.Metadata.SampledFromFinalState);
        double chiSquare = 0;
        int bins = 0;
        for (int index = 0; index < exact.Length; index++)
        {
            double expected = exact[index] * shots;
            if (expected < 5)
            {
                continue;
            }

            string key = Convert.ToString(index, 2).PadLeft(6, '0');
            double observed = sampled.Counts.GetValueOrDefault(key);
            chiSquare += (observed - expected) * (observed - expected) / expected;
            bins++;
        }

        // At most 63 degrees of freedom: the 99.99th percentile of χ² there is about 115.
        Assert.True(chiSquare < 115, $"χ² = {chiSquare} over {bins} outcomes");
        Assert.Equal(sampled.Counts, Run(program, SimulationMethod.MatrixProductState, shots, seed: 5).Counts);
    }

    [Fact]
    public void DynamicCircuit_Teleportation_RunsShotByShot()
    {
        // Teleports ry(1.1)|0⟩ from q[0] to q[2]; the corrections are run-time conditions.
        string program = Header + """
            qreg q[3]; creg m0[1]; creg m1[1]; creg out[1];
            ry(1.1) q[0];
            h q[1]; cx q[1],q[2];
            cx q[0],q[1]; h q[0];
            measure q[0] -> m0[0]; measure q[1] -> m1[0];
            if (m1 == 1) x q[2];
            if (m0 == 1) z q[2];
            measure q[2] -> out[0];
            """;
        const int shots = 4000;
        var result = Run(program, SimulationMethod.MatrixProductState, shots, seed: 3);
        Assert.False(result.Metadata.SampledFromFinalState);
        Assert.Contains("shot by shot", result.Metadata.MethodReason, StringComparison.Ordinal);
        int ones = result.Counts.Where(p => p.Key[0] == '1').Sum(p => p.Value);
        double expected = Math.Pow(Math.Sin(1.1 / 2), 2) * shots;
        Assert.InRange(ones, expected - (4 * Math.Sqrt(expected)), expected + (4 * Math.Sqrt(expected)));
    }

    [Fact]
    public void ShotByShot_ReportsProgressInsideAShot_InOrder()
    {
        // vnq info extrapolates a trial run's progress; a shot of minutes must not report nothing until it ends.
        var text = new System.Text.StringBuilder(Header + "qreg q[6]; creg c[6];\n");
        for (int i = 0; i < 400; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"ry(0.{i % 9 + 1}) q[{i % 6}];\ncx q[{i % 6}],q[{(i + 3) % 6}];\n");
        }

        text.Append("measure q[0] -> c[0];\nreset q[0];\nh q[0];\nmeasure q -> c;\n");
        var reports = new List<double>();
        var progress = new Recorder(reports);
        CircuitExecutor.Run(Parse(text.ToString()), new ExecutionOptions { Shots = 2, Seed = 1, Threads = 1, Method = SimulationMethod.MatrixProductState, Progress = progress });
        Assert.Contains(reports, r => r is > 0 and < 0.5); // inside the first shot
        Assert.Contains(reports, r => r is > 0.5 and < 1); // inside the second
        Assert.Equal(reports.Order(), reports); // never backwards
        Assert.Equal(1.0, reports[^1]);
    }

    private sealed class Recorder(List<double> reports) : IProgress<double>
    {
        public void Report(double value) => reports.Add(value);
    }

    [Fact]
    public void GhzOnTwoHundredQubits_GivesOnlyAllZerosAndAllOnes()
    {
        const int n = 200;
        var text = new StringBuilder(Header).Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\ncreg c[{n}];\nh q[0];\n");
        for (int q = 1; q < n; q++)
        {
            text.Append(CultureInfo.InvariantCulture, $"cx q[{q - 1}],q[{q}];\n");
        }

        // One T and its inverse keep the circuit out of the stabilizer method's reach.
        text.Append("t q[7];\ntdg q[7];\nmeasure q -> c;\n");
        var circuit = Parse(text.ToString());
        var options = new ExecutionOptions { Shots = 2000, Seed = 9 };
        Assert.Equal(SimulationMethod.MatrixProductState, MethodSelection.Choose(circuit, options).Method);
        var result = CircuitExecutor.Run(circuit, options);
        Assert.Equal("mps", result.Metadata.Method);
        Assert.Equal(2, result.Metadata.LargestBond);
        Assert.Equal(2, result.Counts.Count);
        Assert.InRange(result.Counts[new string('0', n)], 900, 1100);
        Assert.Equal(2000, result.Counts[new string('0', n)] + result.Counts[new string('1', n)]);
    }

    [Fact]
    public void MaxBond_TruncatesAndReportsTheDiscardedWeight()
    {
        string program = BrickworkProgram(12, layers: 8, seed: 6);
        var exact = Run(program, SimulationMethod.MatrixProductState);
        var truncated = Run(program, SimulationMethod.MatrixProductState, maxBond: 4);
        Assert.Equal(4, truncated.Metadata.LargestBond);
        Assert.True(truncated.Metadata.DiscardedWeight > 1e-3);
        Assert.Contains("of at most 4", truncated.Metadata.MethodReason, StringComparison.Ordinal);
        double overlap = Fidelity(exact.Statevector!, truncated.Statevector!);
        Assert.True(1 - overlap <= truncated.Metadata.DiscardedWeight + 1e-9, $"1 − F = {1 - overlap}, discarded {truncated.Metadata.DiscardedWeight}");

        var json = ResultJson.Read(ResultJson.Write(truncated));
        Assert.Equal(truncated.Metadata.DiscardedWeight, json.Metadata.DiscardedWeight);
        Assert.Equal(4, json.Metadata.LargestBond);
        Assert.Null(ResultJson.Read(ResultJson.Write(Run(program, SimulationMethod.StateVector))).Metadata.DiscardedWeight);
    }

    private static double Fidelity(System.Numerics.Complex[] a, System.Numerics.Complex[] b)
    {
        System.Numerics.Complex overlap = 0;
        for (int i = 0; i < a.Length; i++)
        {
            overlap += System.Numerics.Complex.Conjugate(a[i]) * b[i];
        }

        return overlap.Magnitude * overlap.Magnitude;
    }

    [Fact]
    public void NoiseAndWideArrays_AreRefusedClearly()
    {
        var noise = NoiseModel.Parse("""{ "errors": [ { "gates": ["h"], "channel": { "type": "depolarizing", "probability": 0.01 } } ] }""");
        var circuit = Parse(Header + "qreg q[2]; h q[0]; cx q[0],q[1];");
        var e = Assert.Throws<CircuitExecutionException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Method = SimulationMethod.MatrixProductState, Noise = noise }));
        Assert.Contains("noiseless", e.Message, StringComparison.Ordinal);

        var wide = Parse(Header + "qreg q[30]; h q[0]; t q[0];");
        var arrays = Assert.Throws<CircuitExecutionException>(() => CircuitExecutor.Run(wide, new ExecutionOptions { Method = SimulationMethod.MatrixProductState, IncludeProbabilities = true }));
        Assert.Contains("26 qubits", arrays.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => CircuitExecutor.Run(circuit, new ExecutionOptions { Method = SimulationMethod.MatrixProductState, MaxBond = -1 }));
    }

    [Fact]
    public void Auto_KeepsTheStateVectorWhereItFits_AndTheEstimateListsMps()
    {
        var small = Parse(Header + "qreg q[5]; h q[0]; t q[0];");
        Assert.Equal(SimulationMethod.StateVector, MethodSelection.Choose(small, new ExecutionOptions()).Method);
        var wide = Parse(Header + "qreg q[60]; h q[0]; t q[0]; cx q[0],q[59];");
        var choice = MethodSelection.Choose(wide, new ExecutionOptions());
        Assert.Equal(SimulationMethod.MatrixProductState, choice.Method);
        Assert.Contains("at most 40 qubits", choice.Reason, StringComparison.Ordinal);
        var mps = MethodSelection.Estimate(wide, 1024).Single(c => c.Method == SimulationMethod.MatrixProductState);
        Assert.Null(mps.Obstacle);
        Assert.InRange(mps.MemoryBytes, 60 * 32, 1L << 20);
    }
}
