using System.Xml.Linq;
using static VnQuantum.Cli.Tests.VnqAppTests;

namespace VnQuantum.Cli.Tests;

public class DrawAndQecCommandTests
{
    [Fact]
    public void Draw_PrintsATextDiagram_AndWritesSvg()
    {
        var (code, output, _) = Vnq("draw", Sample("ghz.qasm"));
        Assert.Equal(0, code);
        Assert.Contains("┤ H ├", output);
        Assert.Contains("╩", output);

        string file = Path.Combine(Path.GetTempPath(), $"vnq-draw-{Guid.NewGuid():N}.svg");
        try
        {
            (code, _, _) = Vnq("draw", Sample("teleport.qasm"), "-o", file);
            Assert.Equal(0, code);
            Assert.Equal("svg", XDocument.Load(file).Root!.Name.LocalName);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void QecCircuit_WritesStimText_AndDemListsErrors()
    {
        var (code, output, _) = Vnq("qec", "circuit", "--code", "repetition", "-d", "3", "--p", "0.01");
        Assert.Equal(0, code);
        Assert.Contains("OBSERVABLE_INCLUDE(0)", output);
        (code, output, _) = Vnq("qec", "dem", "-d", "3");
        Assert.Equal(0, code);
        Assert.Contains("error(", output);
        Assert.Contains(" L0", output);
    }

    [Fact]
    public void QecThreshold_PrintsATable_AndRefusesAnEvenSurfaceDistance()
    {
        var (code, output, _) = Vnq("qec", "threshold", "--code", "repetition", "--distances", "3,5", "--p", "0.05", "--shots", "500");
        Assert.Equal(0, code);
        Assert.Contains("d = 5", output);
        var (bad, _, error) = Vnq("qec", "circuit", "-d", "4");
        Assert.Equal(2, bad);
        Assert.Contains("odd distance", error);
        (bad, _, error) = Vnq("qec", "threshold", "--distances", "3,4", "--shots", "10");
        Assert.Equal(2, bad);
        Assert.Contains("odd distance", error);
    }

    [Fact]
    public void QecCommands_Json_Parse()
    {
        var (code, output, error) = Vnq("qec", "circuit", "-d", "3", "--format", "json");
        Assert.True(code == 0, error);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.Equal(17, doc.RootElement.GetProperty("qubits").GetInt32());
            Assert.Contains("OBSERVABLE_INCLUDE(0)", doc.RootElement.GetProperty("stim").GetString());
        }

        (code, output, error) = Vnq("qec", "dem", "-d", "3", "--format", "json");
        Assert.True(code == 0, error);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.Equal(24, doc.RootElement.GetProperty("detectors").GetInt32());
            var errors = doc.RootElement.GetProperty("errors").EnumerateArray().ToList();
            Assert.Equal(219, errors.Count); // as many as Stim finds (QecTests compares them one by one)
            Assert.All(errors, e => Assert.InRange(e.GetProperty("probability").GetDouble(), 1e-7, 0.01));
            Assert.Contains(errors, e => e.GetProperty("observables").EnumerateArray().Any());
        }

        (code, output, error) = Vnq("qec", "threshold", "--code", "repetition", "--distances", "3,5", "--p", "0.02,0.2", "--shots", "2000", "--format", "json");
        Assert.True(code == 0, error);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            var points = doc.RootElement.GetProperty("points").EnumerateArray().ToList();
            Assert.Equal(4, points.Count);
            Assert.All(points, pt => Assert.Equal(pt.GetProperty("failures").GetInt32() / 2000.0, pt.GetProperty("logical_error_rate").GetDouble(), 12));

            // Below the repetition code's threshold d = 5 is better, far above it worse: the lines cross in between.
            var crossing = Assert.Single(doc.RootElement.GetProperty("crossings").EnumerateArray());
            Assert.InRange(crossing.GetProperty("p").GetDouble(), 0.02, 0.2);
        }
    }
}

