using System.Text.Json;
using VnQuantum.Cli;

namespace VnQuantum.Cli.Tests;

public class VnqAppTests
{
    /// <summary>Runs <c>vnq</c> in process with captured output: the one helper of every CLI test.</summary>
    internal static (int Code, string Out, string Err) Vnq(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = VnqApp.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Writes <paramref name="source"/> to a temporary .qasm file, runs <c>vnq run</c> on it, and deletes it.</summary>
    private static (int Code, string Out, string Err, string File) RunProgram(string source)
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-test-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, source);
        try
        {
            var (code, output, error) = Vnq("run", file);
            return (code, output, error, file);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The path of a file in the repository's samples/ folder.</summary>
    internal static string Sample(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "samples")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "samples", name);
    }

    [Fact]
    public void Run_PrintsAHistogram()
    {
        var (code, output, error) = Vnq("run", Sample("grover3.qasm"), "--seed", "7");
        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("101", output);
        Assert.Contains("seed 7", output);
        Assert.Contains("█", output);
    }

    [Fact]
    public void Run_Json_HasCountsStateAndMetadata()
    {
        var (code, output, _) = Vnq("run", Sample("ghz.qasm"), "--shots", "300", "--seed", "11", "--format", "json", "--statevector", "--probabilities", "--threads", "1");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        var counts = root.GetProperty("counts");
        Assert.Equal(300, counts.GetProperty("00000").GetInt32() + counts.GetProperty("11111").GetInt32());
        Assert.Equal(32, root.GetProperty("statevector").GetArrayLength());
        Assert.Equal(0.5, root.GetProperty("probabilities")[31].GetDouble(), 12);
        var metadata = root.GetProperty("metadata");
        Assert.Equal(11UL, metadata.GetProperty("seed").GetUInt64());
        Assert.Equal("statevector", metadata.GetProperty("method").GetString());
        Assert.Equal(5, metadata.GetProperty("qubits").GetInt32());
        Assert.Equal(1, metadata.GetProperty("threads").GetInt32());
        Assert.True(metadata.GetProperty("timings_ms").GetProperty("simulation").GetDouble() >= 0);
    }

    [Fact]
    public void Run_SameSeed_SameCounts()
    {
        var a = Vnq("run", Sample("teleport.qasm"), "--seed", "5", "--format", "json").Out;
        var b = Vnq("run", Sample("teleport.qasm"), "--seed", "5", "--format", "json", "--threads", "2").Out;
        string Counts(string json) => JsonDocument.Parse(json).RootElement.GetProperty("counts").GetRawText();
        Assert.Equal(Counts(a), Counts(b));
    }

    [Fact]
    public void Run_WritesTheJsonFile()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-{Guid.NewGuid():N}.json");
        try
        {
            var (code, _, _) = Vnq("run", Sample("qft.qasm"), "-o", file, "--seed", "1");
            Assert.Equal(0, code);
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal(1024, json.RootElement.GetProperty("counts").GetProperty("0101").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void ParseError_ExitsWith2_AndNamesFileLineColumn()
    {
        var (code, output, error, file) = RunProgram("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncxx q[0],q[1];\n");
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains($"{file}:4:1: unknown gate 'cxx' — did you mean 'cx'?", error);
    }

    [Fact]
    public void MissingFile_IsAnInputError()
    {
        var (code, _, error) = Vnq("run", "no-such-program.qasm");
        Assert.Equal(2, code);
        Assert.Contains("no-such-program.qasm:1:1: cannot read the file", error);
    }

    [Fact]
    public void BadUsage_ExitsWith1()
    {
        Assert.Equal(1, Vnq("run").Code);
        Assert.Equal(1, Vnq("run", Sample("ghz.qasm"), "--shots", "-3").Code);
        Assert.Equal(1, Vnq("run", Sample("ghz.qasm"), "--method", "magic").Code);
        Assert.Equal(1, Vnq("fly").Code);
    }

    [Fact]
    public void TooLarge_IsAResourceError_ThatSaysHowMuchMemory()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-test-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[36];\nh q[0];\nt q[0];\n");
        try
        {
            var (code, _, error) = Vnq("run", file, "--method", "statevector");
            Assert.Equal(3, code);
            Assert.Contains("needs 1 TiB", error);

            // Auto hands the circuit to a matrix product state instead, which holds it in bytes.
            var (autoCode, output, autoError) = Vnq("run", file);
            Assert.True(autoCode == 0, autoError);
            Assert.Contains("method mps", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void MoreQubitsThanAMethodHolds_IsAResourceError_AndInfoAndDrawStillWork()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-test-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, "OPENQASM 3.0;\ninclude \"stdgates.inc\";\nqubit[100000] q;\nh q[0];\nt q[0];\n");
        try
        {
            var (code, _, error) = Vnq("run", file, "--method", "statevector");
            Assert.Equal(3, code);
            Assert.Contains("the program has 100000 qubits; the state-vector method holds at most 40", error);
            Assert.Equal(3, Vnq("run", file, "--method", "density-matrix").Code);
            Assert.Equal(0, Vnq("info", file).Code);
            Assert.Equal(0, Vnq("draw", file).Code);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Opaque_IsAnInputError()
    {
        var (code, _, error, _) = RunProgram("OPENQASM 2.0;\nopaque magic a;\nqreg q[1];\nmagic q[0];\n");
        Assert.Equal(2, code);
        Assert.Contains("opaque gate 'magic'", error);
    }

    [Fact]
    public void Info_ShowsQubitsDepthGatesAndMemory()
    {
        var (code, output, _) = Vnq("info", Sample("adder.qasm"));
        Assert.Equal(0, code);
        Assert.Contains("qubits", output);
        Assert.Contains("depth", output);
        Assert.Contains("ccx", output);
        Assert.Contains("16 KiB", output);
    }
}
