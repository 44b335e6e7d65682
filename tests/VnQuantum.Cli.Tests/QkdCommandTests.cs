namespace VnQuantum.Cli.Tests;

public sealed class QkdCommandTests
{
    private static (int Code, string Out, string Err) Vnq(params string[] args) => VnqAppTests.Vnq(args);

    [Fact]
    public void Rate_PrintsATable_AndWritesAPlot()
    {
        string png = Path.Combine(Path.GetTempPath(), $"vnq-rate-{Guid.NewGuid():N}.png");
        try
        {
            var (code, stdout, stderr) = Vnq("qkd", "rate", "--protocol", "bb84-decoy", "--distance", "0..150", "--step", "50", "--plot", png);
            Assert.Equal(0, code);
            Assert.Empty(stderr);
            Assert.Contains("2.555E-003", stdout);
            Assert.True(new FileInfo(png).Length > 1000);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(png).Take(4));
        }
        finally
        {
            File.Delete(png);
        }
    }

    [Fact]
    public void Rate_BadConfig_NamesTheField()
    {
        string json = Path.Combine(Path.GetTempPath(), $"vnq-link-{Guid.NewGuid():N}.json");
        File.WriteAllText(json, """{ "fiber": { "lossDbPerKm": 0.2 }, "detector": { "efficiency": 1.5 } }""");
        try
        {
            var (code, _, stderr) = Vnq("qkd", "rate", "--config", json);
            Assert.Equal(2, code);
            Assert.Contains("detector.efficiency", stderr);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void Rate_FiniteBlockTooSmall_IsAnInputError()
    {
        var (code, _, stderr) = Vnq("qkd", "rate", "--finite", "--block", "100");
        Assert.Equal(2, code);
        Assert.Contains("--block", stderr);
    }

    [Fact]
    public void Rate_FiniteBlockTooSmallForEpsilon_SaysSo()
    {
        var (code, _, stderr) = Vnq("qkd", "rate", "--finite", "--block", "2000", "--eps-sec", "1e-30", "--link", "lim2014");
        Assert.Equal(2, code);
        Assert.Contains("too small for ε_sec", stderr);
    }

    [Fact]
    public void Rate_Finite_PrintsItsSettings()
    {
        var (code, stdout, stderr) = Vnq("qkd", "rate", "--finite", "--block", "1e6", "--link", "lim2014", "--distance", "50..100", "--step", "50");
        Assert.True(code == 0, stderr);
        Assert.Contains("q_x=", stdout);
    }

    [Fact]
    public void Simulate_RunsTheChain_AndWritesTheKey()
    {
        string keyFile = Path.Combine(Path.GetTempPath(), $"vnq-key-{Guid.NewGuid():N}.bin");
        try
        {
            var (code, stdout, stderr) = Vnq("qkd", "simulate", "--distance", "25", "--pulses", "1.2e8", "--link", "lim2014", "--seed", "3", "--key-out", keyFile);
            Assert.True(code == 0, stderr);
            Assert.Contains("final key bits", stdout);
            Assert.DoesNotContain("aborted", stdout);
            Assert.True(new FileInfo(keyFile).Length > 1000);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }

    [Fact]
    public void Simulate_FullEavesdropping_Aborts()
    {
        var (code, stdout, _) = Vnq("qkd", "simulate", "--distance", "20", "--pulses", "1e8", "--link", "snspd", "--eve", "1");
        Assert.Equal(0, code);
        Assert.Contains("aborted: QBER", stdout);
    }
}

public sealed class KmsCommandTests
{
    private static (int Code, string Out, string Err) Vnq(params string[] args) => VnqAppTests.Vnq(args);

    [Fact]
    public void PkiInit_WritesTheCertificates_AndPrintsThumbprints()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vnq-pki-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, _) = Vnq("pki", "init", "--dir", dir, "--kme", "kme-a", "--sae", "sae-a", "sae-b");
            Assert.Equal(0, code);
            Assert.Contains("\"SAE-B\"", stdout);
            foreach (string f in new[] { "ca.crt", "ca.key", "kme-a.crt", "kme-a.key", "sae-a.crt", "sae-b.key" })
            {
                Assert.True(File.Exists(Path.Combine(dir, f)), f);
            }

            Assert.Equal(0, Vnq("pki", "revoke", "--dir", dir, Path.Combine(dir, "sae-b.crt")).Code);
            Assert.True(File.Exists(Path.Combine(dir, "ca.crl")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void KmsServe_BadConfiguration_NamesTheField()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-kme-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{ "kmeId": "KME-A", "keySize": 100, "saeCertificates": { "AB": "SAE-A" } }""");
        try
        {
            var (code, _, stderr) = Vnq("kms", "serve", "--config", file);
            Assert.Equal(2, code);
            Assert.Contains("keySize", stderr);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
