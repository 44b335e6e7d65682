using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// The estimate of a state-vector run too large for a trial run: where the proxy puts each qubit, which runs it
/// prices, and that it prices a large circuit without allocating the large state.
/// </summary>
public class ProxyTimingTests
{
    private static Circuit Parse(string body, int qubits)
    {
        var result = QasmFrontEnd.Parse($"OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{qubits}];\ncreg c[{qubits}];\n{body}", "proxy.qasm");
        Assert.True(result.Succeeded, result.Error?.ToString());
        return result.Circuit!;
    }

    [Fact]
    public void Map_KeepsTheLowQubitsAndTheTopsDistance_AndNeverPutsTwoQubitsOnOnePosition()
    {
        var random = new Random(5);
        const int proxy = ProxyTiming.ProxyQubits, low = ProxyTiming.ProxyQubits / 2;
        for (int trial = 0; trial < 2000; trial++)
        {
            int n = random.Next(proxy + 1, 41);
            var qubits = Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(random.Next(1, 12)).ToArray();
            var map = ProxyTiming.Map(qubits, n)!;
            Assert.Equal(qubits.Length, map.Values.Distinct().Count());
            Assert.All(map.Values, p => Assert.InRange(p, 0, proxy - 1));
            foreach (int q in qubits)
            {
                if (q < low)
                {
                    Assert.Equal(q, map[q]); // inside a vector, a cache line, a thread's block: exactly where it was
                }
                else if (q >= n - (proxy - low))
                {
                    Assert.Equal(q - (n - proxy), map[q]); // as far from the top as it was
                }
                else
                {
                    Assert.True(map[q] >= low || qubits.Count(x => x >= low) > proxy - low, $"middle qubit {q} of {n} went low, to {map[q]}");
                }
            }
        }

        Assert.Null(ProxyTiming.Map([.. Enumerable.Range(0, proxy + 1)], 30));
    }

    [Fact]
    public void TimeByProxy_IsOnlyForNoiselessTerminalStateVectorRunsOverTheTrialRunsSize()
    {
        var options = new ExecutionOptions { Shots = 16, Seed = 1, Threads = 1 };
        // Small enough to time by running it.
        Assert.Null(MethodSelection.TimeByProxy(Parse("h q[0];\nt q[0];\nmeasure q -> c;\n", 20), options, TimeSpan.FromSeconds(1)));
        // Clifford: the stabilizer method runs it.
        Assert.Null(MethodSelection.TimeByProxy(Parse("h q[0];\ncx q[0],q[23];\nmeasure q -> c;\n", 24), options, TimeSpan.FromSeconds(1)));
        // Dynamic: a measurement before a gate.
        Assert.Null(MethodSelection.TimeByProxy(Parse("h q[0];\nmeasure q[0] -> c[0];\nt q[0];\nmeasure q -> c;\n", 24), options, TimeSpan.FromSeconds(1)));
        // Noisy.
        var noisy = options with { Noise = NoiseModel.Parse("""{ "errors": [ { "gates": ["t"], "channel": { "type": "depolarizing", "probability": 0.01 } } ] }""") };
        Assert.Null(MethodSelection.TimeByProxy(Parse("h q[0];\nt q[0];\nmeasure q -> c;\n", 24), noisy, TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void TimeByProxy_PricesA26QubitRun_WithoutAllocatingItsGibibyte()
    {
        var body = new System.Text.StringBuilder();
        for (int q = 0; q < 26; q++)
        {
            body.Append(System.Globalization.CultureInfo.InvariantCulture, $"h q[{q}];\nt q[{q}];\n");
        }

        body.Append("cx q[0],q[25];\nccx q[3],q[14],q[20];\nmeasure q -> c;\n");
        var circuit = Parse(body.ToString(), 26);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        double? seconds = MethodSelection.TimeByProxy(circuit, new ExecutionOptions { Shots = 1024, Seed = 1, Threads = 1 }, TimeSpan.FromSeconds(2));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.NotNull(seconds);
        Assert.True(double.IsFinite(seconds!.Value) && seconds > 0, $"estimate {seconds}");
        // The proxy is 2^22 amplitudes in native memory; managed allocations are the compiled gates only.
        Assert.True(allocated < 64L << 20, $"allocated {allocated} bytes");
    }

    [Fact]
    public void KernelKey_IsTheSameForTheSameKernelOnTheSameQubits_WhateverTheAngle()
    {
        var circuit = Parse("rz(0.1) q[3];\nrz(0.7) q[3];\nrz(0.7) q[4];\nrx(0.7) q[3];\n", 30);
        var map = Enumerable.Range(0, 30).ToDictionary(q => q, q => ProxyTiming.Map([q], 30)![q]);
        var keys = circuit.Operations.Select(op => CompiledOperation.Compile(op, circuit).KernelKey(map)).ToArray();
        Assert.Equal(keys[0], keys[1]);
        Assert.NotEqual(keys[1], keys[2]);
        Assert.NotEqual(keys[1], keys[3]);
    }
}
