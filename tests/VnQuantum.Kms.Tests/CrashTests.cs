using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using VnQuantum.Kms.Pki;
using Xunit.Abstractions;

namespace VnQuantum.Kms.Tests;

/// <summary>
/// Two KME processes (<c>vnq kms serve</c>) on loopback with a master on one and a slave on the other; requests run
/// while one KME or the other is killed with SIGKILL at random moments and restarted. Afterwards: no key ID was
/// delivered twice, every key a master received (a 200) was delivered to the slave with the same bytes unless the
/// slave's own reply was cut by a kill (then it is burned, never given to anyone), and the slave can still fetch
/// every other handed key. Trials: VNQ_CRASH_TRIALS (default 50).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-crash-").FullName;
    private readonly StringBuilder _logs = new();

    [Fact]
    public async Task KillNineAtRandom_NeverDuplicatesOrLosesAHandedKey()
    {
        int trials = int.TryParse(Environment.GetEnvironmentVariable("VNQ_CRASH_TRIALS"), out int t) ? t : 50;
        var saes = DemoPki.Init(_dir, [], ["sae-a", "sae-b"]);
        DemoPki.Issue(_dir, "kme-a", server: true, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30)).Dispose();
        DemoPki.Issue(_dir, "kme-b", server: true, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30)).Dispose();
        File.WriteAllBytes(Path.Combine(_dir, "kek.bin"), RandomNumberGenerator.GetBytes(32));
        File.WriteAllBytes(Path.Combine(_dir, "audit.key"), RandomNumberGenerator.GetBytes(32));
        File.WriteAllBytes(Path.Combine(_dir, "stream.bin"), RandomNumberGenerator.GetBytes(512 * 1024));
        int portA = LoopbackPort.Free(), portB = LoopbackPort.Free();
        WriteConfig("a", "KME-A", portA, saes["sae-a"], "SAE-A", "SAE-B", "KME-B", portB, "kme-b");
        WriteConfig("b", "KME-B", portB, saes["sae-b"], "SAE-B", "SAE-A", "KME-A", portA, "kme-a");

        var kmes = new Dictionary<string, Process> { ["a"] = StartKme("a"), ["b"] = StartKme("b") };
        using var master = Sae("sae-a", portA);
        using var slave = Sae("sae-b", portB);

        var handed = new Dictionary<string, string>();          // key_ID → key, from 200 answers to the master
        var delivered = new Dictionary<string, string>();       // key_ID → key, from 200 answers to the slave
        var cutReplies = new HashSet<string>();                 // IDs whose dec_keys request died with a kill
        var rng = new Random(12345);
        int kills = 0;
        for (int trial = 0; trial < trials; trial++)
        {
            // The pair serves before each kill, so every trial moves at least one key.
            await KmeTraffic.WaitUntilServing(master, "SAE-B", handed, TimeSpan.FromSeconds(30));

            // Requests in flight while a KME dies.
            string victim = rng.Next(2) == 0 ? "a" : "b";
            var traffic = KmeTraffic.Run(master, slave, "SAE-A", "SAE-B", handed, delivered, cutReplies, rng.Next());
            await Task.Delay(rng.Next(20, 200));
            kmes[victim].Kill(entireProcessTree: true);
            await kmes[victim].WaitForExitAsync();
            kills++;
            await traffic;
            kmes[victim] = StartKme(victim);
        }

        int burned = await KmeTraffic.VerifyAsync(slave, "SAE-A", handed, delivered, cutReplies);

        foreach (var p in kmes.Values)
        {
            p.Kill(true);
            p.WaitForExit();
        }

        output.WriteLine($"{trials} trials, {kills} kills: {handed.Count} keys handed, {delivered.Count} delivered once with the master's bytes, {burned} burned because their dec_keys reply was cut by a kill");
        // The KMEs' logs (refusals, peer state, restarts) never carry key material.
        string logs;
        lock (_logs)
        {
            logs = _logs.ToString();
        }

        Assert.Contains("serving ETSI GS QKD 014", logs);
        foreach (string key in handed.Values)
        {
            Assert.DoesNotContain(key, logs);
            Assert.DoesNotContain(Convert.ToHexString(Convert.FromBase64String(key)), logs, StringComparison.OrdinalIgnoreCase);
        }

        // Every key the master was handed is in A's audit, every key the slave got is named by B's, and both chains
        // are intact after all the kills.
        var auditA = Audited("a", "enc_keys", 200);
        var auditB = Audited("b", "dec_keys.begin", 0);
        Assert.All(handed.Keys, id => Assert.Contains(id, auditA));
        Assert.All(delivered.Keys, id => Assert.Contains(id, auditB));

        // Not vacuous, and not a timing floor: each trial waited for a served key before its kill.
        Assert.True(handed.Count >= trials, $"the test must actually move keys ({handed.Count} in {trials} trials)");
    }

    private HashSet<string> Audited(string name, string action, int status)
    {
        string log = Path.Combine(_dir, $"kme-{name}.audit.jsonl");
        Assert.True(AuditLog.Verify(log, File.ReadAllBytes(Path.Combine(_dir, "audit.key"))).Intact, $"{log} was broken by the kills");
        return [.. File.ReadAllLines(log).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("action").GetString() == action && e.GetProperty("status").GetInt32() == status)
            .SelectMany(e => e.GetProperty("key_IDs").EnumerateArray().Select(i => i.GetString()!))];
    }

    private void WriteConfig(string name, string kmeId, int port, string saeThumb, string sae, string remoteSae, string peerId, int peerPort, string peerCert)
    {
        string peerThumb = DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, peerCert + ".crt"))));
        var config = new
        {
            kmeId,
            port,
            storePath = $"kme-{name}.db",
            kekFile = "kek.bin",
            auditKeyFile = "audit.key",
            clientCaCertificate = "ca.crt",
            serverCertificate = $"kme-{name}.crt",
            serverKey = $"kme-{name}.key",
            saeCertificates = new Dictionary<string, string> { [saeThumb] = sae },
            remoteSaes = new Dictionary<string, string> { [remoteSae] = peerId },
            peers = new Dictionary<string, object> { [peerId] = new { url = $"https://127.0.0.1:{peerPort}", certificateThumbprint = peerThumb } },
            keySource = new { link = peerId, file = "stream.bin" },
        };
        File.WriteAllText(Path.Combine(_dir, $"kme-{name}.json"), JsonSerializer.Serialize(config));
    }

    private Process StartKme(string name)
    {
        string config = Path.Combine(_dir, $"kme-{name}.json");
        // Only the first start loads the stream file: a restarted KME must not append it again.
        string marker = Path.Combine(_dir, $"kme-{name}.started");
        if (File.Exists(marker))
        {
            var json = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(File.ReadAllText(config))!;
            json.Remove("keySource");
            File.WriteAllText(config, JsonSerializer.Serialize(json));
        }

        File.WriteAllText(marker, "");

        return KmeProcess.Start(config, _logs);
    }

    private HttpClient Sae(string name, int port) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        new Uri($"https://127.0.0.1:{port}"),
        X509Certificate2.CreateFromPemFile(Path.Combine(_dir, name + ".crt"), Path.Combine(_dir, name + ".key")),
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt"))),
        timeout: TimeSpan.FromSeconds(10));

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, true);
        }
        catch (IOException)
        {
        }
    }
}
