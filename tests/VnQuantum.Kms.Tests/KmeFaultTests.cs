using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;
using Xunit.Abstractions;

namespace VnQuantum.Kms.Tests;

/// <summary>
/// The fault suite: two KMEs whose link from A to B runs through <see cref="FaultProxy"/>, under a peer outage with
/// clients retrying, replies lost after the peer recorded, a slow link, connections cut under load, and A's disk full.
/// In every case: no key duplicated, none handed to the wrong SAE, none handed and then lost, every handed key in
/// the audit. Sized for CI; <c>VNQ_OUTAGE_SECONDS=30</c> runs the outage at full length.
/// </summary>
public sealed class KmeFaultTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int KeyBits = 256;
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-faults-").FullName;
    private readonly byte[] _kek = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _auditKey = RandomNumberGenerator.GetBytes(32);
    private readonly Dictionary<string, string> _handed = [];
    private IReadOnlyDictionary<string, string> _saes = null!;
    private X509Certificate2 _ca = null!;
    private FaultProxy _proxy = null!;
    private int _portA, _portB;
    private KmeHost _a = null!, _b = null!;

    public async Task InitializeAsync()
    {
        _saes = DemoPki.Init(_dir, ["kme-a", "kme-b"], ["sae-a", "sae-b", "sae-c"]);
        _ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt")));
        (_portA, _portB) = (LoopbackPort.Free(), LoopbackPort.Free());
        _proxy = new FaultProxy(_portB);
        byte[] stream = RandomNumberGenerator.GetBytes(256 * 1024);
        _a = Create("A");
        _b = Create("B");
        _a.Store.AddToPool("KME-B", stream);
        _b.Store.AddToPool("KME-A", stream);
        await _a.StartAsync();
        await _b.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _proxy.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private KmeHost Create(string side)
    {
        string Thumb(string name) => DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, name + ".crt"))));
        bool isA = side == "A";
        var options = new KmsOptions
        {
            KmeId = "KME-" + side,
            Port = isA ? _portA : _portB,
            PeerTimeoutSeconds = 3,
            StorePath = Path.Combine(_dir, $"kme-{side}.db"),
            ClientCaCertificate = Path.Combine(_dir, "ca.crt"),
            ServerCertificate = Path.Combine(_dir, isA ? "kme-a.crt" : "kme-b.crt"),
            ServerKey = Path.Combine(_dir, isA ? "kme-a.key" : "kme-b.key"),
            SaeCertificates = isA ? new() { [_saes["sae-a"]] = "SAE-A" } : new() { [_saes["sae-b"]] = "SAE-B", [_saes["sae-c"]] = "SAE-C" },
            RemoteSaes = isA ? new() { ["SAE-B"] = "KME-B", ["SAE-C"] = "KME-B" } : new() { ["SAE-A"] = "KME-A" },
            // A reaches B through the proxy; B reaches A directly.
            Peers = isA
                ? new() { ["KME-B"] = new PeerOptions { Url = $"https://127.0.0.1:{_proxy.Port}", CertificateThumbprint = Thumb("kme-b") } }
                : new() { ["KME-A"] = new PeerOptions { Url = $"https://127.0.0.1:{_portA}", CertificateThumbprint = Thumb("kme-a") } },
        };
        return KmeHost.Create(options, new KeyEncryption(_kek), new AuditLog(Path.Combine(_dir, $"audit-{side}.jsonl"), _auditKey), new CapturedLogs());
    }

    private HttpClient Sae(string name, int port) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        new Uri($"https://127.0.0.1:{port}"), X509Certificate2.CreateFromPemFile(Path.Combine(_dir, name + ".crt"), Path.Combine(_dir, name + ".key")), _ca, timeout: TimeSpan.FromSeconds(20));

    private long AvailableAtA => _a.Store.AvailableBytes("KME-B", KeyService.ParityFor("KME-A", "KME-B"));

    /// <summary>One enc_keys; the keys of a 200 are recorded as handed. Returns the status (0: no answer).</summary>
    private async Task<int> Enc(HttpClient master, int number)
    {
        try
        {
            var r = await master.PostAsync("/api/v1/keys/SAE-B/enc_keys", new StringContent($$"""{"number":{{number}},"size":{{KeyBits}}}""", Encoding.UTF8, "application/json"));
            if (r.StatusCode == HttpStatusCode.OK)
            {
                foreach (var k in (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray())
                {
                    lock (_handed)
                    {
                        Assert.True(_handed.TryAdd(k.GetProperty("key_ID").GetString()!, k.GetProperty("key").GetString()!), "a key ID was handed twice");
                    }
                }
            }

            return (int)r.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 0;
        }
    }

    private async Task WaitUntilServing(HttpClient master)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await Enc(master, 1) != 200)
        {
            Assert.True(DateTime.UtcNow < deadline, "A did not serve again within 20 s after the fault ended");
            await Task.Delay(100);
        }
    }

    /// <summary>Every handed key reaches SAE-B once with the master's bytes, SAE-C gets none, and both audits list them.</summary>
    private async Task VerifyAll()
    {
        using var b = Sae("sae-b", _portB);
        using var c = Sae("sae-c", _portB);
        foreach (var (id, key) in _handed)
        {
            var stolen = await c.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}");
            Assert.Equal(HttpStatusCode.Unauthorized, stolen.StatusCode);
            var r = await b.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}");
            Assert.True(r.StatusCode == HttpStatusCode.OK, $"handed key {id} was lost: {await r.Content.ReadAsStringAsync()}");
            Assert.Equal(key, (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0].GetProperty("key").GetString());
            Assert.Equal(HttpStatusCode.Unauthorized, (await b.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}")).StatusCode);
        }

        var auditA = AuditedIds("A", "enc_keys");
        var auditB = AuditedIds("B", "dec_keys");
        foreach (string id in _handed.Keys)
        {
            Assert.Contains(id, auditA);
            Assert.Contains(id, auditB);
        }
    }

    private HashSet<string> AuditedIds(string side, string action) =>
        [.. File.ReadAllLines(Path.Combine(_dir, $"audit-{side}.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("action").GetString() == action && e.GetProperty("status").GetInt32() == 200)
            .SelectMany(e => e.GetProperty("key_IDs").EnumerateArray().Select(i => i.GetString()!))];

    [Fact]
    public async Task PeerOutage_WithClientsRetrying_BurnsAtMostWhatWasAskedBeforeItWasSeen()
    {
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("VNQ_OUTAGE_SECONDS"), System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 3;
        const int clients = 4, number = 32;
        using var master = Sae("sae-a", _portA);
        await WaitUntilServing(master);

        long before = AvailableAtA;
        _proxy.Current = FaultProxy.Mode.Refuse;
        _proxy.CutAll();
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        var statuses = new List<int>();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (DateTime.UtcNow < deadline)
            {
                int status = await Enc(master, number);
                lock (statuses)
                {
                    statuses.Add(status);
                }

                await Task.Delay(20);
            }
        }));
        long lost = before - AvailableAtA;
        output.WriteLine($"{seconds} s outage, {statuses.Count} requests from {clients} clients: {lost} bytes gone from A's pool ({lost / (KeyBits / 8)} keys)");

        // Only requests already in flight when the outage was first seen can have reserved (and burned) keys.
        Assert.All(statuses, st => Assert.Equal(503, st));
        Assert.True(lost <= clients * number * (KeyBits / 8), $"{lost} bytes burned during the outage");
        Assert.True(statuses.Count > clients * 5, "the clients did retry through the outage");
        Assert.Empty(_a.Store.Pending());

        _proxy.Current = FaultProxy.Mode.Forward;
        await WaitUntilServing(master);
        await VerifyAll();
    }

    [Fact]
    public async Task ReplyLostAfterThePeerRecorded_ThePeerBurnsItsCopy()
    {
        using var master = Sae("sae-a", _portA);
        await WaitUntilServing(master);

        // The request reaches B over the pooled connection; its answer never comes back, so A times out and burns.
        var earlier = KeyIdsAtB("confirmed");
        _proxy.Current = FaultProxy.Mode.SwallowReplies;
        Assert.Equal(503, await Enc(master, 2));
        var orphans = KeyIdsAtB("confirmed").Except(earlier).Except(_handed.Keys).ToList();
        Assert.Equal(2, orphans.Count);

        // Once B answers again, A's burn notice reaches it and B's copies go.
        _proxy.Current = FaultProxy.Mode.Forward;
        _proxy.CutAll();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (KeyIdsAtB("confirmed").Intersect(orphans).Any())
        {
            Assert.True(DateTime.UtcNow < deadline, "B still holds keys A burned");
            await Task.Delay(200);
        }

        Assert.Empty(_a.Store.BurnNotices("KME-B", 10));
        await WaitUntilServing(master);
        await VerifyAll();
    }

    [Fact]
    public async Task SlowLink_AndConnectionsCutUnderLoad_LoseAndDuplicateNothing()
    {
        using var master = Sae("sae-a", _portA);
        await WaitUntilServing(master);
        _proxy.Delay = TimeSpan.FromMilliseconds(100);
        var load = Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            for (int i = 0; i < 8; i++)
            {
                await Enc(master, 2);
            }
        }));
        for (int i = 0; i < 4; i++)
        {
            await Task.Delay(300);
            _proxy.CutAll();
        }

        await load;
        _proxy.Delay = TimeSpan.Zero;
        await WaitUntilServing(master);
        output.WriteLine($"{_handed.Count} keys handed through a slow link cut four times");
        await VerifyAll();
    }

    [Fact]
    public async Task DiskFull_AtTheMaster_HandsNothing_AndRecovers()
    {
        using var master = Sae("sae-a", _portA);
        await WaitUntilServing(master);
        var store = (SqliteKeyStore)_a.Store;
        store.LimitPages(store.PageCount());
        int handedBefore = _handed.Count;
        for (int i = 0; i < 5; i++)
        {
            int status = await Enc(master, 64);
            Assert.True(status >= 500, $"enc_keys with A's disk full answered {status}");
        }

        Assert.Equal(handedBefore, _handed.Count);
        store.LimitPages(long.MaxValue / 2);
        await WaitUntilServing(master);
        await VerifyAll();
    }

    private List<string> KeyIdsAtB(string status)
    {
        using var db = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "kme-B.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT key_id FROM reserved_key WHERE status = $s";
        cmd.Parameters.AddWithValue("$s", status);
        using var reader = cmd.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