public class OpenQasm3CommandTests
{
    [Fact]
    public void Run_AnOpenQasm3Program_WithAnInput()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, "OPENQASM 3.0;\ninclude \"stdgates.inc\";\ninput float theta;\nqubit q;\nbit c;\nry(theta) q;\nc = measure q;\n");
        try
        {
            var (code, output, error) = VnqAppTests.Vnq("run", file, "--input", "theta=pi", "--seed", "1", "--shots", "50");
            Assert.True(code == 0, error);
            Assert.Contains("│ 1       │    50 │", output);
            (code, _, error) = VnqAppTests.Vnq("run", file);
            Assert.Equal(2, code);
            Assert.Contains(":3:1: input 'theta' needs a value", error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public class ConvertCommandTests
{
    [Fact]
    public void Convert_WritesStimWithPauliFeedback_AndRefusesNonClifford()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(file, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3]; creg m0[1]; creg m1[1]; creg b[1];\nh q[1]; cx q[1],q[2]; cx q[0],q[1]; h q[0];\nmeasure q[0] -> m0[0]; measure q[1] -> m1[0];\nif(m1==1) x q[2]; if(m0==0) z q[2];\nmeasure q[2] -> b[0];\n");
        try
        {
            var (code, output, error) = VnqAppTests.Vnq("convert", file, "--to", "stim");
            Assert.True(code == 0, error);
            Assert.Contains("CX rec[-1] 2", output);
            Assert.Contains("Z 2\nCZ rec[-2] 2", output);
            File.AppendAllText(file, "t q[0];\n");
            (code, _, error) = VnqAppTests.Vnq("convert", file);
            Assert.Equal(2, code);
            Assert.Contains("'t' on q[0]", error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}

public class NetCommandTests
{
    [Fact]
    public void NetPlan_OnTheBackbone_WritesAnHtmlReport()
    {
        string report = Path.Combine(Path.GetTempPath(), $"vnq-net-{Guid.NewGuid():N}.html");
        try
        {
            var (code, output, error) = VnqAppTests.Vnq("net", "plan", VnqAppTests.Sample("networks/vietnam-backbone.json"), "--report", report);

            // The backbone cannot meet all its demands (the sample is sized so): the plan and report are written, and
            // the exit code says the plan is short.
            Assert.Equal(4, code);
            Assert.Contains("4 of 10 demands not met in full: hn-bachmai>hcm-choray", error);
            Assert.Contains("demands met in full", output);
            Assert.Contains("bottlenecks", output);

            // Piped output is never wrapped at 80 columns: every demand id is whole on its line.
            Assert.Contains("│ hue-hospital>dn-hospital │", output);
            string html = File.ReadAllText(report);
            Assert.Contains("<svg", html);
            Assert.Contains("Đà Nẵng", html);
        }
        finally
        {
            File.Delete(report);
        }
    }

    [Fact]
    public void NetValidate_NamesTheBadField()
    {
        string file = Path.Combine(Path.GetTempPath(), $"vnq-net-{Guid.NewGuid():N}.json");
        File.WriteAllText(file, """{"nodes":[{"id":"A","latitude":0,"longitude":0},{"id":"B","latitude":0,"longitude":1}],"links":[{"from":"A","to":"B","lengthKm":0}]}""");
        try
        {
            var (code, _, error) = VnqAppTests.Vnq("net", "validate", file);
            Assert.Equal(2, code);
            Assert.Contains("links[0].lengthKm: must be > 0", error);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void NetSimulateAndDesign_RunOnTheSamples()
    {
        var (code, output, error) = VnqAppTests.Vnq("net", "simulate", VnqAppTests.Sample("networks/metro.json"), "--hours", "1", "--seed", "3");
        Assert.True(code == 0, error);
        Assert.Contains("served", output);
        (code, output, _) = VnqAppTests.Vnq("net", "design", VnqAppTests.Sample("networks/vietnam-backbone.json"), "--budget", "5");
        Assert.Equal(4, code); // over the budget is not a success
        Assert.Contains("build nodes: lc", output);
        Assert.Contains("over the budget of 5: no design meeting every demand costs less than 9", output);
        (code, _, error) = VnqAppTests.Vnq("net", "design", VnqAppTests.Sample("networks/vietnam-backbone.json"), "--budget", "100");
        Assert.True(code == 0, error);
    }

    [Fact]
    public void NetCommands_Json_ParseWithUnits()
    {
        string metro = VnqAppTests.Sample("networks/metro.json");
        var (code, output, error) = VnqAppTests.Vnq("net", "validate", metro, "--format", "json");
        Assert.True(code == 0, error);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            var links = doc.RootElement.GetProperty("links").EnumerateArray().ToList();
            Assert.NotEmpty(links);
            Assert.All(links, l => Assert.True(l.GetProperty("rate_bps").GetDouble() > 0 && l.GetProperty("length_km").GetDouble() > 0));
        }

        (code, output, error) = VnqAppTests.Vnq("net", "plan", metro, "--simulate", "--format", "json");
        Assert.True(code == 0, error);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            var root = doc.RootElement;
            Assert.True(root.GetProperty("all_met").GetBoolean());
            var demands = root.GetProperty("demands").EnumerateArray().ToList();
            Assert.Equal(6, demands.Count);
            Assert.All(demands, d => Assert.Equal(d.GetProperty("asked_bps").GetDouble(), d.GetProperty("paths").EnumerateArray().Sum(p => p.GetProperty("rate_bps").GetDouble()), 1e-3));
            Assert.All(root.GetProperty("links").EnumerateArray(), l => Assert.True(l.GetProperty("used_bps").GetDouble() <= l.GetProperty("capacity_bps").GetDouble() * (1 + 1e-9)));
            Assert.True(root.GetProperty("simulation").GetProperty("requests").GetInt64() > 0);
        }

        (code, output, error) = VnqAppTests.Vnq("net", "plan", VnqAppTests.Sample("networks/vietnam-backbone.json"), "--format", "json");
        Assert.Equal(4, code);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            Assert.False(doc.RootElement.GetProperty("all_met").GetBoolean());
            Assert.Equal(6, doc.RootElement.GetProperty("demands_met").GetInt32());
        }

        (code, output, error) = VnqAppTests.Vnq("net", "simulate", metro, "--hours", "1", "--seed", "3", "--format", "json");
        Assert.True(code == 0, error);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            var root = doc.RootElement;
            Assert.Equal(3UL, root.GetProperty("seed").GetUInt64());
            Assert.Equal(root.GetProperty("requests").GetInt64(), root.GetProperty("served").GetInt64() + root.GetProperty("refused").GetInt64());
            Assert.All(root.GetProperty("demands").EnumerateArray(), d => Assert.True(d.GetProperty("mean_latency_ms").GetDouble() >= 0));
        }

        (code, output, error) = VnqAppTests.Vnq("net", "design", VnqAppTests.Sample("networks/vietnam-backbone.json"), "--budget", "5", "--format", "json");
        Assert.Equal(4, code);
        using (var doc = System.Text.Json.JsonDocument.Parse(output))
        {
            var design = doc.RootElement.GetProperty("design");
            Assert.True(design.GetProperty("feasible").GetBoolean());
            Assert.False(design.GetProperty("within_budget").GetBoolean());
            Assert.Contains("lc", design.GetProperty("built_nodes").EnumerateArray().Select(n => n.GetString()));
            Assert.True(design.GetProperty("cost").GetDouble() >= design.GetProperty("lower_bound").GetDouble());
        }
    }
}

public class NetUpTests
{
    [Fact]
    public async Task TheMetroRing_RelaysAKeyBetweenDistantSites()
    {
        string dir = Directory.CreateTempSubdirectory("vnq-net-up-").FullName;
        try
        {
            var topology = VnQuantum.Network.Design.AsBuilt(VnQuantum.Network.TopologyFile.Load(VnqAppTests.Sample("networks/metro.json")));
            var log = new StringWriter();
            await using var net = await VnQuantum.Cli.Commands.NetUp.StartAsync(topology, dir, 6e7, log);
            var routes = VnQuantum.Network.RelayRoutes.NextHops(topology, new VnQuantum.Network.LinkRates().All(topology));
            Assert.NotEqual("thanhxuan", routes["badinh"]["thanhxuan"]); // not a neighbour: relayed

            var ca = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "ca.crt")));
            HttpClient Sae(string node) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
                new Uri($"https://127.0.0.1:{net.Ports[node]}"),
                System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(Path.Combine(dir, $"sae-{node}.crt"), Path.Combine(dir, $"sae-{node}.key")),
                ca);
            using var master = Sae("badinh");
            using var slave = Sae("thanhxuan");
            var enc = await master.PostAsync("/api/v1/keys/SAE-thanhxuan/enc_keys", new StringContent("""{"number":2,"size":256}""", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(enc.IsSuccessStatusCode, await enc.Content.ReadAsStringAsync() + log);
            var keys = (await enc.Content.ReadFromJsonAsyncSafe()).GetProperty("keys").EnumerateArray().ToList();
            foreach (var k in keys)
            {
                var dec = await slave.GetAsync($"/api/v1/keys/SAE-badinh/dec_keys?key_ID={k.GetProperty("key_ID").GetString()}");
                Assert.True(dec.IsSuccessStatusCode, await dec.Content.ReadAsStringAsync());
                Assert.Equal(k.GetProperty("key").GetString(), (await dec.Content.ReadFromJsonAsyncSafe()).GetProperty("keys")[0].GetProperty("key").GetString());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dir, true);
        }
    }
}

