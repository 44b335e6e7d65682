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
        var (code, _, stderr) = Vnq("qkd", "simulate", "--distance", "20", "--pulses", "1e8", "--link", "snspd", "--eve", "1");
        Assert.Equal(4, code);
        Assert.Contains("aborted: QBER", stderr);
    }

    [Fact]
    public void Simulate_Json_ParsesAndSaysWhetherItAborted()
    {
        var (code, stdout, stderr) = Vnq("qkd", "simulate", "--distance", "20", "--pulses", "1e8", "--link", "snspd", "--eve", "1", "--format", "json");
        Assert.Equal(4, code);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("aborted").GetBoolean());
        Assert.Contains("QBER", root.GetProperty("abort_reason").GetString());
        Assert.Equal(20, root.GetProperty("distance_km").GetDouble());
        Assert.True(root.GetProperty("test_qber").GetDouble() > 0.11);
        Assert.Contains("aborted", stderr);

        (code, stdout, stderr) = Vnq("qkd", "simulate", "--distance", "25", "--pulses", "1.2e8", "--link", "lim2014", "--seed", "3", "--format", "json");
        Assert.True(code == 0, stderr);
        using var ok = System.Text.Json.JsonDocument.Parse(stdout);
        Assert.False(ok.RootElement.GetProperty("aborted").GetBoolean());
        Assert.True(ok.RootElement.GetProperty("final_key_bits").GetInt64() > 8000);
        Assert.True(ok.RootElement.GetProperty("timings_s").GetProperty("link simulation").GetDouble() > 0);
    }

    [Theory]
    [InlineData("bb84-decoy", "mu")]
    [InlineData("bb84-vacuum-weak", "nu")]
    [InlineData("bb84-finite", "q_x")]
    [InlineData("bbm92-middle", "mu")]
    [InlineData("bbm92-end", "mu")]
    [InlineData("tf-sns", "send_probability")]
    public void Rate_Json_GivesEveryPointWithUnits(string protocol, string parameter)
    {
        var (code, stdout, stderr) = Vnq("qkd", "rate", "--protocol", protocol, "--distance", "10..110", "--step", "50", "--link", "lim2014", "--format", "json");
        Assert.True(code == 0, stderr);
        using var doc = System.Text.Json.JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal(protocol, root.GetProperty("protocol").GetString());
        Assert.Equal(1e9, root.GetProperty("repetition_rate_hz").GetDouble());
        var points = root.GetProperty("points").EnumerateArray().ToArray();
        Assert.Equal([10.0, 60.0, 110.0], points.Select(p => p.GetProperty("distance_km").GetDouble()));
        foreach (var p in points)
        {
            double rate = p.GetProperty("rate_bits_per_pulse").GetDouble();
            Assert.InRange(rate, 0, p.GetProperty("plob_bits_per_pulse").GetDouble());
            Assert.Equal(rate * 1e9, p.GetProperty("rate_bits_per_second").GetDouble(), 1e-6 * rate * 1e9 + 1e-12);
        }

        Assert.True(points[1].GetProperty("rate_bits_per_pulse").GetDouble() > 0, "every protocol gives key at 60 km");
        Assert.True(points[1].GetProperty("parameters").TryGetProperty(parameter, out _));
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

    [Fact]
    public void PkiInit_AddingAnSae_TouchesNoOtherCertificate()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vnq-pki-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(0, Vnq("pki", "init", "--dir", dir, "--sae", "sae-a", "sae-b").Code);
            var before = new[] { "kme-a.crt", "kme-a.key", "kme-b.crt", "sae-a.crt", "sae-b.key" }.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(dir, f)));
            var (code, stdout, _) = Vnq("pki", "init", "--dir", dir, "--sae", "sae-d");
            Assert.Equal(0, code);
            foreach (var (file, bytes) in before)
            {
                Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(dir, file)));
            }

            Assert.True(File.Exists(Path.Combine(dir, "sae-d.crt")));
            // Each thumbprint in the form the configuration wants: 64 upper-case hex digits, quoted.
            string kmeA = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "kme-a.crt")))
                .GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
            Assert.Contains($"\"certificateThumbprint\": \"{kmeA}\"", stdout);
            Assert.Matches("\"[0-9A-F]{64}\": \"SAE-D\"", stdout);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void KmsServe_MissingKekFile_BusyPort_SimulatedKeys_OneLineAndExit2()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vnq-kms-{Guid.NewGuid():N}");
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        int port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;
        try
        {
            Assert.Equal(0, Vnq("pki", "init", "--dir", dir, "--kme", "kme-a", "--sae", "sae-a").Code);
            string thumb = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "sae-a.crt")))
                .GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256).ToLowerInvariant();
            File.WriteAllBytes(Path.Combine(dir, "kek.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            string Config(string extra) => $$"""
                { "kmeId": "KME-A", "port": {{port}}, "storePath": "kme.db", "clientCaCertificate": "ca.crt",
                  "serverCertificate": "kme-a.crt", "serverKey": "kme-a.key", "saeCertificates": { "{{thumb}}": "SAE-A" } {{extra}} }
                """;
            string file = Path.Combine(dir, "kme.json");

            File.WriteAllText(file, Config(""", "kekFile": "missing.bin" """));
            var (code, _, stderr) = Vnq("kms", "serve", "--config", file);
            Assert.Equal(2, code);
            Assert.Contains("kekFile", stderr);
            Assert.DoesNotContain("   at ", stderr);
            Assert.Single(stderr.Trim().Split('\n'));

            // A lower-case thumbprint is accepted (normalised); the port is the problem here.
            File.WriteAllText(file, Config(""", "kekFile": "kek.bin" """));
            (code, _, stderr) = Vnq("kms", "serve", "--config", file);
            Assert.Equal(2, code);
            Assert.Contains($"port {port}", stderr);
            Assert.Contains("already in use", stderr);
            Assert.DoesNotContain("   at ", stderr);

            File.WriteAllText(file, Config(""", "kekFile": "kek.bin", "keySource": { "qkdLink": { "preset": "lim2014" } } """));
            (code, _, stderr) = Vnq("kms", "serve", "--config", file);
            Assert.Equal(2, code);
            Assert.Contains("allowSimulatedKeys", stderr);

            File.WriteAllText(file, Config(""", "kekFile": "kek.bin", "allowSimulatedKeys": true, "keySource": { "qkdLink": { "preset": "lim2041" } } """));
            (code, _, stderr) = Vnq("kms", "serve", "--config", file);
            Assert.Equal(2, code);
            Assert.Contains("unknown link preset 'lim2041' (known: gys, lim2014, snspd)", stderr);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
