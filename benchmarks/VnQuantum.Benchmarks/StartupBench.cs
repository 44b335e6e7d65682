using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using VnQuantum.Simulation;

namespace VnQuantum.Benchmarks;

/// <summary>
/// <c>startup</c>: the whole-process cost of a run that does nothing, against a process that allocates and zeroes the
/// same bytes once. Each row alternates with the baselines, so the ratios compare runs seconds apart.
/// </summary>
/// <remarks>
/// <c>startup --vnq path/to/vnq.dll [--qubits 28] [--reps 3]</c>. The baselines run this program itself as a child:
/// <c>zero BYTES allocator</c> (NativeMemory.AlignedAlloc, cleared on every thread: what the engine did before) and
/// <c>zero BYTES mapped</c> (the engine's huge-page mapping, cleared the same way).
/// </remarks>
internal static unsafe class StartupBench
{
    public static int Run(string[] args)
    {
        string? vnq = null;
        int qubits = 28, reps = 3;
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--vnq": vnq = args[i + 1]; break;
                case "--qubits": qubits = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--reps": reps = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }

        if (vnq is null || !File.Exists(vnq))
        {
            Console.Error.WriteLine("startup needs --vnq path/to/vnq.dll (dotnet publish src/VnQuantum.Cli -c Release -o DIR)");
            return 2;
        }

        string dir = Directory.CreateTempSubdirectory("vnq-startup").FullName;
        string header = $"OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[{qubits}];\ncreg c[{qubits}];\n";
        string empty = Path.Combine(dir, "empty.qasm");
        string measured = Path.Combine(dir, "measured.qasm");
        File.WriteAllText(empty, header);
        File.WriteAllText(measured, header + "measure q -> c;\n");
        string oneGate = Path.Combine(dir, "one-gate.qasm");
        File.WriteAllText(oneGate, header + "h q[0];\nmeasure q -> c;\n");
        long bytes = StateVector.RequiredBytes(qubits, Precision.Double);
        string self = typeof(StartupBench).Assembly.Location;
        string[] run = ["run", "--method", "statevector", "--shots", "1000", "--seed", "1"];

        var rows = new (string Name, string[] Command)[]
        {
            ("empty circuit", [vnq, .. run, empty]),
            ("empty circuit, --format json", [vnq, .. run, "--format", "json", empty]),
            ("measure all (samples read every amplitude)", [vnq, .. run, measured]),
            ("measure all, --format json -o file", [vnq, .. run, "--format", "json", "-o", Path.Combine(dir, "out.json"), measured]),
            ("one H, then measure all (the gate writes, so faults in, every page)", [vnq, .. run, oneGate]),
        };

        Console.WriteLine($"`vnq run` of a {qubits}-qubit program ({StateVector.FormatBytes(bytes)} of amplitudes), whole process, median of {reps}, each beside the two baselines");
        Console.WriteLine();
        Console.WriteLine("| run | s | allocate + zero s | × that | mapped + zero s | × that |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (name, command) in rows)
        {
            var times = new List<double>();
            var allocator = new List<double>();
            var mapped = new List<double>();
            for (int r = 0; r < reps; r++)
            {
                times.Add(Time(command));
                allocator.Add(Time([self, "zero", bytes.ToString(CultureInfo.InvariantCulture), "allocator"]));
                mapped.Add(Time([self, "zero", bytes.ToString(CultureInfo.InvariantCulture), "mapped"]));
            }

            double t = Median(times), a = Median(allocator), m = Median(mapped);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {t:0.00} | {a:0.00} | {t / a:0.00} | {m:0.00} | {t / m:0.00} |"));
        }

        Directory.Delete(dir, recursive: true);
        return 0;
    }

    /// <summary>The baseline child: allocate <paramref name="bytes"/> and zero them once on every processor.</summary>
    public static int Zero(long bytes, string how)
    {
        byte* data;
        AmplitudeMemory? memory = null;
        if (how == "mapped")
        {
            memory = AmplitudeMemory.Allocate(bytes);
            data = (byte*)memory.Data;
        }
        else
        {
            data = (byte*)NativeMemory.AlignedAlloc((nuint)bytes, 64);
        }

        int threads = Environment.ProcessorCount;
        long slice = bytes / threads;
        Parallel.For(0, threads, t => NativeMemory.Clear(data + (t * slice), (nuint)(t == threads - 1 ? bytes - (t * slice) : slice)));
        int probe = data[bytes / 3];
        if (memory is not null)
        {
            memory.Free();
        }
        else
        {
            NativeMemory.AlignedFree(data);
        }

        return probe;
    }

    private static double Time(string[] command)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in command)
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        double seconds = clock.Elapsed.TotalSeconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} exited {process.ExitCode}: {error.Result}");
        }

        return seconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
