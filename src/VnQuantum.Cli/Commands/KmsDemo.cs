using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VnQuantum.Kms;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.KeySources;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Qkd;
using VnQuantum.Kms.Storage;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq kms demo</c>: the whole KMS on one machine in one command.</summary>
internal static class KmsDemo
{
    public static async Task<int> RunAsync(string dir, int portA, int portB, TextWriter output, CancellationToken cancel)
    {
        dir = Path.GetFullPath(dir);
        bool fresh = !File.Exists(Path.Combine(dir, "ca.crt"));
        var saes = DemoPki.Init(dir, ["kme-a", "kme-b"], ["sae-a", "sae-b"]);
        foreach (string name in new[] { "kek-a.bin", "kek-b.bin", "audit-a.key", "audit-b.key" })
        {
            string path = Path.Combine(dir, name);
            if (!File.Exists(path))
            {
                VnQuantum.Kms.PrivateFile.Write(path, RandomNumberGenerator.GetBytes(32));
            }
        }

        string Thumb(string name) => DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, name + ".crt"))));
        KmsOptions Options(string side, int port, string sae, string remoteSae, string peer, int peerPort) => new()
        {
            KmeId = "KME-" + side.ToUpperInvariant(),
            Port = port,
            StorePath = Path.Combine(dir, $"kme-{side}.db"),
            KekFile = Path.Combine(dir, $"kek-{side}.bin"),
            AuditKeyFile = Path.Combine(dir, $"audit-{side}.key"),
            AuditLogPath = Path.Combine(dir, $"kme-{side}.audit.jsonl"),
            ClientCaCertificate = Path.Combine(dir, "ca.crt"),
            ServerCertificate = Path.Combine(dir, $"kme-{side}.crt"),
            ServerKey = Path.Combine(dir, $"kme-{side}.key"),
            SaeCertificates = new() { [saes[sae]] = sae.ToUpperInvariant() },
            RemoteSaes = new() { [remoteSae.ToUpperInvariant()] = peer },
            Peers = new() { [peer] = new PeerOptions { Url = $"https://127.0.0.1:{peerPort}", CertificateThumbprint = Thumb(peer.ToLowerInvariant()) } },
        };

        var a = Options("a", portA, "sae-a", "sae-b", "KME-B", portB);
        var b = Options("b", portB, "sae-b", "sae-a", "KME-A", portA);
        await using var kmeA = KmeHost.Create(a);
        await using var kmeB = KmeHost.Create(b);
        if (!kmeA.Store.HasStream("KME-B"))
        {
            output.WriteLine("running the simulated decoy-BB84 link between KME-A and KME-B (25 km, 1.2e8 pulses)…");
            output.WriteLine("note: these keys come from a SIMULATED QKD link (bytes from the OS CSPRNG, as many as the simulation yields), for demonstrations only");
            int bytes = QkdKeySources.RunLink(QkdLink.Lim2014(25), 120_000_000, seed: null, kmeA.Store, kmeB.Store, aliceLink: "KME-B", bobLink: "KME-A");
            output.WriteLine($"the link gave {bytes} key bytes to each KME");
        }

        await kmeA.StartAsync(cancel);
        await kmeB.StartAsync(cancel);
        string c = $"--cacert {Path.Combine(dir, "ca.crt")}";
        string sa = $"--cert {Path.Combine(dir, "sae-a.crt")} --key {Path.Combine(dir, "sae-a.key")}";
        string sb = $"--cert {Path.Combine(dir, "sae-b.crt")} --key {Path.Combine(dir, "sae-b.key")}";
        output.WriteLine($"""
            {(fresh ? "created a CA and certificates in " : "using the CA and certificates in ")}{dir}
            KME-A (SAE-A attached) on https://127.0.0.1:{portA}, KME-B (SAE-B attached) on https://127.0.0.1:{portB}

            # SAE-A asks KME-A about its link to SAE-B, then for two keys:
            curl {c} {sa} https://127.0.0.1:{portA}/api/v1/keys/SAE-B/status
            curl {c} {sa} -H 'Content-Type: application/json' -d '{"{"}"number":2,"size":256{"}"}' https://127.0.0.1:{portA}/api/v1/keys/SAE-B/enc_keys
            # SAE-B fetches the same key from KME-B with a key_ID from the answer:
            curl {c} {sb} "https://127.0.0.1:{portB}/api/v1/keys/SAE-A/dec_keys?key_ID=<key_ID>"
            # the contract, and the audit trail:
            curl {c} {sa} https://127.0.0.1:{portA}/api/v1/openapi.json
            vnq kms audit verify --log {a.AuditLogPath} --key {a.AuditKeyFile}

            Ctrl+C stops both KMEs.
            """);
        await kmeA.WaitForShutdownAsync(cancel);
        return ExitCodes.Ok;
    }
}
