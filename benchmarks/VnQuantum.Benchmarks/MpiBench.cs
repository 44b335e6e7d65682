using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VnQuantum.Benchmarks;

/// <summary>
/// <c>mpi --vnq path/to/vnq.dll [--qubits 26,28] [--ranks 2] [--rounds 2]</c>, or <c>mpi --write DIR [--qubits …]</c> to
/// write the circuits for a peer (QuEST) to run the same gates: the same circuits (H on every qubit, QFT,
/// a qsim-style random circuit of depth 20) run by one process on all the cores and by <c>mpirun -np R</c> with one
/// thread a rank, alternating, with the simulation time each reports and the exchanges the split state made. Also
/// counts the gates that act on a global qubit with a non-diagonal matrix (QuEST exchanges a rank's whole chunk for
/// each), beside the half-chunk swaps the qubit map made here (sampling's return to qubit order included).
/// </summary>
internal static class MpiBench
{
    public static int Run(string[] args)
    {
        string? vnq = null, write = null;
        int[] sizes = [26, 28];
        int ranks = 2, rounds = 2;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--vnq": vnq = args[i + 1]; break;
                case "--write": write = args[i + 1]; break;
                case "--qubits": sizes = [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))]; break;
                case "--ranks": ranks = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
            }
        }

        if (write is not null)
        {
            Directory.CreateDirectory(write);
            foreach (int n in sizes)
            {
                foreach (var (name, body) in Circuits(n))
                {
                    File.WriteAllText(Path.Combine(write, $"{name}-n{n}.qasm"), Source(n, body));
                }
            }

            return 0;
        }

        if (vnq is null || !File.Exists(vnq))
        {
            Console.Error.WriteLine("mpi needs --vnq path/to/vnq.dll (dotnet publish src/VnQuantum.Cli -c Release -o DIR) and Open MPI's mpirun");
            return 2;
        }

        int cores = Environment.ProcessorCount;
        string dir = Path.Combine(Path.GetTempPath(), $"vnq-mpi-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        Console.WriteLine($"| circuit | qubits | gates | 1 process × {cores} threads, ms | {ranks} ranks × 1 thread, ms | ratio (ranks ÷ one) | exchanges kept in the map | gates with a non-diagonal global target (QuEST: one whole-chunk exchange each) | sent per rank |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        try
        {
            foreach (int n in sizes)
            {
                foreach (var (name, body) in Circuits(n))
                {
                    string file = Path.Combine(dir, $"{name}-n{n}.qasm");
                    File.WriteAllText(file, Source(n, body));
                    int global = n - int.Log2(ranks);
                    int swapBack = body.Count(g => OnGlobalNonDiagonal(g, global));
                    var one = new List<double>();
                    var split = new List<double>();
                    string exchanges = "—", sent = "—";
                    for (int round = 0; round < rounds; round++)
                    {
                        string result = Path.Combine(dir, "result.json");
                        Launch("dotnet", [vnq, "run", file, "--method", "statevector", "--threads", cores.ToString(CultureInfo.InvariantCulture), "--seed", "1", "--shots", "100", "-o", result]);
                        one.Add(Simulation(File.ReadAllText(result)).Ms);
                        Launch("mpirun", ["--oversubscribe", "-np", ranks.ToString(CultureInfo.InvariantCulture), "dotnet", vnq, "run", file, "--threads", "1", "--seed", "1", "--shots", "100", "-o", result]);
                        var distributed = Simulation(File.ReadAllText(result));
                        split.Add(distributed.Ms);
                        var reason = System.Text.RegularExpressions.Regex.Match(distributed.Reason, @"(\d+) exchanges of half a rank's amplitudes \(([^)]+) sent");
                        exchanges = reason.Success ? reason.Groups[1].Value : "?";
                        sent = reason.Success ? reason.Groups[2].Value : "?";
                    }

                    double a = one.Min(), b = split.Min();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {n} | {body.Count} | {a:F0} | {b:F0} | {b / a:F2} | {exchanges} | {swapBack} | {sent} |"));
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        Console.WriteLine($"Best of {rounds} alternating rounds; simulation time as each run reports it (fusion included, start-up and sampling not).");
        return 0;
    }

    private static string Source(int n, List<string> body) =>
        "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n" + $"qreg q[{n}];\ncreg c[{n}];\n" + string.Join(string.Empty, body) + "measure q -> c;\n";

    private static IEnumerable<(string Name, List<string> Gates)> Circuits(int n)
    {
        yield return ("h-all", [.. Enumerable.Range(0, n).Select(q => $"h q[{q}];\n")]);
        var qft = new List<string>();
        for (int j = n - 1; j >= 0; j--)
        {
            qft.Add($"h q[{j}];\n");
            for (int k = j - 1; k >= 0; k--)
            {
                qft.Add(string.Create(CultureInfo.InvariantCulture, $"cu1({Math.PI / (1L << (j - k)):R}) q[{k}],q[{j}];\n"));
            }
        }

        for (int q = 0; q < n / 2; q++)
        {
            qft.Add($"swap q[{q}],q[{n - 1 - q}];\n");
        }

        yield return ("qft", qft);
        var random = new Random(7);
        string[] single = ["sx", "t", "h", "ry(0.7)", "rx(1.9)"];
        var circuit = new List<string>();
        for (int layer = 0; layer < 20; layer++)
        {
            for (int q = 0; q < n; q++)
            {
                circuit.Add($"{single[random.Next(single.Length)]} q[{q}];\n");
            }

            for (int q = layer % 2; q + 1 < n; q += 2)
            {
                int partner = (q + 1 + (random.Next(3) * 2)) % n;
                if (partner != q)
                {
                    circuit.Add($"cz q[{q}],q[{partner}];\n");
                }
            }
        }

        yield return ("random-d20", circuit);
    }

    /// <summary>Whether a gate line moves amplitudes between ranks without a qubit map: a non-diagonal gate with a global target.</summary>
    private static bool OnGlobalNonDiagonal(string gate, int firstGlobal)
    {
        string name = gate.Split([' ', '('])[0];
        if (name is "t" or "cz" or "cu1" or "s" or "z" or "rz")
        {
            return false;
        }

        var qubits = System.Text.RegularExpressions.Regex.Matches(gate, @"q\[(\d+)\]").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
        int[] targets = name == "swap" ? qubits : [qubits[^1]];
        return targets.Any(q => q >= firstGlobal);
    }

    private static void Launch(string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error.Result}");
        }

        _ = output.Result;
    }

    private static (double Ms, string Reason) Simulation(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var m = doc.RootElement.GetProperty("metadata");
        var timing = m.GetProperty("timings_ms");
        return (timing.GetProperty("fusion").GetDouble() + timing.GetProperty("simulation").GetDouble(), m.GetProperty("method_reason").GetString() ?? string.Empty);
    }
}
