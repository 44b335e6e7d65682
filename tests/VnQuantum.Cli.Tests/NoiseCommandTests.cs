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
        Assert.Contains("stabilizer", root.GetProperty("methods_for_1024_shots").EnumerateArray().Select(m => m.GetProperty("method").GetString()));
        Assert.True(root.GetProperty("operation_counts").GetProperty("h").GetInt32() > 0);
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
