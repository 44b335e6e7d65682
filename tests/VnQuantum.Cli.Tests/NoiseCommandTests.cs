using System.Text.Json;
using static VnQuantum.Cli.Tests.VnqAppTests;

namespace VnQuantum.Cli.Tests;

public class NoiseCommandTests
{
    [Fact]
    public void Run_WithNoise_ChoosesTheDensityMatrixAndSaysWhy()
    {
        var (code, output, error) = Vnq("run", Sample("qft.qasm"), "--noise", Sample("noise/superconducting.json"), "--seed", "3", "--format", "json");
        Assert.True(code == 0, error);
        var metadata = JsonDocument.Parse(output).RootElement.GetProperty("metadata");
        Assert.Equal("density-matrix", metadata.GetProperty("method").GetString());
        Assert.Contains("noisy, 4 qubits", metadata.GetProperty("method_reason").GetString());
    }

    [Fact]
    public void Run_CliffordWithPauliNoise_UsesTheStabilizerEngine()
    {
        var (code, output, error) = Vnq("run", Sample("ghz.qasm"), "--noise", Sample("noise/depolarizing.json"), "--seed", "3", "--shots", "4000");
        Assert.True(code == 0, error);
        Assert.Contains("stabilizer", output);
        Assert.Contains("Clifford-only and its noise is Pauli", output);
        Assert.Contains("00000", output);
        Assert.Contains("11111", output);
    }

    [Fact]
    public void Run_MethodThatCannotRunTheCircuit_IsAnInputError()
    {
        var (code, _, error) = Vnq("run", Sample("qft.qasm"), "--method", "stabilizer");
        Assert.Equal(2, code);
        Assert.Contains("is not a Clifford gate", error);
        Assert.Contains("qft.qasm:", error);

        (code, _, error) = Vnq("run", Sample("qft.qasm"), "--method", "statevector", "--noise", Sample("noise/depolarizing.json"));
        Assert.Equal(2, code);
        Assert.Contains("noiseless", error);
    }

    [Fact]
    public void Run_BadNoiseModel_NamesTheField()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-noise-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"errors":[{"gates":["h"],"channel":{"type":"amplitude_damping","gamma":1.5}}]}""");
        try
        {
            var (code, _, error) = Vnq("run", Sample("ghz.qasm"), "--noise", file);
            Assert.Equal(2, code);
            Assert.Contains("errors[0].channel.gamma: must be in [0, 1]", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Info_SaysWhetherCliffordAndWhatEachMethodCosts()
    {
        var (code, output, _) = Vnq("info", Sample("qft.qasm"));
        Assert.Equal(0, code);
        Assert.Contains("Clifford-only", output);
        Assert.Contains("no: 'cu1(", output);
        Assert.Contains("density-matrix", output);
        Assert.Contains("4 KiB", output);
        (code, output, _) = Vnq("info", Sample("ghz.qasm"));
        Assert.Contains("yes: the stabilizer method runs it", output);
    }

    [Fact]
    public void Info_Json_ParsesWithBytesAndMethods()
    {
        var (code, output, error) = Vnq("info", Sample("qft.qasm"), "--format", "json");
        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        int n = root.GetProperty("qubits").GetInt32();
        Assert.Equal(16L << n, root.GetProperty("statevector_bytes_double").GetInt64());
        Assert.False(root.GetProperty("clifford").GetBoolean());
        Assert.StartsWith("'cu1(", root.GetProperty("clifford_obstacle").GetString());
        Assert.Equal("statevector", root.GetProperty("automatic_method").GetString());
        Assert.Contains("stabilizer", root.GetProperty("methods").EnumerateArray().Select(m => m.GetProperty("method").GetString()));
        Assert.True(root.GetProperty("operation_counts").GetProperty("h").GetInt32() > 0);
    }

    [Fact]
    public void Info_EstimatesTheWholeRun_ForTheShotsAsked()
    {
        var (code, output, error) = Vnq("info", Sample("qft.qasm"), "--shots", "100", "--format", "json");
        Assert.True(code == 0, error);
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        Assert.Equal(100, root.GetProperty("shots").GetInt32());
        // A small program is timed by running it: start-up and reading the file are part of what a run costs.
        Assert.Equal("timed by running it", root.GetProperty("estimate_basis").GetString());
        double seconds = root.GetProperty("estimated_run_seconds").GetDouble();
        Assert.True(seconds > 0.1 && seconds < 60, $"{seconds} s");
        Assert.Equal(1, Vnq("info", Sample("qft.qasm"), "--shots", "-3").Code);
    }

    [Fact]
    public void Run_PerShot_GivesTheBranchedCounts_AndSaysSo()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-dynamic-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\nmeasure q[0] -> c[0];\nreset q[0];\ncx q[0],q[1];\nry(0.4) q[1];\nmeasure q -> c;\n");
        try
        {
            var branched = Vnq("run", file, "--shots", "200", "--seed", "4", "--format", "json");
            var alone = Vnq("run", file, "--shots", "200", "--seed", "4", "--per-shot", "--format", "json");
            Assert.True(branched.Code == 0 && alone.Code == 0, branched.Err + alone.Err);
            using var b = System.Text.Json.JsonDocument.Parse(branched.Out);
            using var a = System.Text.Json.JsonDocument.Parse(alone.Out);
            Assert.EndsWith("; shot by shot", a.RootElement.GetProperty("metadata").GetProperty("method_reason").GetString());
            Assert.Contains("shot branching", b.RootElement.GetProperty("metadata").GetProperty("method_reason").GetString());
            Assert.Equal(b.RootElement.GetProperty("counts").ToString(), a.RootElement.GetProperty("counts").ToString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("OPENQASM 3.0;\nbit[2] c;\nif (c == 0) { }\n")]
    [InlineData("")]
    public void Info_OnAProgramWithNoQubits_DescribesIt_WithoutACrash(string source)
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-noqubits-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, source);
        try
        {
            foreach (string[] format in new[] { Array.Empty<string>(), ["--format", "json"] })
            {
                var (code, output, error) = Vnq(["info", file, .. format]);
                Assert.DoesNotContain("Unhandled", error + output, StringComparison.Ordinal);
                Assert.True(code == 0, error);
                Assert.Contains("no qubits", output, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