internal static class HttpContentJson
{
    public static async Task<System.Text.Json.JsonElement> ReadFromJsonAsyncSafe(this HttpContent content) =>
        System.Text.Json.JsonDocument.Parse(await content.ReadAsStringAsync()).RootElement;
}

public class SenseCommandTests
{
    [Fact]
    public void SenseRamsey_GivesTheOptimumAndItsMarginToTheLimits()
    {
        var (code, output, error) = VnqAppTests.Vnq("sense", "ramsey", "--t2star", "2 us", "--format", "json");
        Assert.True(code == 0, error);
        var json = System.Text.Json.JsonDocument.Parse(output).RootElement;
        Assert.Equal(1e-6, json.GetProperty("interrogation_s").GetDouble(), 1e-11);
        Assert.Equal(Math.Sqrt(Math.E), json.GetProperty("over_sql").GetDouble(), 6);
    }

    [Fact]
    public void SenseRamsey_WithoutAUnit_IsAnInputErrorNamingTheOption()
    {
        var (code, _, error) = VnqAppTests.Vnq("sense", "ramsey", "--t2star", "2");
        Assert.Equal(2, code);
        Assert.Contains("--t2star: '2' has no unit", error);
    }

    [Fact]
    public void SenseProbe_ShowsGhzEqualToTheSql_UnderDephasing_AndPlots()
    {
        string plot = Path.Combine(Path.GetTempPath(), $"vnq-probe-{Guid.NewGuid():N}.svg");
        try
        {
            var (code, output, error) = VnqAppTests.Vnq("sense", "probe", "--state", "ghz", "--n", "8", "--dephasing", "1e3/s", "--plot", plot);
            Assert.True(code == 0, error);
            Assert.Contains("gains nothing", output);
            Assert.Contains("<svg", File.ReadAllText(plot));
        }
        finally
        {
            File.Delete(plot);
        }
    }

