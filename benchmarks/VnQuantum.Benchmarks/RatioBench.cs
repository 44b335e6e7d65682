using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.OpenQasm;
using VnQuantum.Simulation;

namespace VnQuantum.Benchmarks;

/// <summary>
/// Gate and circuit timings as ratios to a streaming pass measured in the same run, with Qulacs beside them when a
/// peer binary is given. Usage: ratios [--qubits 28] [--threads N] [--reps 5] [--circuits 20,22,24,26] [--qulacs PATH]
/// [--only GATE] (only the gate rows whose name contains GATE) [--precision single|double] (of the gate table's state)
/// </summary>
internal static class RatioBench
{
    public static int Run(string[] args)
    {
        int qubits = Option(args, "--qubits", 28);
        int threads = Option(args, "--threads", Environment.ProcessorCount);
        int reps = Option(args, "--reps", 5);
        string circuitSizes = OptionText(args, "--circuits") ?? "20,22,24,26";
        string? qulacs = OptionText(args, "--qulacs");
        bool skipGates = args.Contains("--no-gates");
        var precision = OptionText(args, "--precision") switch
        {
            null or "double" => Precision.Double,
            "single" => Precision.Single,
            var other => throw new ArgumentException($"--precision takes single or double, not '{other}'."),
        };

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# VnQuantum ratios: {qubits} qubits, {threads} threads, median of {reps} (after one warm-up); {Environment.ProcessorCount} cores, {RuntimeLabel()}");
        var peer = qulacs is null ? new Dictionary<string, double>() : RunQulacs(qulacs, qubits, threads, reps);

        if (args.Contains("--sweep"))
        {
            Sweep(report, qubits, threads, reps);
        }

        if (!skipGates)
        {
            GateTable(report, qubits, threads, reps, peer, OptionText(args, "--only"), precision);
        }

        var sizes = circuitSizes.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (sizes.Length > 0)
        {
            CircuitTable(report, sizes, threads, peer);
        }

        Console.WriteLine(report.ToString());
        return 0;
    }

