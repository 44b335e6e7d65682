using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Randomness;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// Shot branching against the two things it must equal: the per-shot path with the same seed (count for count), and
/// the exact distribution over measurement outcomes, enumerated here with every branch weighed by its probability.
/// </summary>
public class ShotBranchingTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    /// <summary>A random dynamic program: gates, mid-circuit measurements, resets and OpenQASM 2 conditions.</summary>
    private static string DynamicProgram(int qubits, int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Header);
        text.Append(CultureInfo.InvariantCulture, $"qreg q[{qubits}];\ncreg c[{qubits}];\n");
        for (int i = 0; i < length; i++)
        {
            int a = random.Next(qubits), b = (a + 1 + random.Next(qubits - 1)) % qubits;
            string angle = (random.NextDouble() * 3).ToString("R", CultureInfo.InvariantCulture);
            text.Append(random.Next(9) switch
            {
                0 => $"h q[{a}];\n",
                1 => $"cx q[{a}],q[{b}];\n",
                2 => $"ry({angle}) q[{a}];\n",
                3 => $"rx({angle}) q[{a}];\n",
                4 => $"t q[{a}];\n",
                5 => $"measure q[{a}] -> c[{b}];\n",
                6 => $"reset q[{a}];\n",
                7 => $"if(c=={random.Next(1 << qubits)}) x q[{a}];\n",
                _ => $"if(c=={random.Next(1 << qubits)}) h q[{a}];\n",
            });
        }

        text.Append("measure q -> c;\n");
        return text.ToString();
    }

    private static Circuit Parse(string source)
    {
        var result = QasmFrontEnd.Parse(source, "test.qasm");
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Circuit!;
    }

    private static IReadOnlyDictionary<string, int> Counts(Circuit circuit, bool branching, int shots, ulong seed = 11) =>
        CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = shots, Seed = seed, Method = SimulationMethod.StateVector, Threads = 1, ShotBranching = branching }).Counts;

    private static void SameCounts(Circuit circuit, int shots, ulong seed = 11)
    {
        var branched = Counts(circuit, branching: true, shots, seed);
        var alone = Counts(circuit, branching: false, shots, seed);
        Assert.Equal(alone.OrderBy(p => p.Key, StringComparer.Ordinal), branched.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void RandomDynamicCircuits_GiveThePerShotCounts_ForTheSameSeed()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            SameCounts(Parse(DynamicProgram(qubits: 2 + (seed % 4), length: 30, seed)), shots: 300, seed: (ulong)seed);
        }
    }

    [Theory]
    [InlineData("rus.qasm")]
    [InlineData("teleport.qasm")]
    [InlineData("qec.qasm")]
    [InlineData("inverseqft1.qasm")]
    public void TheSpecsDynamicExamples_GiveThePerShotCounts(string file)
    {
        var result = QasmFrontEnd.ParseFile(Path.Combine(OpenQasm3Tests.ExamplesFolder(), file));
        Assert.True(result.Succeeded, result.Error?.ToString());
        SameCounts(result.Circuit!, shots: 500);
    }

    [Fact]
    public void QiskitStyleControlFlow_GivesThePerShotCounts()
    {
        // A while loop on a coin, a switch and a run-time expression: branches split inside loops and branches.
        var circuit = Parse("""
            OPENQASM 3.0;
            include "stdgates.inc";
            qubit[3] q;
            bit[3] c;
            bit[2] flips;
            int switch_dummy;
            h q[0];
            c[0] = measure q[0];
            while (c[0]) {
              reset q[0];
              h q[0];
              c[0] = measure q[0];
              flips = flips + 1;
            }
            h q[1];
            c[1] = measure q[1];
            switch_dummy = c[0:1];
            switch (switch_dummy) {
              case 2 { x q[2]; }
              default { h q[2]; }
            }
            c[2] = measure q[2];
            """);
        SameCounts(circuit, shots: 800);
    }

    [Fact]
    public void Branching_MatchesTheExactDistribution_OverEveryOutcome()
    {
        const int shots = 20_000;
        for (int seed = 100; seed < 106; seed++)
        {
            var circuit = Parse(DynamicProgram(qubits: 3, length: 24, seed));
            var exact = ExactDistribution(circuit);
            Assert.Equal(1.0, exact.Values.Sum(), 9);
            var counts = Counts(circuit, branching: true, shots, seed: (ulong)seed);
            foreach (var key in exact.Keys.Union(counts.Keys))
            {
                double p = exact.GetValueOrDefault(key);
                double seen = counts.GetValueOrDefault(key) / (double)shots;
                double allowed = (5 * Math.Sqrt(p * (1 - p) / shots)) + 1e-12;
                Assert.True(Math.Abs(seen - p) <= allowed, $"seed {seed}, outcome {key}: exact {p:F5}, seen {seen:F5}");
            }
        }
    }

    [Fact]
    public void AResetOfAnUnentangledQubit_MergesItsBranches_AndALimitFallsBackUnchanged()
    {
        // Each reset of a qubit in |+> splits the shots; the qubit is not entangled, so the halves merge again and
        // the run never holds more than two states.
        var circuit = Parse(Header + "qreg q[2];\ncreg c[2];\n" + string.Concat(Enumerable.Repeat("h q[0];\nreset q[0];\n", 50)) + "h q[1];\nmeasure q -> c;\n");
        var compiled = circuit.Operations.Select(op => CompiledOperation.Compile(op, circuit)).ToList();
        using var state = StateVector.Create(2, threads: 1);
        var counts = new Dictionary<string, int>();
        var branching = new ShotBranching(circuit, maxBranches: 64, CancellationToken.None);
        Assert.True(branching.Run(compiled, state, ShotStreams.For(new SeededRandom(3), 200), counts));
        Assert.Equal(2, branching.PeakBranches);
        Assert.Equal(200, counts.Values.Sum());

        // Measuring 6 qubits in |+> needs up to 64 branches: with a limit of 8 the run refuses, and the executor's
        // fallback (the per-shot path) gives the counts branching gives when it fits.
        var wide = Parse(Header + "qreg q[6];\ncreg c[6];\nh q;\nmeasure q -> c;\nreset q;\nx q[0];\nmeasure q[0] -> c[0];\n");
        var wideCompiled = wide.Operations.Select(op => CompiledOperation.Compile(op, wide)).ToList();
        using var wideState = StateVector.Create(6, threads: 1);
        Assert.False(new ShotBranching(wide, maxBranches: 8, CancellationToken.None).Run(wideCompiled, wideState, ShotStreams.For(new SeededRandom(3), 500), new Dictionary<string, int>()));
        SameCounts(wide, shots: 500);
    }

    [Fact]
    public void TheResult_SaysHowTheShotsRan()
    {
        var circuit = Parse(Header + "qreg q[2];\ncreg c[2];\nh q[0];\nmeasure q[0] -> c[0];\nreset q[0];\ncx q[0],q[1];\nmeasure q -> c;\n");
        var branched = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 100, Seed = 2, Method = SimulationMethod.StateVector });
        Assert.EndsWith("; shot branching, at most 2 states", branched.Metadata.MethodReason);
        var alone = CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 100, Seed = 2, Method = SimulationMethod.StateVector, ShotBranching = false });
        Assert.EndsWith("; shot by shot", alone.Metadata.MethodReason);
        Assert.Equal(branched.Counts, alone.Counts);
    }

    [Fact]
    public void RepeatedResets_KeepTheNormAtOne()
    {
        // Renormalising by 1 − p1 doubled the norm's rounding error at every outcome 0: 50 resets of |+> made it 0.1.
        using var state = StateVector.Create(1, threads: 1);
        var random = new SeededRandom(1);
        double h = Math.Sqrt(0.5);
        for (int i = 0; i < 500; i++)
        {
            state.ApplyMatrix1(0, [h, h, h, -h]);
            state.ResetQubit(0, random);
        }

        Assert.Equal(1.0, state.NormSquared(), 12);
    }

    /// <summary>
    /// Every outcome's exact probability: the state is split at each measurement and reset into both outcomes,
    /// each weighed by its probability, with no sampling (top-level gates, measurements, resets and conditions).
    /// </summary>
    private static Dictionary<string, double> ExactDistribution(Circuit circuit)
    {
        var branches = new List<(StateVector State, bool[] Clbits, double Weight)> { (StateVector.Create(circuit.QubitCount, threads: 1), new bool[circuit.ClbitCount], 1.0) };
        foreach (var op in circuit.Operations)
        {
            var compiled = CompiledOperation.Compile(op, circuit);
            var next = new List<(StateVector, bool[], double)>();
            foreach (var (state, clbits, weight) in branches)
            {
                if (op.Condition is { } condition && !condition.Holds(clbits))
                {
                    next.Add((state, clbits, weight));
                    continue;
                }

                if (op is MeasureOperation or ResetOperation)
                {
                    int qubit = op is MeasureOperation m ? m.Qubit : ((ResetOperation)op).Qubit;
                    var weights = state.OutcomeWeights(qubit);
                    foreach (int outcome in new[] { 0, 1 })
                    {
                        double p = (outcome == 1 ? weights.One : weights.Zero) / (weights.Zero + weights.One);
                        if (p < 1e-14)
                        {
                            continue;
                        }

                        var copy = state.Clone();
                        var bits = (bool[])clbits.Clone();
                        copy.Collapse(qubit, outcome, weights);
                        if (op is MeasureOperation measure)
                        {
                            bits[measure.Clbit] = outcome == 1;
                        }
                        else if (outcome == 1)
                        {
                            copy.ApplyX(qubit);
                        }

                        next.Add((copy, bits, weight * p));
                    }

                    continue;
                }

                compiled.ApplyUnitary(state);
                next.Add((state, clbits, weight));
            }

            branches = next;
        }

        var distribution = new Dictionary<string, double>();
        foreach (var (_, clbits, weight) in branches)
        {
            string key = CircuitExecutor.CountsKey(circuit, clbits);
            distribution[key] = distribution.GetValueOrDefault(key) + weight;
        }

        return distribution;
    }
}