    [Fact]
    public void SenseProbe_AsJson_GivesEverySizeWithTheBound()
    {
        var (code, output, error) = VnqAppTests.Vnq("sense", "probe", "--state", "product", "--n", "8", "--dephasing", "1e3/s", "--format", "json");
        Assert.True(code == 0, error);
        var rows = System.Text.Json.JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal([1, 2, 4, 8], rows.Select(r => r.GetProperty("n").GetInt32()));
        Assert.Equal(Math.Sqrt(2e3 / 8), rows[^1].GetProperty("asymptotic_bound").GetDouble(), 9);
    }

    [Fact]
    public void SenseProbe_AtAChosenTime_ReportsItsQfiBesideTheOptimum()
    {
        // GHZ of N spins at t: F = N² t² e^(−2Nγt), δω√T = √(t/F). At the optimum t = 1/(2Nγ) it equals the optimum's.
        var (code, output, error) = VnqAppTests.Vnq("sense", "probe", "--state", "ghz", "--n", "4", "--dephasing", "1e3/s", "--time", "125 us", "--format", "json");
        Assert.True(code == 0, error);
        var rows = System.Text.Json.JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        var four = rows.Single(r => r.GetProperty("n").GetInt32() == 4);
        var at = four.GetProperty("at_time");
        double t = 125e-6, f = 16 * t * t * Math.Exp(-2 * 4 * 1e3 * t);
        Assert.Equal(t, at.GetProperty("interrogation_s").GetDouble(), 15);
        Assert.Equal(f, at.GetProperty("qfi_per_shot_s2").GetDouble(), 1e-18);
        Assert.Equal(Math.Sqrt(t / f), at.GetProperty("sensitivity_rad_per_s_per_sqrt_hz").GetDouble(), 9);
        Assert.Equal(four.GetProperty("sensitivity_rad_per_s_per_sqrt_hz").GetDouble(), at.GetProperty("sensitivity_rad_per_s_per_sqrt_hz").GetDouble(), 9);

        // Off the optimum it is worse; the table names the time in its columns.
        (code, output, error) = VnqAppTests.Vnq("sense", "probe", "--state", "ghz", "--n", "4", "--dephasing", "1e3/s", "--time", "1 ms");
        Assert.True(code == 0, error);
        Assert.Contains("QFI per shot at 1 ms", output);
        (code, _, error) = VnqAppTests.Vnq("sense", "probe", "--state", "squeezed", "--n", "4", "--dephasing", "1e3/s", "--time", "1 ms");
        Assert.Equal(1, code);
        Assert.Contains("--time is for --state product|ghz", error);
    }

