using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Benchmarks;

/// <summary>
/// <c>bench costmodel --qubits 24</c>: the state vector's time per operation by kernel class (which engine call, how
/// many targets and controls, whether a qubit sits below the vector width), as nanoseconds per amplitude of the whole
/// state, plus what the first pass over fresh memory and sampling cost. These are the figures
/// <c>StateVectorCostModel</c> carries; re-take them here when the kernels change.
/// </summary>
internal static class CostModelBench
{
    public static int Run(string[] args)
    {
        int n = RatioBench.Option(args, "--qubits", 24);
        int reps = RatioBench.Option(args, "--reps", 3);
        int repeat = RatioBench.Option(args, "--gates", 8);
        double amplitudes = Math.Pow(2, n);
        Console.WriteLine($"# state-vector cost per operation, {n} qubits, 2 threads, median of {reps}; ns per amplitude of the whole state");
        Console.WriteLine("| class | targets | controls | low qubit | gate | ns / amplitude |");
        Console.WriteLine("|---|---:|---:|---|---|---:|");

        // A flip on the top qubit first, so the pages are touched before the gates being timed.
        double Time(string body, int fusion) => Median(reps, () =>
        {
            var result = Execute(n, "x q[" + (n - 1) + "];\n" + body, fusion);
            return result.Metadata.SimulationMilliseconds;
        });

        double warm = Time(string.Empty, 0);
        foreach (var (kind, targets, controls, low, gate) in Classes(n))
        {
            int fusion = kind == "matrix" && targets > 1 ? targets : 0;
            var body = new StringBuilder();
            for (int r = 0; r < repeat; r++)
            {
                body.Append(gate).Append('\n');
                if (fusion > 0)
                {
                    body.Append("barrier q;\n");
                }
            }

            double ms = (Time(body.ToString(), fusion) - warm) / repeat;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {kind} | {targets} | {controls} | {(low ? "yes" : "no")} | `{gate.Replace("\n", " ", StringComparison.Ordinal)}` | {ms * 1e6 / amplitudes:0.000} |"));
        }

        double fresh = Median(reps, () => Execute(n, "x q[" + (n - 1) + "];\n", 0).Metadata.SimulationMilliseconds);
        double flipHigh = Median(reps, () => Execute(n, "x q[" + (n - 1) + "];\nx q[" + (n - 1) + "];\n", 0).Metadata.SimulationMilliseconds) - fresh;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"first pass over fresh memory, beyond the gate: {(fresh - flipHigh) * 1e6 / amplitudes:0.000} ns / amplitude"));
        double shots0 = Median(reps, () => Execute(n, "h q;\nmeasure q -> c;\n", 2, shots: 1).Metadata.SamplingMilliseconds);
        double shots1 = Median(reps, () => Execute(n, "h q;\nmeasure q -> c;\n", 2, shots: 100_000).Metadata.SamplingMilliseconds);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampling: {shots0 * 1e6 / amplitudes:0.000} ns / amplitude, {(shots1 - shots0) * 1e6 / 99_999:0.0} ns / shot (all qubits measured)"));
        return 0;
    }

    private static ExecutionResult Execute(int n, string body, int fusion, int shots = 1)
    {
        string text = $"OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{n}];\ncreg c[{n}];\n{body}";
        var circuit = OpenQasm2.Parse(text).Circuit!;
        return CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = shots, Seed = 1, Threads = 2, FusionMaxQubits = fusion, Method = SimulationMethod.StateVector });
    }

    private static double Median(int reps, Func<double> measure)
    {
        var times = Enumerable.Range(0, reps).Select(_ => measure()).Order().ToArray();
        return times[times.Length / 2];
    }

    /// <summary>One representative gate for each class, on low qubits (0, 1) and on high ones (the middle and top).</summary>
    private static IEnumerable<(string Kind, int Targets, int Controls, bool Low, string Gate)> Classes(int n)
    {
        int a = n / 2, b = n - 2, c = n - 3;
        foreach (bool low in new[] { false, true })
        {
            int x = low ? 0 : a, y = low ? 1 : b, z = low ? 2 : c;
            yield return ("flip", 1, 0, low, $"x q[{x}];");
            yield return ("flip", 1, 1, low, $"cx q[{y}],q[{x}];");
            yield return ("flip", 1, 2, low, $"ccx q[{y}],q[{z}],q[{x}];");
            yield return ("swap", 2, 0, low, $"swap q[{x}],q[{y}];");
            yield return ("swap", 2, 1, low, $"cswap q[{x}],q[{y}],q[{z}];");
            yield return ("phase", 1, 0, low, $"t q[{x}];");
            yield return ("phase", 1, 1, low, $"cu1(0.3) q[{y}],q[{x}];");
            yield return ("diagonal", 1, 0, low, $"rz(0.3) q[{x}];");
            yield return ("diagonal", 1, 1, low, $"crz(0.3) q[{y}],q[{x}];");
            yield return ("matrix", 1, 0, low, $"u3(0.1,0.2,0.3) q[{x}];");
            yield return ("matrix", 1, 1, low, $"cu3(0.1,0.2,0.3) q[{y}],q[{x}];");
            for (int k = 2; k <= 5; k++)
            {
                var qubits = low ? Enumerable.Range(0, k).ToArray() : Enumerable.Range(n - k, k).ToArray();
                var block = new StringBuilder();
                foreach (int q in qubits)
                {
                    block.Append(CultureInfo.InvariantCulture, $"u3(0.1,0.2,0.3) q[{q}]; ");
                }

                for (int i = 1; i < k; i++)
                {
                    block.Append(CultureInfo.InvariantCulture, $"cx q[{qubits[i - 1]}],q[{qubits[i]}]; ");
                }

                yield return ("matrix", k, 0, low, block.ToString().TrimEnd());
            }
        }
    }
}
