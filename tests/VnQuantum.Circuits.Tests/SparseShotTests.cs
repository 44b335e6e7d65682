using System.Globalization;
using System.Numerics;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Randomness;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// The sparse shot state against the dense state vector: amplitude for amplitude after every kind of operation, the
/// same outcomes from the same streams, and through the executor the per-shot counts for the same seed.
/// </summary>
public class SparseShotTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    private static Circuit Parse(string source)
    {
        var result = QasmFrontEnd.Parse(source, "test.qasm");
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Circuit!;
    }

    /// <summary>Every gate action the compiler makes (flips with controls, swaps, phases, diagonals, dense 1–3 qubit matrices) and measurements and resets.</summary>
    private static string RandomProgram(int qubits, int length, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder(Header);
        text.Append(CultureInfo.InvariantCulture, $"qreg q[{qubits}];\ncreg c[{qubits}];\n");
        for (int i = 0; i < length; i++)
        {
            var q = Enumerable.Range(0, qubits).OrderBy(_ => random.Next()).Take(3).ToArray();
            string angle = (random.NextDouble() * 3).ToString("R", CultureInfo.InvariantCulture);
            text.Append(random.Next(14) switch
            {
                0 => $"h q[{q[0]}];\n",
                1 => $"cx q[{q[0]}],q[{q[1]}];\n",
                2 => $"ccx q[{q[0]}],q[{q[1]}],q[{q[2]}];\n",
                3 => $"x q[{q[0]}];\n",
                4 => $"swap q[{q[0]}],q[{q[1]}];\n",
                5 => $"cswap q[{q[0]}],q[{q[1]}],q[{q[2]}];\n",
                6 => $"t q[{q[0]}];\n",
                7 => $"rz({angle}) q[{q[0]}];\n",
                8 => $"cu3({angle},0.3,0.7) q[{q[0]}],q[{q[1]}];\n",
                9 => $"rxx({angle}) q[{q[0]}],q[{q[1]}];\n",
                10 => $"ry({angle}) q[{q[0]}];\n",
                11 => $"cp({angle}) q[{q[0]}],q[{q[1]}];\n",
                12 => $"measure q[{q[0]}] -> c[{q[1]}];\n",
                _ => $"reset q[{q[0]}];\n",
            });
        }

        return text.ToString();
    }

    [Fact]
    public void EveryOperation_LeavesTheDenseStatesAmplitudes_AndDrawsTheSameOutcomes()
    {
        for (int seed = 0; seed < 30; seed++)
        {
            int n = 3 + (seed % 4);
            var circuit = Parse(RandomProgram(n, 60, seed));
            // The dense gates include a fused 3-qubit block, which the sparse state must take as well.
            var operations = Passes.GateFusion.Fuse(circuit, seed % 2 == 0 ? 0 : 3).Operations;
            using var dense = StateVector.Create(n, threads: 1);
            var sparse = new SparseShot(n, maxEntries: 1 << n);
            sparse.Restart();
            var denseRandom = new SeededRandom((ulong)seed);
            var sparseRandom = new SeededRandom((ulong)seed);
            foreach (var op in operations)
            {
                var compiled = CompiledOperation.Compile(op, circuit);
                switch (op)
                {
                    case MeasureOperation m:
                        Assert.Equal(dense.Measure(m.Qubit, denseRandom), sparse.Measure(m.Qubit, sparseRandom));
                        break;
                    case ResetOperation r:
                        dense.ResetQubit(r.Qubit, denseRandom);
                        sparse.Reset(r.Qubit, sparseRandom);
                        break;
                    default:
                        compiled.ApplyUnitary(dense);
                        compiled.ApplyUnitary(sparse);
                        break;
                }

                for (long i = 0; i < 1L << n; i++)
                {
                    Complex d = dense.GetAmplitude(i), s = sparse.Amplitude(i);
                    Assert.True(Complex.Abs(d - s) < 1e-12, $"seed {seed}, after {op}: amplitude {i} is {s} sparse, {d} dense");
                }
            }

            Assert.True(sparse.Count <= 1 << n);
        }
    }

    [Fact]
    public void GrowingPastItsLimit_GivesUp()
    {
        var sparse = new SparseShot(4, maxEntries: 4);
        sparse.Restart();
        double h = Math.Sqrt(0.5);
        Complex[] hadamard = [h, h, h, -h];
        sparse.ApplyMatrix([0], hadamard, []);
        sparse.ApplyMatrix([1], hadamard, []);
        Assert.Equal(4, sparse.Count);
        Assert.Throws<SparseShotTooDenseException>(() => sparse.ApplyMatrix([2], hadamard, []));
    }

    /// <summary>
    /// A dynamic 16-qubit circuit of classical arithmetic on a few superposed qubits, with an ancilla computed,
    /// measured and reset each round (as QASMBench's bwt does): it never holds more than a few hundred amplitudes.
    /// </summary>
    private static Circuit ArithmeticWithAncillas(int rounds)
    {
        var text = new StringBuilder(Header + "qreg q[16];\ncreg c[16];\ncreg anc[1];\n");
        text.Append("h q[0];\nh q[1];\nh q[2];\n");
        for (int r = 0; r < rounds; r++)
        {
            int a = 3 + (r % 12), b = 3 + ((r + 5) % 12);
            text.Append(CultureInfo.InvariantCulture, $"ccx q[{r % 3}],q[{(r + 1) % 3}],q[{a}];\ncx q[{a}],q[{b}];\nx q[{b}];\nt q[{a}];\n");
            text.Append(CultureInfo.InvariantCulture, $"cx q[{b}],q[15];\nmeasure q[15] -> anc[0];\nreset q[15];\nif(anc==1) h q[{r % 3}];\n");
        }

        text.Append("measure q -> c;\n");
        return Parse(text.ToString());
    }

    [Fact]
    public void ASparseDynamicCircuit_RunsSparse_WithThePerShotCounts()
    {
        var circuit = ArithmeticWithAncillas(rounds: 40);
        var options = new ExecutionOptions { Shots = 300, Seed = 5, Method = SimulationMethod.StateVector, Threads = 2 };
        var sparse = CircuitExecutor.Run(circuit, options);
        Assert.Contains("sparse amplitudes shot by shot", sparse.Metadata.MethodReason);
        var alone = CircuitExecutor.Run(circuit, options with { ShotBranching = false, Threads = 1 });
        Assert.EndsWith("; shot by shot", alone.Metadata.MethodReason);
        Assert.Equal(alone.Counts.OrderBy(p => p.Key, StringComparer.Ordinal), sparse.Counts.OrderBy(p => p.Key, StringComparer.Ordinal));

        // The thread count does not change a count.
        var one = CircuitExecutor.Run(circuit, options with { Threads = 1 });
        Assert.Equal(one.Counts.OrderBy(p => p.Key, StringComparer.Ordinal), sparse.Counts.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void ADenseDynamicCircuit_StaysOnTheStateVector_WithThePerShotCounts()
    {
        // Sixteen qubits in superposition before the first mid-circuit measurement: 65,536 amplitudes, past the
        // sparse limit of 2^16 / 64.
        var circuit = Parse(Header + "qreg q[16];\ncreg c[16];\nh q;\nmeasure q[0] -> c[0];\nreset q[0];\nh q[0];\nmeasure q -> c;\n");
        var options = new ExecutionOptions { Shots = 50, Seed = 9, Method = SimulationMethod.StateVector, Threads = 1 };
        var run = CircuitExecutor.Run(circuit, options);
        Assert.DoesNotContain("sparse", run.Metadata.MethodReason);
        var alone = CircuitExecutor.Run(circuit, options with { ShotBranching = false });
        Assert.Equal(alone.Counts.OrderBy(p => p.Key, StringComparer.Ordinal), run.Counts.OrderBy(p => p.Key, StringComparer.Ordinal));
    }
}