    [Fact]
    public void SenseNv_EnsembleRamsey_ReportsTeslaPerRootHertz_AsJson()
    {
        var (code, output, error) = VnqAppTests.Vnq("sense", "nv", "--mode", "ensemble", "--spins", "1e12", "--t2star", "1 us", "--contrast", "0.02", "--photons", "0.01", "--format", "json");
        Assert.True(code == 0, error);
        var quantities = System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("quantities");
        var eta = quantities.EnumerateArray().Single(q => q.GetProperty("name").GetString() == "sensitivity η");
        Assert.Equal("T/√Hz", eta.GetProperty("unit").GetString());
        var settings = new VnQuantum.Sensing.Sensors.NvPulsedSettings(1e12, 1e-6, 0.02, 0.01);
        Assert.Equal(VnQuantum.Sensing.Sensors.NvMagnetometry.Optimum(settings).Sensitivity, eta.GetProperty("value").GetDouble(), 1e-20);

        var (bad, _, message) = VnqAppTests.Vnq("sense", "nv", "--mode", "ensemble", "--t2star", "1 us");
        Assert.Equal(2, bad);
        Assert.Contains("--spins", message);
    }

    [Fact]
    public void SenseClock_DrawsTheAllanDeviation_WithASimulatedRecord()
    {
        string plot = Path.Combine(Path.GetTempPath(), $"vnq-clock-{Guid.NewGuid():N}.svg");
        try
        {
            var (code, output, error) = VnqAppTests.Vnq("sense", "clock", "--frequency", "9.192631770 GHz", "--interrogation", "0.5 s", "--atoms", "1e6", "--cycle", "1 s", "--simulate", "2000", "--plot", plot);
            Assert.True(code == 0, error);
            Assert.Contains("3.4627E-14", output);
            string svg = File.ReadAllText(plot);
            Assert.Contains("<svg", svg);
        }
        finally
        {
            File.Delete(plot);
        }
    }

    [Theory]
    [InlineData("nv-ensemble.json", "nv ramsey")]
    [InlineData("strontium-clock.json", "clock")]
    [InlineData("squeezed-probe.json", "probe squeezed")]
    public void SenseRun_EvaluatesTheBundledSensorSamples(string name, string sensor)
    {
        var (code, output, error) = VnqAppTests.Vnq("sense", "run", VnqAppTests.Sample(Path.Combine("sensors", name)), "--format", "json");
        Assert.True(code == 0, error);
        Assert.Equal(sensor, System.Text.Json.JsonDocument.Parse(output).RootElement.GetProperty("sensor").GetString());
    }

    [Fact]
    public void SenseRun_EvaluatesADesignFile_AndNamesTheBadField()
    {
        string good = Path.Combine(Path.GetTempPath(), $"vnq-sensor-{Guid.NewGuid():N}.json");
        string bad = Path.Combine(Path.GetTempPath(), $"vnq-sensor-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(good, """{ "sensor": "probe", "state": "squeezed", "spins": 40, "dephasing": "1e3/s" }""");
            File.WriteAllText(bad, """{ "sensor": "clock", "frequency": "9.19", "interrogation": "1 s", "atoms": 1000, "cycle": "1 s" }""");
            var (code, output, error) = VnqAppTests.Vnq("sense", "run", good);
            Assert.True(code == 0, error);
            Assert.Contains("Wineland", output);
            var (badCode, _, message) = VnqAppTests.Vnq("sense", "run", bad);
            Assert.Equal(2, badCode);
            Assert.Contains("frequency: '9.19' has no unit", message);
        }
        finally
        {
            File.Delete(good);
            File.Delete(bad);
        }
    }
}
