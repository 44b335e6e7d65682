using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.OpenQasm;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// Programs written here in the form Qiskit's OpenQASM 3 exporter gives (switch_dummy, physical qubits, expressions
/// on measured registers, declared variables in scopes, annotations), each with the one outcome its first line
/// states, worked out by hand from the prepared states. Every outcome is certain, so one wrong branch shows.
/// </summary>
public class QiskitExportStyleTests
{
    private static string Folder() => Path.Combine(AppContext.BaseDirectory, "testdata", "qiskit-export-style");

    public static TheoryData<string> Programs()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(Folder(), "*.qasm").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Fact]
    public void TheCorpus_IsThere() => Assert.True(Programs().Count >= 17, $"expected the fixtures in {Folder()}");

    [Theory]
    [MemberData(nameof(Programs))]
    public void EachProgram_GivesItsStatedOutcome(string file)
    {
        string path = Path.Combine(Folder(), file);
        string first = File.ReadLines(path).First();
        Assert.StartsWith("// expect: ", first);
        string expected = first["// expect: ".Length..];

        var parsed = QasmFrontEnd.ParseFile(path);
        Assert.True(parsed.Succeeded, parsed.Error?.ToString());
        foreach (var method in new[] { SimulationMethod.Auto, SimulationMethod.StateVector })
        {
            var result = CircuitExecutor.Run(parsed.Circuit!, new ExecutionOptions { Shots = 20, Seed = 5, Method = method, Threads = 1 });
            Assert.Equal([expected], result.Counts.Keys);
        }
    }
}
