using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace VnQuantum.Cli.Tests;

/// <summary>
/// A fact that needs Open MPI's mpirun: skipped where it is not installed, except under CI (CI=true), where
/// <c>.ci/run</c> installs openmpi-bin and its absence is a failure.
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (!File.Exists(MpiRunTests.Mpirun) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "Open MPI's mpirun is not installed (bash .ci/run installs openmpi-bin)";
        }
    }
}

/// <summary>
/// <c>mpirun -np N vnq run …</c> on loopback, against the same program in one process: the state split over 2 and 4
/// ranks must give the same amplitudes (to 1e-12) and, with the same seed, the same counts.
/// </summary>
public sealed class MpiRunTests
{
    public const string Mpirun = "/usr/bin/mpirun";

    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    /// <summary>Runs vnq under mpirun; returns the exit code, rank 0's output and the JSON it wrote.</summary>
    private static (int Code, string Out, string Err, JsonDocument? Json) MpiVnq(int ranks, string program, params string[] args)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vnq-mpi-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            string file = Path.Combine(dir, "prog.qasm"), json = Path.Combine(dir, "out.json");
            File.WriteAllText(file, program);
            using var process = StartVnq(ranks, ["run", file, "-f", "json", "-o", json, .. args]);
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("mpirun did not finish in 120 s: a rank is waiting for a message that never comes");
            }

            return (process.ExitCode, output.Result, error.Result, File.Exists(json) ? JsonDocument.Parse(File.ReadAllText(json)) : null);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Starts <c>mpirun -np ranks dotnet vnq.dll args…</c> with its output redirected.</summary>
    private static Process StartVnq(int ranks, string[] args)
    {
        var start = new ProcessStartInfo(Mpirun) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["--oversubscribe", "-np", ranks.ToString(CultureInfo.InvariantCulture), "dotnet", Path.Combine(AppContext.BaseDirectory, "vnq.dll"), .. args])
        {
            start.ArgumentList.Add(a);
        }

        // CI machines run as root; Open MPI refuses that unless told it is meant.
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        start.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        return Process.Start(start)!;
    }

    private static JsonDocument OneProcess(string program, params string[] args)
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-mpi-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, program);
        try
        {
            var (code, output, error) = VnqAppTests.Vnq(["run", file, "-f", "json", .. args]);
            Assert.True(code == 0, error);
            return JsonDocument.Parse(output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Complex[] State(JsonDocument result) =>
        [.. result.RootElement.GetProperty("statevector").EnumerateArray().Select(a => new Complex(a[0].GetDouble(), a[1].GetDouble()))];

    private static Dictionary<string, int> Counts(JsonDocument result) =>
        result.RootElement.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    private static void AssertSameState(Complex[] expected, Complex[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = expected.Zip(actual, (e, a) => Complex.Abs(e - a)).Max();
        Assert.True(worst < 1e-12, $"{what}: an amplitude differs by {worst:G3}");
    }

    /// <summary>
    /// Every gate kind with its qubits on local positions, on the lowest and the highest global position, and mixed;
    /// 14 qubits, so 4 ranks hold 12 local qubits and qubits 12 and 13 are global.
    /// </summary>
    private static string EveryGateOnEveryPosition()
    {
        var program = new StringBuilder(Header + "qreg q[14];\ncreg c[14];\n");
        for (int q = 0; q < 14; q++)
        {
            program.Append(CultureInfo.InvariantCulture, $"h q[{q}];\nrx({0.1 + (0.07 * q)}) q[{q}];\n");
        }

        int[] positions = [0, 5, 11, 12, 13];
        string[] one = ["x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "rx(0.31)", "ry(1.23)", "rz(-0.77)", "u1(0.4)", "u2(0.3,-0.2)", "u3(0.5,0.6,0.7)"];
        string[] two = ["cx", "cy", "cz", "ch", "swap", "crz(0.9)", "cu1(1.1)", "cu3(0.2,0.3,0.4)", "rxx(0.6)", "rzz(0.8)"];
        foreach (int t in positions)
        {
            foreach (string g in one)
            {
                program.Append(CultureInfo.InvariantCulture, $"{g} q[{t}];\n");
            }
        }

        foreach (int a in positions)
        {
            foreach (int b in positions.Where(b => b != a))
            {
                foreach (string g in two)
                {
                    program.Append(CultureInfo.InvariantCulture, $"{g} q[{a}],q[{b}];\n");
                }
            }
        }

        program.Append("ccx q[12],q[13],q[0];\nccx q[0],q[12],q[13];\nccx q[0],q[5],q[12];\ncswap q[13],q[0],q[12];\ncswap q[1],q[12],q[13];\n");
        program.Append("measure q -> c;\n");
        return program.ToString();
    }

    /// <summary>A qsim-style random circuit (Boixo et al.): random 1-qubit gates and CZ layers, depth 20, seeded.</summary>
    private static string RandomCircuit(int qubits, int seed)
    {
        var random = new Random(seed);
        var program = new StringBuilder(Header + $"qreg q[{qubits}];\ncreg c[{qubits}];\n");
        string[] gates = ["sx", "t", "h", "ry(0.7)", "rx(1.9)"];
        for (int layer = 0; layer < 20; layer++)
        {
            for (int q = 0; q < qubits; q++)
            {
                program.Append(CultureInfo.InvariantCulture, $"{gates[random.Next(gates.Length)]} q[{q}];\n");
            }

            for (int q = layer % 2; q + 1 < qubits; q += 2)
            {
                int partner = (q + 1 + (random.Next(3) * 2)) % qubits;
                if (partner != q)
                {
                    program.Append(CultureInfo.InvariantCulture, $"cz q[{q}],q[{partner}];\n");
                }
            }
        }

        return program.Append("measure q -> c;\n").ToString();
    }

    private static string Qft(int qubits)
    {
        var program = new StringBuilder(Header + $"qreg q[{qubits}];\ncreg c[{qubits}];\n");
        for (int q = 0; q < qubits; q += 3)
        {
            program.Append(CultureInfo.InvariantCulture, $"x q[{q}];\n");
        }

        for (int j = qubits - 1; j >= 0; j--)
        {
            program.Append(CultureInfo.InvariantCulture, $"h q[{j}];\n");
            for (int k = j - 1; k >= 0; k--)
            {
                program.Append(CultureInfo.InvariantCulture, $"cu1({Math.PI / (1 << (j - k)):R}) q[{k}],q[{j}];\n");
            }
        }

        for (int q = 0; q < qubits / 2; q++)
        {
            program.Append(CultureInfo.InvariantCulture, $"swap q[{q}],q[{qubits - 1 - q}];\n");
        }

        return program.Append("measure q -> c;\n").ToString();
    }

    [MpiFact]
    public void EveryGateOnEveryQubitPosition_GivesTheOneProcessState_OnTwoAndFourRanks()
    {
        string program = EveryGateOnEveryPosition();
        foreach (string fusion in (string[])["0", "3"])
        {
            var expected = State(OneProcess(program, "--statevector", "--shots", "0", "--fusion", fusion));
            foreach (int ranks in (int[])[2, 4])
            {
                var (code, _, error, json) = MpiVnq(ranks, program, "--statevector", "--shots", "0", "--fusion", fusion);
                Assert.True(code == 0, error);
                AssertSameState(expected, State(json!), $"{ranks} ranks, fusion {fusion}");
                Assert.Contains($"{ranks} ranks × 2^{14 - int.Log2(ranks)} amplitudes", json!.RootElement.GetProperty("metadata").GetProperty("method_reason").GetString());
            }
        }
    }

    [MpiFact]
    public void RandomQftAndGhz_GiveTheSameCountsForTheSameSeed_OnOneTwoAndFourRanks()
    {
        foreach (string program in (string[])[RandomCircuit(15, 7), Qft(14), Header + "qreg q[16];\ncreg c[16];\nh q[15];\n" + string.Concat(Enumerable.Range(0, 15).Select(i => $"cx q[{15 - i}],q[{14 - i}];\n")) + "measure q -> c;\n"])
        {
            // The GHZ circuit is Clifford: one process would pick the stabilizer method, so ask for the state vector.
            var expected = OneProcess(program, "--seed", "11", "--shots", "3000", "--method", "statevector");
            foreach (int ranks in (int[])[2, 4])
            {
                var (code, _, error, json) = MpiVnq(ranks, program, "--seed", "11", "--shots", "3000");
                Assert.True(code == 0, error);
                Assert.Equal(Counts(expected), Counts(json!));
            }
        }
    }

    [MpiFact]
    public void WithoutASeed_TheRanksAgreeOnOne()
    {
        // Rank 0 picks the seed and sends it; ranks drawing different numbers would give counts that do not add to the shots.
        var (code, _, error, json) = MpiVnq(2, RandomCircuit(14, 3), "--shots", "500");
        Assert.True(code == 0, error);
        Assert.Equal(500, Counts(json!).Values.Sum());
        ulong seed = json!.RootElement.GetProperty("metadata").GetProperty("seed").GetUInt64();
        Assert.Equal(Counts(OneProcess(RandomCircuit(14, 3), "--shots", "500", "--seed", seed.ToString(CultureInfo.InvariantCulture))), Counts(json));
    }

    [MpiFact]
    public void WhatTheRanksCannotRun_EndsTheJobWithOneClearMessage()
    {
        var (notPowerOfTwo, _, error3, _) = MpiVnq(3, RandomCircuit(14, 1), "--seed", "1");
        Assert.NotEqual(0, notPowerOfTwo);
        Assert.Contains("power-of-two number of ranks; this job has 3", error3);

        var (tooMany, _, error8, _) = MpiVnq(4, RandomCircuit(13, 1), "--seed", "1");
        Assert.NotEqual(0, tooMany);
        Assert.Contains("4 ranks are too many for 13 qubits", error8);

        var (noisy, _, errorNoisy, _) = MpiVnq(2, RandomCircuit(14, 1), "--seed", "1", "--method", "density-matrix");
        Assert.NotEqual(0, noisy);
        Assert.Contains("under mpirun the state vector is split over the ranks", errorNoisy);
    }

    [MpiFact]
    public void DynamicCircuits_MidCircuitMeasurementResetAndIf_GiveTheOneProcessCounts()
    {
        // Measurements of local and global qubits (12 and 13 are global on 4 ranks), resets, and branches on them:
        // shot by shot on the ranks with one process's per-shot streams, so the counts equal one process's
        // (which branches the state; issue 19 proved branching and per-shot counts equal).
        const string program = """
            OPENQASM 3.0;
            include "stdgates.inc";
            qubit[14] q;
            bit[14] c;
            bit m;
            for int i in [0:13] { h q[i]; rx(0.3 * i) q[i]; }
            m = measure q[13];
            if (m) { x q[0]; cx q[0], q[12]; }
            reset q[12];
            h q[12];
            cx q[12], q[13];
            m = measure q[0];
            if (!m) { ry(0.7) q[13]; }
            reset q[5];
            crx(0.4) q[13], q[5];
            c = measure q;
            """;
        var expected = OneProcess(program, "--seed", "4", "--shots", "300");
        foreach (int ranks in (int[])[2, 4])
        {
            var (code, _, error, json) = MpiVnq(ranks, program, "--seed", "4", "--shots", "300");
            Assert.True(code == 0, error);
            Assert.Equal(Counts(expected), Counts(json!));
            Assert.EndsWith("shot by shot", json!.RootElement.GetProperty("metadata").GetProperty("method_reason").GetString());
        }
    }

    [MpiFact]
    public void ARankKilledMidRun_EndsTheWholeJobWithinSeconds()
    {
        // 24 qubits and 400 layers: minutes of work, so the kill lands mid-run; the job must end in seconds, not hang.
        var random = new Random(2);
        var program = new StringBuilder(Header + "qreg q[24];\ncreg c[24];\n");
        for (int layer = 0; layer < 400; layer++)
        {
            for (int q = 0; q < 24; q++)
            {
                program.Append(CultureInfo.InvariantCulture, $"rx({random.NextDouble() * 3:R}) q[{q}];\n");
            }

            for (int q = layer % 2; q + 1 < 24; q += 2)
            {
                program.Append(CultureInfo.InvariantCulture, $"cx q[{q}],q[{(q + 7) % 24}];\n");
            }
        }

        string dir = Path.Combine(Path.GetTempPath(), $"vnq-mpi-kill-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "long.qasm");
        File.WriteAllText(file, program.Append("measure q -> c;\n").ToString());
        try
        {
            using var job = StartVnq(2, ["run", file, "--fusion", "0", "--seed", "1"]);
            var error = job.StandardError.ReadToEndAsync();
            _ = job.StandardOutput.ReadToEndAsync();

            // The two ranks are the processes whose command line names this test's program file.
            int[] ranks = [];
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (ranks.Length < 2 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
                ranks = [.. Directory.GetDirectories("/proc").Select(d => Path.GetFileName(d)).Where(n => n.All(char.IsAsciiDigit))
                    .Where(pid => ReadCommandLine(pid).Contains(file, StringComparison.Ordinal) && ReadCommandLine(pid).Contains("vnq.dll", StringComparison.Ordinal)
                        && !ReadCommandLine(pid).StartsWith(Mpirun, StringComparison.Ordinal) && !ReadCommandLine(pid).StartsWith("mpirun", StringComparison.Ordinal))
                    .Select(int.Parse)];
            }

            Assert.True(ranks.Length == 2, $"found {ranks.Length} rank processes");
            Thread.Sleep(2000); // both ranks past start-up and into the gates
            Assert.False(job.HasExited, "the job ended before a rank could be killed");
            var clock = Stopwatch.StartNew();
            Process.GetProcessById(ranks[1]).Kill();
            Assert.True(job.WaitForExit(TimeSpan.FromSeconds(20)), "the job went on for 20 s after a rank died");
            Assert.NotEqual(0, job.ExitCode);
            Assert.Contains("exited on signal 9", error.Result);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string ReadCommandLine(string pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}
