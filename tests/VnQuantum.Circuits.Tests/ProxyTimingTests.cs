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
    public void TimeByProxy_PricesA34QubitRun_ThatCouldNeverBeAllocatedHere()
    {
        // 2^34 amplitudes are 256 GiB: had the estimate touched a state of the full size, it would have failed.
        const int n = 34;
        var body = new System.Text.StringBuilder();
        for (int q = 0; q < n; q++)
        {
            body.Append(System.Globalization.CultureInfo.InvariantCulture, $"h q[{q}];\nt q[{q}];\n");
        }

        body.Append("cx q[0],q[33];\nccx q[3],q[14],q[20];\nmeasure q -> c;\n");
        var circuit = Parse(body.ToString(), n);
        var options = new ExecutionOptions { Shots = 1024, Seed = 1, Threads = 1, Method = SimulationMethod.StateVector };
        double? seconds = MethodSelection.TimeByProxy(circuit, options, TimeSpan.FromSeconds(2));
        Assert.NotNull(seconds);
        Assert.True(double.IsFinite(seconds!.Value), $"estimate {seconds}");

        // At least one pass over 2^34 amplitudes per gate at the 2-core machine's streaming rate is far above a second.
        Assert.True(seconds > 10, $"estimate {seconds} s for {n * 2 + 2} gates on 2^{n} amplitudes");
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
