using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Tests;

namespace VnQuantum.Benchmarks;

/// <summary>
/// <c>kms-load</c>: a KME (<c>vnq kms serve</c>, its own process) on loopback, and this process as the load generator:
/// client certificates, keep-alive, 64 concurrent connections. It times <c>enc_keys</c> (one 256-bit key) against the
/// floor, an endpoint of the same host behind the same mTLS and SAE check that returns 32 fixed bytes, in alternation.
/// </summary>
internal static class KmsLoadBench
{
    public static int Run(string[] args)
    {
        int connections = Arg(args, "--connections", 64);
        int seconds = Arg(args, "--seconds", 5);
        string dir = Directory.CreateTempSubdirectory("vnq-kms-load-").FullName;
        Process? kme = null;
        try
        {
            var saes = DemoPki.Init(dir, ["kme-a"], ["sae-a", "sae-b"]);
            File.WriteAllBytes(Path.Combine(dir, "kek.bin"), RandomNumberGenerator.GetBytes(32));
            File.WriteAllBytes(Path.Combine(dir, "audit.key"), RandomNumberGenerator.GetBytes(32));
            File.WriteAllBytes(Path.Combine(dir, "stream.bin"), RandomNumberGenerator.GetBytes(32 << 20));
            int port = LoopbackPort.Free();
            File.WriteAllText(Path.Combine(dir, "kme.json"), JsonSerializer.Serialize(new
            {
                kmeId = "KME-A",
                port,
                storePath = "kme.db",
                kekFile = "kek.bin",
                clientCaCertificate = "ca.crt",
                serverCertificate = "kme-a.crt",
                serverKey = "kme-a.key",
                saeCertificates = new Dictionary<string, string> { [saes["sae-a"]] = "SAE-A", [saes["sae-b"]] = "SAE-B" },
                enableFloorEndpoint = true,
                auditKeyFile = "audit.key",
                maxKeyCount = 10_000_000,
                keySource = new { file = "stream.bin" },
            }));
            kme = KmeProcess.Start(Path.Combine(dir, "kme.json"));
            using var client = Client(dir, port, connections);

            Console.WriteLine($"| run | endpoint | requests/s | p50 ms | p99 ms |");
            Console.WriteLine("|---|---|---:|---:|---:|");
            var floors = new List<double>();
            var encs = new List<(double Rps, double P50, double P99)>();
            Load(client, connections, 2, "/api/v1/floor", post: false); // warm-up
            Load(client, connections, 2, "/api/v1/keys/SAE-B/enc_keys", post: true);
            for (int round = 1; round <= 2; round++)
            {
                var f = Load(client, connections, seconds, "/api/v1/floor", post: false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | floor (32 fixed bytes) | {f.Rps:F0} | {f.P50:F2} | {f.P99:F2} |"));
                var e = Load(client, connections, seconds, "/api/v1/keys/SAE-B/enc_keys", post: true);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | enc_keys (1 × 256 bits) | {e.Rps:F0} | {e.P50:F2} | {e.P99:F2} |"));
                floors.Add(f.Rps);
                encs.Add(e);
            }

            // A master asks for a key and its slave fetches it: the whole delivery, with 8 clients (pairsConnections).
            int pairsConnections = Arg(args, "--pair-connections", 8);
            using var slave = Client(dir, port, pairsConnections, "sae-b");
            Console.WriteLine();
            Console.WriteLine($"| run | operation ({pairsConnections} clients) | per second | p50 ms | p99 ms |");
            Console.WriteLine("|---|---|---:|---:|---:|");
            var pairFloors = new List<double>();
            var pairs = new List<(double Rps, double P50, double P99)>();
            for (int round = 1; round <= 2; round++)
            {
                var f = Load(client, pairsConnections, seconds, "/api/v1/floor", post: false);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | floor (32 fixed bytes) | {f.Rps:F0} | {f.P50:F2} | {f.P99:F2} |"));
                var (rps, p50, p99, failures) = HttpLoad.Run(pairsConnections, seconds, async (_, _) =>
                {
                    using var enc = await client.PostAsync("/api/v1/keys/SAE-B/enc_keys", new StringContent("""{"number":1,"size":256}""", Encoding.UTF8, "application/json"));
                    string id = (await enc.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0].GetProperty("key_ID").GetString()!;
                    return await slave.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}");
                });
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | enc_keys + dec_keys pair | {rps:F0} | {p50:F2} | {p99:F2} |{(failures > 0 ? $" {failures} failed" : "")}"));
                pairFloors.Add(f.Rps);
                pairs.Add((rps, p50, p99));
            }

            double ratio = encs.Average(e => e.Rps) / floors.Average();
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pairs / floor throughput: {pairs.Average(p => p.Rps) / pairFloors.Average():F3}; pair p99 {pairs.Max(p => p.P99):F1} ms; {pairsConnections} clients"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"enc_keys / floor throughput: {ratio:F2} (target ≥ 0.25); enc_keys p99 {encs.Max(e => e.P99):F1} ms (target < 50 ms); {connections} connections, {Environment.ProcessorCount} cores shared by the KME and the load generator"));
            return 0;
        }
        finally
        {
            if (kme is { HasExited: false })
            {
                kme.Kill(true);
                kme.WaitForExit();
            }

            Directory.Delete(dir, true);
        }
    }

    private static (double Rps, double P50, double P99) Load(HttpClient client, int connections, int seconds, string path, bool post)
    {
        var (rps, p50, p99, failures) = HttpLoad.Run(connections, seconds, (_, _) => post
            ? client.PostAsync(path, new StringContent("""{"number":1,"size":256}""", Encoding.UTF8, "application/json"))
            : client.GetAsync(path));
        if (failures > 0)
        {
            Console.WriteLine($"| | {path}: {failures} requests failed | | | |");
        }

        return (rps, p50, p99);
    }

    private static HttpClient Client(string dir, int port, int connections, string sae = "sae-a") => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        new Uri($"https://127.0.0.1:{port}"),
        X509Certificate2.CreateFromPemFile(Path.Combine(dir, sae + ".crt"), Path.Combine(dir, sae + ".key")),
        X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, "ca.crt"))),
        connections,
        TimeSpan.FromSeconds(60));

    private static int Arg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }
}