    private static unsafe void GateTable(StringBuilder report, int n, int threads, int reps, Dictionary<string, double> peer, string? only, Precision precision)
    {
        using var state = StateVector.Create(n, precision, threads);
        var random = new Random(1);
        for (int q = 0; q < n; q++)
        {
            state.ApplyMatrix1(q, Hadamard);
        }

        // The floor: a plain pass over as many bytes, in its own buffer, timed alternately with every gate so that
        // the ratio compares runs taken seconds apart (this machine's memory bandwidth drifts from minute to minute).
        // Its buffer is the same kind of memory as the state's (huge pages where the engine maps them): a floor on
        // 4 KiB pages would pay TLB misses the gates do not.
        long stateBytes = StateVector.RequiredBytes(n, precision);
        var floorMemory = AmplitudeMemory.Allocate(stateBytes);
        double* scratch = (double*)floorMemory.Data;
        long doubles = stateBytes / sizeof(double);
        StreamingFloor.Pass(scratch, doubles, threads, 0.0);
        void Floor() => StreamingFloor.Pass(scratch, doubles, threads, 1.0);
        double floor = Median(reps, Floor);

        double bytes = 2.0 * stateBytes;
        report.AppendLine();
        string peerFloor = peer.TryGetValue("stream", out double qs) ? string.Create(CultureInfo.InvariantCulture, $"; Qulacs' own floor loop: {qs:0.0} ms") : string.Empty;
        report.AppendLine(CultureInfo.InvariantCulture, $"Streaming floor (read + write {StateVector.FormatBytes(stateBytes)} once, the {precision.ToString().ToLowerInvariant()} state's bytes): {floor:0.0} ms = {bytes / floor / 1e6:0.0} GB/s at the start{peerFloor}");
        report.AppendLine();
        report.AppendLine("| gate | qubits | kernel | ms | floor ms (alternating) | × floor | Qulacs ms | Qulacs × its floor |");
        report.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");

        void Row(string gate, string where, string kernel, Action apply, string? peerKey)
        {
            if (only is not null && !gate.Contains(only, StringComparison.Ordinal))
            {
                return;
            }

            var (ms, floorMs) = Alternating(reps, apply, Floor);
            string peerMs = peerKey is not null && peer.TryGetValue(peerKey, out double p) ? p.ToString("0.0", CultureInfo.InvariantCulture) : "";
            string peerRatio = peerKey is not null && peer.TryGetValue(peerKey, out double p2) && peer.TryGetValue("stream", out double s) ? (p2 / s).ToString("0.00", CultureInfo.InvariantCulture) : "";
            report.AppendLine(CultureInfo.InvariantCulture, $"| {gate} | {where} | {kernel} | {ms:0.0} | {floorMs:0.0} | {ms / floorMs:0.00} | {peerMs} | {peerRatio} |");
        }

        int mid = n / 2;
        var u3 = StandardGates.U3(0.3, 0.5, 0.7);
        foreach (int q in new[] { 0, mid, n - 1 })
        {
            Row("H", $"{q}", "dense 2×2", () => state.ApplyMatrix1(q, Hadamard), $"H {q}");
            Row("U3", $"{q}", "dense 2×2", () => state.ApplyMatrix1(q, u3), $"dense1 {q}");
            Row("X", $"{q}", "flip", () => state.ApplyX(q), null);
            Row("Z", $"{q}", "phase", () => state.ApplyPhase(q, -1), null);
            Row("RZ", $"{q}", "diagonal", () => state.ApplyDiagonal1(q, Complex.FromPolarCoordinates(1, -0.2), Complex.FromPolarCoordinates(1, 0.2)), null);
        }

        // Any 4×4 costs the same to apply; the controlled-U of qelib1 is a convenient one.
        var u4 = StandardGates.Find("cu")!.FullMatrix([0.3, 0.5, 0.7, 0.2]);
        foreach (var (c, t) in new[] { (0, n - 1), (n - 1, 0), (mid - 1, mid) })
        {
            Row("CX", $"{c},{t}", "flip, 1 control", () => state.ApplyX(t, [c]), $"CNOT {c} {t}");
            Row("CZ", $"{c},{t}", "phase, 1 control", () => state.ApplyPhase(t, -1, [c]), null);
        }

        foreach (var (a, b) in new[] { (0, 1), (mid, mid + 1), (n - 2, n - 1), (0, n - 1), (2, mid) })
        {
            Row("4×4", $"{a},{b}", "dense 4×4", () => state.ApplyMatrix2(a, b, u4), $"dense2 {a} {b}");
        }

        Row("SWAP", $"0,{n - 1}", "swap", () => state.ApplySwap(0, n - 1), null);
        var u8 = RandomMatrix(random, 8);
        Row("8×8", $"0,{mid},{n - 1}", "dense 8×8, lanes", () => state.ApplyMatrix([0, mid, n - 1], u8), null);
        Row("8×8", "0,1,2", "dense 8×8, lanes", () => state.ApplyMatrix([0, 1, 2], u8), null);
        Row("8×8", $"2,{mid},{n - 1}", "dense 8×8", () => state.ApplyMatrix([2, mid, n - 1], u8), null);
        Row("8×8", $"{mid - 1},{mid},{mid + 1}", "dense 8×8", () => state.ApplyMatrix([mid - 1, mid, mid + 1], u8), null);
        Row("8×8", $"{n - 3},{n - 2},{n - 1}", "dense 8×8", () => state.ApplyMatrix([n - 3, n - 2, n - 1], u8), null);
        var u16 = RandomMatrix(random, 16);
        Row("16×16", $"{mid - 2}..{mid + 1}", "dense 16×16", () => state.ApplyMatrix([mid - 2, mid - 1, mid, mid + 1], u16), null);
        Row("16×16", $"0,1,{mid},{n - 1}", "dense 16×16, lanes", () => state.ApplyMatrix([0, 1, mid, n - 1], u16), null);
        floorMemory.Free();
    }

    /// <summary>H and X on every target, and the engine's own full pass (Scale), to see where a kernel leaves the floor.</summary>
    private static void Sweep(StringBuilder report, int n, int threads, int reps)
    {
        using var state = StateVector.Create(n, threads: threads);
        double scale = Median(reps, () => state.Scale(Complex.One));
        report.AppendLine(CultureInfo.InvariantCulture, $"engine full pass (Scale): {scale:0.00} ms");
        report.AppendLine("| target | H ms | X ms | RZ ms |");
        report.AppendLine("|---:|---:|---:|---:|");
        var rz0 = Complex.FromPolarCoordinates(1, -0.2);
        var rz1 = Complex.FromPolarCoordinates(1, 0.2);
        for (int q = 0; q < n; q++)
        {
            double h = Median(reps, () => state.ApplyMatrix1(q, Hadamard));
            double x = Median(reps, () => state.ApplyX(q));
            double rz = Median(reps, () => state.ApplyDiagonal1(q, rz0, rz1));
            report.AppendLine(CultureInfo.InvariantCulture, $"| {q} | {h:0.00} | {x:0.00} | {rz:0.00} |");
        }
    }

