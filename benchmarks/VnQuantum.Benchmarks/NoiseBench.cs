using System.Diagnostics;
using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Qec;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Benchmarks;

/// <summary>
/// Density-matrix gates against a streaming pass over the same bytes, tableau operations per second, and Pauli-frame
/// shots per second on surface-code memory circuits, with Stim beside them when a Stim binary is given.
/// Usage: noise [--dm-qubits 13] [--threads N] [--reps 5] [--shots 1000000] [--stim PATH]
/// </summary>
internal static class NoiseBench
{
    public static int Run(string[] args)
    {
        int dmQubits = Option(args, "--dm-qubits", 13);
        int threads = Option(args, "--threads", Environment.ProcessorCount);
        int reps = Option(args, "--reps", 5);
        int shots = Option(args, "--shots", 1_000_000);
        string? stim = args.SkipWhile(a => a != "--stim").Skip(1).FirstOrDefault();
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# VnQuantum noise and stabilizer benchmark: {threads} threads, median of {reps}; {Environment.ProcessorCount} cores");
        DensityMatrixTable(report, dmQubits, threads, reps);
        TableauTable(report, reps);
        FrameTable(report, shots, threads, reps, stim);
        Console.WriteLine(report.ToString());
        return 0;
    }

    private static unsafe void DensityMatrixTable(StringBuilder report, int n, int threads, int reps)
    {
        using var rho = DensityMatrix.Create(n, threads: threads);
        long bytes = DensityMatrix.RequiredBytes(n);
        double* scratch = (double*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)bytes, 64);
        long doubles = bytes / 8;
        StreamingFloor.Pass(scratch, doubles, threads, 0.0);
        double floor = Median(reps, () => StreamingFloor.Pass(scratch, doubles, threads, 1.0));
        double h = 1 / Math.Sqrt(2);
        var damping = KrausChannel.AmplitudeDamping(0.01);
        var depolarizing2 = KrausChannel.Depolarizing(0.01, 2);
        var dense2 = KrausChannel.FromOperators(depolarizing2.Operators.Select(o => o.ToArray()).ToList(), "depolarizing as plain Kraus operators");
        var u4 = new System.Numerics.Complex[16];
        for (int i = 0; i < 16; i++)
        {
            u4[i] = new System.Numerics.Complex(Math.Cos(i), Math.Sin(i * 0.7)) * 0.25;
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Density matrix, {n} qubits ({StateVector.FormatBytes(bytes)}); floor = one read+write pass over the same bytes: {floor:0.0} ms");
        report.AppendLine();
        report.AppendLine("| operation | passes | ms | × floor |");
        report.AppendLine("|---|---:|---:|---:|");
        void Row(string name, int passes, Action apply)
        {
            double ms = Median(reps, apply);
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {passes} | {ms:0.0} | {ms / floor:0.00} |");
        }

        Row("H on qubit 0 (U ⊗ Ū, one 4×4 pass)", 1, () => rho.ApplyMatrix([0], [h, h, h, -h]));
        Row($"H on qubit {n - 1}", 1, () => rho.ApplyMatrix([n - 1], [h, h, h, -h]));
        Row("CX (permutation, rows then columns)", 2, () => rho.ApplyX(1, [0]));
        Row("general 4×4 on (0, 1)", 2, () => rho.ApplyMatrix([0, 1], u4));
        Row("amplitude damping (superoperator, one pass)", 1, () => rho.ApplyChannel(damping, [2]));
        Row("1-qubit depolarizing (Pauli channel: 2 real terms per entry)", 1, () => rho.ApplyChannel(KrausChannel.Depolarizing(0.01), [2]));
        Row("2-qubit depolarizing (Pauli channel: 4 real terms per entry)", 1, () => rho.ApplyChannel(depolarizing2, [2, 3]));
        Row("2-qubit Kraus channel (dense 16×16 superoperator)", 1, () => rho.ApplyChannel(dense2, [2, 3]));
        System.Runtime.InteropServices.NativeMemory.AlignedFree(scratch);
    }

