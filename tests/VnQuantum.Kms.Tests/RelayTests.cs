using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Tests;

/// <summary>
/// Four KMEs in a line, A–B–C–D, each link with its own key stream: a master on A gets keys shared with a slave on D,
/// relayed over the trusted nodes B and C (one-time pad with each hop's key), and the slave gets the same bytes from D.
/// </summary>
public sealed class RelayTests : IAsyncLifetime
{
    private static readonly string[] Sides = ["A", "B", "C", "D"];
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-relay-").FullName;
    private readonly byte[] _kek = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, byte[]> _streams = new()
    {
        ["AB"] = RandomNumberGenerator.GetBytes(32 * 1024),
        ["BC"] = RandomNumberGenerator.GetBytes(32 * 1024),
        ["CD"] = RandomNumberGenerator.GetBytes(32 * 1024),
    };

    private readonly Dictionary<string, int> _ports = [];
    private readonly Dictionary<string, KmeHost> _hosts = [];
    private IReadOnlyDictionary<string, string> _thumbprints = null!;
    private X509Certificate2 _ca = null!;

    public async Task InitializeAsync()
    {
        _thumbprints = DemoPki.Init(_dir, [], ["sae-a", "sae-b", "sae-c", "sae-d"]);
        foreach (string side in Sides)
        {
            using var _ = DemoPki.Issue(_dir, "kme-" + side.ToLowerInvariant(), server: true, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
            _ports[side] = LoopbackPort.Free();
        }

        _ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt")));
        foreach (string side in Sides)
        {
            _hosts[side] = await Start(side);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private string Thumb(string name) => DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, name + ".crt"))));

    private PeerOptions Peer(string side) => new() { Url = $"https://127.0.0.1:{_ports[side]}", CertificateThumbprint = Thumb("kme-" + side.ToLowerInvariant()) };

    private KmsOptions Options(string side)
    {
        string lower = side.ToLowerInvariant();
        var options = new KmsOptions
        {
            KmeId = "KME-" + side,
            PeerTimeoutSeconds = 60,
            Port = _ports[side],
            StorePath = Path.Combine(_dir, $"kme-{lower}.db"),
            ClientCaCertificate = Path.Combine(_dir, "ca.crt"),
            ServerCertificate = Path.Combine(_dir, $"kme-{lower}.crt"),
            ServerKey = Path.Combine(_dir, $"kme-{lower}.key"),
            SaeCertificates = new() { [_thumbprints["sae-" + lower]] = "SAE-" + side },
        };
        int at = Array.IndexOf(Sides, side);
        if (at > 0)
        {
            options.Peers["KME-" + Sides[at - 1]] = Peer(Sides[at - 1]);
        }

        if (at < Sides.Length - 1)
        {
            options.Peers["KME-" + Sides[at + 1]] = Peer(Sides[at + 1]);
        }

        // Routes as the network planner writes them: towards each KME that is not a peer, the neighbour on its side.
        for (int other = 0; other < Sides.Length; other++)
        {
            if (Math.Abs(other - at) > 1)
            {
                options.Routes["KME-" + Sides[other]] = "KME-" + Sides[other < at ? at - 1 : at + 1];
            }
        }

        if (side == "A")
        {
            options.RemoteSaes["SAE-D"] = "KME-D";
        }

        if (side == "D")
        {
            options.RemoteSaes["SAE-A"] = "KME-A";
        }

        return options;
    }

    private async Task<KmeHost> Start(string side)
    {
        var host = KmeHost.Create(Options(side), new KeyEncryption(_kek));
        int at = Array.IndexOf(Sides, side);
        if (at > 0)
        {
            host.Store.AddToPool("KME-" + Sides[at - 1], _streams[Sides[at - 1] + side]);
        }

        if (at < Sides.Length - 1)
        {
            host.Store.AddToPool("KME-" + Sides[at + 1], _streams[side + Sides[at + 1]]);
        }

        await host.StartAsync();
        return host;
    }

    private HttpClient Sae(string side) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        new Uri($"https://127.0.0.1:{_ports[side]}"),
        X509Certificate2.CreateFromPemFile(Path.Combine(_dir, $"sae-{side.ToLowerInvariant()}.crt"), Path.Combine(_dir, $"sae-{side.ToLowerInvariant()}.key")),
        _ca);

    private static StringContent Json(string text) => new(text, Encoding.UTF8, "application/json");

    [Fact]
    public async Task KeysRelayedOverTwoTrustedNodes_ReachTheSlaveIdentical_Once()
    {
        using var a = Sae("A");
        using var d = Sae("D");
        var status = await a.GetFromJsonAsync<JsonElement>("/api/v1/keys/SAE-D/status");
        Assert.Equal("KME-D", status.GetProperty("target_KME_ID").GetString());

        var enc = await a.PostAsync("/api/v1/keys/SAE-D/enc_keys", Json("""{"number":3,"size":256}"""));
        Assert.Equal(HttpStatusCode.OK, enc.StatusCode);
        var keys = (await enc.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray()
            .Select(k => (Id: k.GetProperty("key_ID").GetString()!, Key: k.GetProperty("key").GetString()!)).ToList();
        Assert.Equal(3, keys.Count);

        // The end-to-end key is the A–B hop key, carried on padded with fresh B–C and C–D keys: the slave's copy must
        // match, and none of the hop streams may equal it.
        string ids = string.Join(",", keys.Select(k => $$"""{"key_ID":"{{k.Id}}"}"""));
        var decResponse = await d.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json($$"""{"key_IDs":[{{ids}}]}"""));
        Assert.Equal(HttpStatusCode.OK, decResponse.StatusCode);
        var dec = await decResponse.Content.ReadFromJsonAsync<JsonElement>();
        var delivered = dec.GetProperty("keys").EnumerateArray().ToDictionary(k => k.GetProperty("key_ID").GetString()!, k => k.GetProperty("key").GetString()!);
        foreach (var (id, key) in keys)
        {
            Assert.Equal(key, delivered[id]);
        }

        var again = await d.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={keys[0].Id}");
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);

        // The trusted nodes keep no deliverable copy: an SAE on B cannot fetch them.
        using var b = Sae("B");
        var onB = await b.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={keys[0].Id}");
        Assert.NotEqual(HttpStatusCode.OK, onB.StatusCode);
    }

    [Fact]
    public async Task ABrokenHop_GivesTheMaster503_AndNoKey()
    {
        await _hosts["C"].DisposeAsync();
        _hosts.Remove("C");
        using var a = Sae("A");
        var enc = await a.PostAsync("/api/v1/keys/SAE-D/enc_keys", Json("""{"number":2,"size":256}"""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, enc.StatusCode);
        Assert.Contains("relay to 'KME-D' through 'KME-B'", await enc.Content.ReadAsStringAsync());

        // The A–B hop keys were burned on both sides, not left usable: the next request takes fresh stream bytes.
        Assert.Empty(_hosts["A"].Store.Pending());
    }
}
