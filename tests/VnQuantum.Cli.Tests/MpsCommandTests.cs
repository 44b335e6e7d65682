using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using static VnQuantum.Cli.Tests.VnqAppTests;

namespace VnQuantum.Cli.Tests;

/// <summary>
/// `vnq run --method mps` (and auto's choice of it) on circuits far past a state vector, each with an answer known
/// exactly: GHZ, Bernstein–Vazirani and a ripple-carry adder on 100+ qubits.
/// </summary>
public class MpsCommandTests
{
    private const string Header = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\n";

    private static JsonElement RunJson(string source, params string[] extra)
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-mps-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, source);
        try
        {
            var (code, output, error) = Vnq(["run", file, "--format", "json", "--seed", "3", .. extra]);
            Assert.True(code == 0, error);
            return JsonDocument.Parse(output).RootElement.Clone();
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Dictionary<string, int> Counts(JsonElement result) =>
        result.GetProperty("counts").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32());

    [Fact]
    public void Ghz_On150Qubits_AutoChoosesMps_AndGivesTwoOutcomes()
    {
        const int n = 150;
        var text = new StringBuilder(Header).Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\ncreg c[{n}];\nh q[0];\n");
        for (int q = 1; q < n; q++)
        {
            text.Append(CultureInfo.InvariantCulture, $"cx q[{q - 1}],q[{q}];\n");
        }

        text.Append("t q[3];\ntdg q[3];\nmeasure q -> c;\n");
        var result = RunJson(text.ToString(), "--shots", "1000");
        var metadata = result.GetProperty("metadata");
        Assert.Equal("mps", metadata.GetProperty("method").GetString());
        Assert.Equal(2, metadata.GetProperty("largest_bond").GetInt32());
        Assert.True(metadata.GetProperty("discarded_weight").GetDouble() < 1e-12);
        var counts = Counts(result);
        Assert.Equal(new[] { new string('0', n), new string('1', n) }, counts.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(counts[new string('0', n)], 420, 580);
    }

    [Fact]
    public void BernsteinVazirani_On130Qubits_FindsTheSecretInEveryShot()
    {
        const int n = 129;
        var random = new Random(12);
        var secret = Enumerable.Range(0, n).Select(_ => random.Next(2) == 1).ToArray();
        var text = new StringBuilder(Header).Append(CultureInfo.InvariantCulture, $"qreg q[{n}];\nqreg anc[1];\ncreg c[{n}];\nx anc[0];\nh anc[0];\n");
        for (int q = 0; q < n; q++)
        {
            text.Append(CultureInfo.InvariantCulture, $"h q[{q}];\n");
        }

        for (int q = 0; q < n; q++)
        {
            if (secret[q])
            {
                text.Append(CultureInfo.InvariantCulture, $"cx q[{q}],anc[0];\n");
            }
        }

        for (int q = 0; q < n; q++)
        {
            text.Append(CultureInfo.InvariantCulture, $"h q[{q}];\n");
        }

        text.Append("rz(0.3) anc[0];\nmeasure q -> c;\n");
        var counts = Counts(RunJson(text.ToString(), "--method", "mps", "--shots", "200"));
        string expected = new([.. secret.Reverse().Select(b => b ? '1' : '0')]);
        Assert.Equal(200, Assert.Contains(expected, counts));
    }

    [Fact]
    public void RippleCarryAdder_On102Qubits_AddsTwoFiftyBitNumbers()
    {
        // Cuccaro et al.'s adder (the OpenQASM 2 paper's adder.qasm, widened): b ← a + b, the carry into cout.
        // a's lowest bit is in superposition, so the sum is one of two values, each in half the shots.
        const int bits = 50;
        long a = 0x2_3456_789A_BCDEL & ((1L << bits) - 1) & ~1L, b = 0x3_FEDC_BA98_7654L & ((1L << bits) - 1);
        var text = new StringBuilder(Header).Append("""
            gate majority a,b,c { cx c,b; cx c,a; ccx a,b,c; }
            gate unmaj a,b,c { ccx a,b,c; cx c,a; cx a,b; }
            """).Append(CultureInfo.InvariantCulture, $"\nqreg cin[1];\nqreg a[{bits}];\nqreg b[{bits}];\nqreg cout[1];\ncreg ans[{bits + 1}];\n");
        for (int i = 0; i < bits; i++)
        {
            text.Append(((a >> i) & 1) == 1 ? $"x a[{i}];\n" : string.Empty).Append(((b >> i) & 1) == 1 ? $"x b[{i}];\n" : string.Empty);
        }

        text.Append("h a[0];\nmajority cin[0],b[0],a[0];\n");
        for (int i = 1; i < bits; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"majority a[{i - 1}],b[{i}],a[{i}];\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"cx a[{bits - 1}],cout[0];\n");
        for (int i = bits - 1; i >= 1; i--)
        {
            text.Append(CultureInfo.InvariantCulture, $"unmaj a[{i - 1}],b[{i}],a[{i}];\n");
        }

        text.Append("unmaj cin[0],b[0],a[0];\n");
        for (int i = 0; i < bits; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"measure b[{i}] -> ans[{i}];\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"measure cout[0] -> ans[{bits}];\n");
        var result = RunJson(text.ToString(), "--shots", "400");
        Assert.Equal("mps", result.GetProperty("metadata").GetProperty("method").GetString());
        var counts = Counts(result);
        string Key(BigInteger sum) => string.Concat(Enumerable.Range(0, bits + 1).Reverse().Select(i => ((sum >> i) & 1) == 1 ? '1' : '0'));
        Assert.Equal(new[] { Key(new BigInteger(a) + b), Key(new BigInteger(a) + 1 + b) }.Order(StringComparer.Ordinal), counts.Keys.Order(StringComparer.Ordinal));
        Assert.InRange(counts[Key(new BigInteger(a) + b)], 150, 250);
    }

    [Fact]
    public void MaxBondAndTruncation_AreValidated_AndATruncatedRunSaysWhatItDropped()
    {
        Assert.Equal(1, Vnq("run", Sample("ghz.qasm"), "--max-bond", "-1").Code);
        Assert.Equal(1, Vnq("run", Sample("ghz.qasm"), "--truncation", "1.5").Code);
        var text = new StringBuilder(Header).Append("qreg q[8];\ncreg c[8];\n");
        for (int layer = 0; layer < 6; layer++)
        {
            for (int q = 0; q < 8; q++)
            {
                text.Append(CultureInfo.InvariantCulture, $"ry({0.3 + (0.17 * q) + layer}) q[{q}];\n");
            }

            for (int q = layer % 2; q + 1 < 8; q += 2)
            {
                text.Append(CultureInfo.InvariantCulture, $"cx q[{q}],q[{q + 1}];\n");
            }
        }

        text.Append("measure q -> c;\n");
        var metadata = RunJson(text.ToString(), "--method", "mps", "--max-bond", "2").GetProperty("metadata");
        Assert.Equal(2, metadata.GetProperty("largest_bond").GetInt32());
        Assert.True(metadata.GetProperty("discarded_weight").GetDouble() > 1e-4);
        Assert.Contains("of at most 2", metadata.GetProperty("method_reason").GetString(), StringComparison.Ordinal);
    }
}