    private static void TableauTable(StringBuilder report, int reps)
    {
        report.AppendLine();
        report.AppendLine("Stabilizer tableau (one thread): operations per second");
        report.AppendLine();
        report.AppendLine("| qubits | H | CX | measure (random) | measure (determined) | GHZ prepare + measure all |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|");
        foreach (int n in new[] { 100, 1000, 5000 })
        {
            var t = new StabilizerTableau(n);
            var random = new SeededRandom(1);
            int ops = 20000;
            double hs = ops / Seconds(() =>
            {
                for (int i = 0; i < ops; i++)
                {
                    t.H(i % n);
                }
            });
            double cxs = ops / Seconds(() =>
            {
                for (int i = 0; i < ops; i++)
                {
                    t.CX(i % n, (i + 1) % n);
                }
            });

            // Random measurements: measure qubits of a |+…+⟩ state.
            t.Clear();
            for (int q = 0; q < n; q++)
            {
                t.H(q);
            }

            int m = Math.Min(n, 2000);
            double random1 = m / Seconds(() =>
            {
                for (int q = 0; q < m; q++)
                {
                    t.MeasureZ(q, random);
                }
            });
            double determined = m / Seconds(() =>
            {
                for (int q = 0; q < m; q++)
                {
                    t.MeasureZ(q, random);
                }
            });
            double ghz = Seconds(() =>
            {
                t.Clear();
                t.H(0);
                for (int q = 1; q < n; q++)
                {
                    t.CX(q - 1, q);
                }

                for (int q = 0; q < n; q++)
                {
                    t.MeasureZ(q, random);
                }
            });
            report.AppendLine(CultureInfo.InvariantCulture, $"| {n} | {hs:0.00e0} | {cxs:0.00e0} | {random1:0.00e0} | {determined:0.00e0} | {ghz * 1000:0.0} ms |");
        }
    }

    private static void FrameTable(StringBuilder report, int shots, int threads, int reps, string? stim)
    {
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Pauli-frame sampling of rotated surface-code memory circuits (rounds = d, p = 0.001), {shots:N0} shots, measurement records to memory");
        report.AppendLine();
        report.AppendLine("| d | qubits | measurements/shot | ours shots/s | Stim shots/s (1 thread, b8 to /dev/null) | Stim / ours | ours, 1 thread |");
        report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int d in new[] { 5, 9 })
        {
            var experiment = MemoryCircuits.RotatedSurfaceCode(d, d, 0.001);
            var program = MemoryExperimentRunner.Program(experiment);
            var sampler = new PauliFrameSampler(program, 1);
            sampler.Sample(Math.Min(shots, 8192), threads);
            double ours = shots / MedianSeconds(reps, () => sampler.Sample(shots, threads));
            double oursOne = shots / MedianSeconds(reps, () => sampler.Sample(shots, 1));
            string stimRate = string.Empty, ratio = string.Empty;
            if (stim is not null)
            {
                string file = Path.Combine(Path.GetTempPath(), $"vnq-bench-d{d}.stim");
                File.WriteAllText(file, StimFormat.Write(experiment.Circuit, experiment.Noise));
                double seconds = MedianSeconds(reps, () => RunStim(stim, file, shots));
                stimRate = (shots / seconds).ToString("0.00e0", CultureInfo.InvariantCulture);
                ratio = (shots / seconds / ours).ToString("0.00", CultureInfo.InvariantCulture);
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"| {d} | {experiment.Circuit.QubitCount} | {program.RecordCount} | {ours:0.00e0} | {stimRate} | {ratio} | {oursOne:0.00e0} |");
        }
    }

    private static void RunStim(string stim, string file, int shots)
    {
        var start = new ProcessStartInfo(stim, ["sample", "--shots", shots.ToString(CultureInfo.InvariantCulture), "--in", file, "--out", "/dev/null", "--out_format", "b8", "--seed", "1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"stim failed: {process.StandardError.ReadToEnd()}");
        }
    }

    private static double Seconds(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    private static double MedianSeconds(int reps, Action action)
    {
        action();
        var times = Enumerable.Range(0, reps).Select(_ => Seconds(action)).Order().ToList();
        return times[times.Count / 2];
    }

    private static double Median(int reps, Action action) => MedianSeconds(reps, action) * 1000;

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
