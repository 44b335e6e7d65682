using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using VnQuantum.Kms.Pki;
using Xunit.Abstractions;

namespace VnQuantum.Kms.Tests;

/// <summary>
/// Four KME processes in a line, A–B–C–D, a master on A and a slave on D: keys are relayed over B and C while one of
/// the trusted nodes (or an end) is killed with SIGKILL at random moments and restarted. Afterwards, as for two KMEs:
/// no key is delivered twice, every key handed to the master reaches the slave with the same bytes (unless the slave's
/// own reply was cut by a kill), and nothing the master was not handed is delivered. Trials: VNQ_RELAY_CRASH_TRIALS
/// (default 12).
/// </summary>
public sealed class RelayCrashTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Sides = ["a", "b", "c", "d"];
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-relay-crash-").FullName;
    private readonly Dictionary<string, int> _ports = [];

    [Fact]
    public async Task KillNineOnTheRoute_NeverDuplicatesOrLosesAHandedKey()
    {
        int trials = int.TryParse(Environment.GetEnvironmentVariable("VNQ_RELAY_CRASH_TRIALS"), out int t) ? t : 12;
        var saes = DemoPki.Init(_dir, [], ["sae-a", "sae-b", "sae-c", "sae-d"]);
        foreach (string side in Sides)
        {
            DemoPki.Issue(_dir, "kme-" + side, server: true, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30)).Dispose();
            _ports[side] = LoopbackPort.Free();
        }

        File.WriteAllBytes(Path.Combine(_dir, "kek.bin"), RandomNumberGenerator.GetBytes(32));
        foreach (string link in new[] { "ab", "bc", "cd" })
        {
            File.WriteAllBytes(Path.Combine(_dir, link + ".bin"), RandomNumberGenerator.GetBytes(256 * 1024));
        }

        foreach (string side in Sides)
        {
            WriteConfig(side, saes);
        }

        var kmes = Sides.ToDictionary(s => s, StartKme);
        using var master = Sae("sae-a", _ports["a"]);
        using var slave = Sae("sae-d", _ports["d"]);
        var handed = new Dictionary<string, string>();
        var delivered = new Dictionary<string, string>();
        var cutReplies = new HashSet<string>();
        var rng = new Random(4242);
        for (int trial = 0; trial < trials; trial++)
        {
            await KmeTraffic.WaitUntilServing(master, "SAE-D", handed, TimeSpan.FromSeconds(30));

            // Mostly the trusted nodes in the middle: the relay's own failure cases.
            string victim = Sides[rng.Next(6) switch { 0 => 0, 1 => 3, 2 or 3 => 1, _ => 2 }];
            var traffic = KmeTraffic.Run(master, slave, "SAE-A", "SAE-D", handed, delivered, cutReplies, rng.Next());
            await Task.Delay(rng.Next(20, 300));
            kmes[victim].Kill(entireProcessTree: true);
            await kmes[victim].WaitForExitAsync();
            await traffic;
            kmes[victim] = StartKme(victim);
        }

        // One calm round, so that keys are known to flow after all the kills.
        await KmeTraffic.Run(master, slave, "SAE-A", "SAE-D", handed, delivered, cutReplies, 1);
        int burned = await KmeTraffic.VerifyAsync(slave, "SAE-A", handed, delivered, cutReplies);

        foreach (var p in kmes.Values)
        {
            p.Kill(true);
            p.WaitForExit();
        }

        output.WriteLine($"{trials} kills on a 3-hop route: {handed.Count} keys handed, {delivered.Count} delivered once with the master's bytes, {burned} burned because their dec_keys reply was cut");
        Assert.True(handed.Count >= trials, "the test must actually relay keys");
    }

    private void WriteConfig(string side, IReadOnlyDictionary<string, string> saes)
    {
        int at = Array.IndexOf(Sides, side);
        string Id(int i) => "KME-" + Sides[i].ToUpperInvariant();
        string Thumb(string name) => DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, name + ".crt"))));
        var peers = new Dictionary<string, object>();
        var sources = new List<object>();
        foreach (int n in new[] { at - 1, at + 1 }.Where(n => n >= 0 && n < Sides.Length))
        {
            peers[Id(n)] = new { url = $"https://127.0.0.1:{_ports[Sides[n]]}", certificateThumbprint = Thumb("kme-" + Sides[n]) };
            string link = n < at ? Sides[n] + side : side + Sides[n];
            sources.Add(new { link = Id(n), file = link + ".bin" });
        }

        var routes = new Dictionary<string, string>();
        for (int other = 0; other < Sides.Length; other++)
        {
            if (Math.Abs(other - at) > 1)
            {
                routes[Id(other)] = Id(other < at ? at - 1 : at + 1);
            }
        }

        var remote = side switch
        {
            "a" => new Dictionary<string, string> { ["SAE-D"] = "KME-D" },
            "d" => new Dictionary<string, string> { ["SAE-A"] = "KME-A" },
            _ => new Dictionary<string, string>(),
        };
        var config = new
        {
            kmeId = Id(at),
            port = _ports[side],
            storePath = $"kme-{side}.db",
            kekFile = "kek.bin",
            clientCaCertificate = "ca.crt",
            serverCertificate = $"kme-{side}.crt",
            serverKey = $"kme-{side}.key",
            peerTimeoutSeconds = 15,
            saeCertificates = new Dictionary<string, string> { [saes["sae-" + side]] = "SAE-" + side.ToUpperInvariant() },
            remoteSaes = remote,
            peers,
            routes,
            keySource = sources[0],
            keySources = sources.Skip(1).ToList(),
        };
        File.WriteAllText(Path.Combine(_dir, $"kme-{side}.json"), JsonSerializer.Serialize(config));
    }

    private Process StartKme(string side) => KmeProcess.Start(Path.Combine(_dir, $"kme-{side}.json"));

    private HttpClient Sae(string name, int port) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        new Uri($"https://127.0.0.1:{port}"),
        X509Certificate2.CreateFromPemFile(Path.Combine(_dir, name + ".crt"), Path.Combine(_dir, name + ".key")),
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt"))),
        timeout: TimeSpan.FromSeconds(20));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
            // A killed process may still hold a file for a moment; the temp folder is cleaned by the system then.
        }
    }
}