    private static void CircuitTable(StringBuilder report, int[] sizes, int threads, Dictionary<string, double> peer)
    {
        report.AppendLine();
        report.AppendLine("| circuit | qubits | gates | no fusion ms | fusion 2 ms | fusion 3 ms | fusion 4 ms | no fusion ÷ best fusion | Qulacs ms |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var (name, make) in new (string, Func<int, string>)[] { ("QFT", Qft), ("random depth 20", n => RandomCircuit(n, 20, 7)) })
        {
            foreach (int n in sizes)
            {
                var circuit = OpenQasm2.Parse(make(n)).Circuit!;
                int reps = n <= 22 ? 3 : 1;
                var times = new[] { 0, 2, 3, 4 }.Select(f => Median(reps, () => CircuitExecutor.Run(circuit, new ExecutionOptions { Shots = 0, Seed = 1, Threads = threads, FusionMaxQubits = f }))).ToArray();
                string peerMs = name == "QFT" && peer.TryGetValue($"qft_circuit {n}", out double p) ? p.ToString("0.0", CultureInfo.InvariantCulture) : "";
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {n} | {circuit.Operations.Length} | {times[0]:0.0} | {times[1]:0.0} | {times[2]:0.0} | {times[3]:0.0} | {times[0] / times[1..].Min():0.00} | {peerMs} |");
            }
        }
    }

    /// <summary>Qiskit's QFT: H and controlled phases from the top qubit down, then the swaps.</summary>
    internal static string Qft(int n)
    {
        var text = new StringBuilder("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n").Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\n");
        for (int target = n - 1; target >= 0; target--)
        {
            text.Append(CultureInfo.InvariantCulture, $"h q[{target}];\n");
            for (int control = target - 1; control >= 0; control--)
            {
                text.Append(CultureInfo.InvariantCulture, $"cp(pi/{Math.Pow(2, target - control).ToString("R", CultureInfo.InvariantCulture)}) q[{control}],q[{target}];\n");
            }
        }

        for (int a = 0; a < n / 2; a++)
        {
            text.Append(CultureInfo.InvariantCulture, $"swap q[{a}],q[{n - 1 - a}];\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// A qsim-style random circuit on a line: each cycle a random gate from {√X, √Y, √W} on every qubit, then CZ on
    /// alternating neighbour pairs (Boixo et al., Nat. Phys. 14, 595 (2018), laid out in 1D).
    /// </summary>
    internal static string RandomCircuit(int n, int depth, int seed)
    {
        var random = new Random(seed);
        var text = new StringBuilder("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n").Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\n");
        string[] oneQubit = ["sx", "ry(pi/2)", "r(pi/2,pi/4)"];
        for (int q = 0; q < n; q++)
        {
            text.Append(CultureInfo.InvariantCulture, $"h q[{q}];\n");
        }

        for (int cycle = 0; cycle < depth; cycle++)
        {
            for (int q = 0; q < n; q++)
            {
                text.Append(CultureInfo.InvariantCulture, $"{oneQubit[random.Next(3)]} q[{q}];\n");
            }

            for (int q = cycle % 2; q + 1 < n; q += 2)
            {
                text.Append(CultureInfo.InvariantCulture, $"cz q[{q}],q[{q + 1}];\n");
            }
        }

        return text.ToString();
    }

    private static Dictionary<string, double> RunQulacs(string path, int n, int threads, int reps)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        var info = new ProcessStartInfo(path, $"{n} {threads} {reps} 1 20,22,24") { RedirectStandardOutput = true, UseShellExecute = false };
        info.Environment["OMP_NUM_THREADS"] = threads.ToString(CultureInfo.InvariantCulture);
        using var process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        foreach (var line in output.Split('\n'))
        {
            var parts = line.Trim().Split(' ');
            if (parts.Length >= 3 && parts[0] == "qulacs")
            {
                result[string.Join(' ', parts[1..^1])] = double.Parse(parts[^1], CultureInfo.InvariantCulture);
            }
        }

        return result;
    }

    /// <summary>Medians of <paramref name="a"/> and <paramref name="b"/> timed in alternation, after one warm-up of each.</summary>
    private static (double A, double B) Alternating(int reps, Action a, Action b)
    {
        a();
        b();
        var ta = new double[reps];
        var tb = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            var clock = Stopwatch.StartNew();
            a();
            ta[i] = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            b();
            tb[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(ta);
        Array.Sort(tb);
        return (ta[reps / 2], tb[reps / 2]);
    }

    private static double Median(int reps, Action action)
    {
        action();
        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[reps / 2];
    }

    private static readonly Complex[] Hadamard = [1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 1 / Math.Sqrt(2), -1 / Math.Sqrt(2)];

    private static Complex[] RandomMatrix(Random random, int dim)
    {
        // Any dense matrix costs the same to apply; unitarity does not matter for timing, but keep the norm bounded:
        // a permutation (3 is coprime to 2^k) with random phases.
        var m = new Complex[dim * dim];
        for (int i = 0; i < dim; i++)
        {
            m[(i * dim) + ((i * 3) % dim)] = Complex.FromPolarCoordinates(1, random.NextDouble());
        }

        return m;
    }

    internal static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static string RuntimeLabel() =>
        $".NET {Environment.Version}, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "on" : "off")}";
}
