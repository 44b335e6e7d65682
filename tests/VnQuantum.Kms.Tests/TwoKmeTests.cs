using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Tests;

/// <summary>Two KMEs sharing one key stream over mutual TLS: the master on one, the slave on the other.</summary>
public sealed class TwoKmeTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-two-kme-").FullName;
    private readonly byte[] _kek = RandomNumberGenerator.GetBytes(32);
    private readonly byte[] _stream = RandomNumberGenerator.GetBytes(64 * 1024);
    private readonly string _schemaB = "kmeb" + Guid.NewGuid().ToString("N");
    private IReadOnlyDictionary<string, string> _thumbprints = null!;
    private X509Certificate2 _ca = null!;
    private int _portA, _portB;
    private KmeHost? _a, _b;

    public async Task InitializeAsync()
    {
        _thumbprints = DemoPki.Init(_dir, [], ["sae-a", "sae-b", "sae-c"]);
        var kmes = DemoPki.Init(_dir, [], []);
        _ = kmes;
        using (var a = DemoPki.Issue(_dir, "kme-a", server: true, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30)))
        using (var b = DemoPki.Issue(_dir, "kme-b", server: true, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30)))
        {
        }

        _ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt")));
        (_portA, _portB) = (LoopbackPort.Free(), LoopbackPort.Free());
        _a = await Start("A", feed: true);
        _b = await Start("B", feed: true);
    }

    public async Task DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (KeyServiceTests.PostgresConnection is string pg)
        {
            using var db = new Npgsql.NpgsqlConnection(pg);
            db.Open();
            using var drop = db.CreateCommand();
            drop.CommandText = $"DROP SCHEMA IF EXISTS {_schemaB} CASCADE";
            drop.ExecuteNonQuery();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private KmsOptions Options(string side)
    {
        string Thumb(string name) => DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, name + ".crt"))));
        bool isA = side == "A";
        return new KmsOptions
        {
            KmeId = "KME-" + side,
            // Generous: CI runs other test assemblies beside this one on two cores.
            PeerTimeoutSeconds = 60,
            Port = isA ? _portA : _portB,
            StorePath = Path.Combine(_dir, $"kme-{side}.db"),
            // KME B keeps its store in PostgreSQL where CI provides one: the protocol runs across both stores.
            PostgresConnection = isA ? null : KeyServiceTests.PostgresConnection,
            PostgresSchema = _schemaB,
            ClientCaCertificate = Path.Combine(_dir, "ca.crt"),
            ServerCertificate = Path.Combine(_dir, isA ? "kme-a.crt" : "kme-b.crt"),
            ServerKey = Path.Combine(_dir, isA ? "kme-a.key" : "kme-b.key"),
            SaeCertificates = isA
                ? new() { [_thumbprints["sae-a"]] = "SAE-A", [_thumbprints["sae-c"]] = "SAE-C" }
                : new() { [_thumbprints["sae-b"]] = "SAE-B" },
            RemoteSaes = isA ? new() { ["SAE-B"] = "KME-B" } : new() { ["SAE-A"] = "KME-A", ["SAE-C"] = "KME-A" },
            Peers = isA
                ? new() { ["KME-B"] = new PeerOptions { Url = $"https://127.0.0.1:{_portB}", CertificateThumbprint = Thumb("kme-b") } }
                : new() { ["KME-A"] = new PeerOptions { Url = $"https://127.0.0.1:{_portA}", CertificateThumbprint = Thumb("kme-a") } },
        };
    }

    private async Task<KmeHost> Start(string side, bool feed)
    {
        var host = KmeHost.Create(Options(side), new KeyEncryption(_kek));
        if (feed)
        {
            host.Store.AddToPool(side == "A" ? "KME-B" : "KME-A", _stream);
        }

        await host.StartAsync();
        return host;
    }

    private HttpClient Sae(string name, int port) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        new Uri($"https://127.0.0.1:{port}"), X509Certificate2.CreateFromPemFile(Path.Combine(_dir, name + ".crt"), Path.Combine(_dir, name + ".key")), _ca);

    [Fact]
    public async Task MasterOnA_SlaveOnB_GetTheSameKey_Once()
    {
        using var a = Sae("sae-a", _portA);
        using var b = Sae("sae-b", _portB);
        using var c = Sae("sae-c", _portA);
        var status = await a.GetFromJsonAsync<JsonElement>("/api/v1/keys/SAE-B/status");
        Assert.Equal("KME-B", status.GetProperty("target_KME_ID").GetString());

        var enc = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":3,"size":256}"""));
        Assert.Equal(HttpStatusCode.OK, enc.StatusCode);
        var keys = (await enc.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys");
        string ids = string.Join(",", keys.EnumerateArray().Select(k => $$"""{"key_ID":"{{k.GetProperty("key_ID").GetString()}}"}"""));

        await AssertStatus(await c.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json($$"""{"key_IDs":[{{ids}}]}""")), HttpStatusCode.Unauthorized);
        var dec = await b.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json($$"""{"key_IDs":[{{ids}}]}"""));
        Assert.Equal(HttpStatusCode.OK, dec.StatusCode);
        var delivered = (await dec.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys");
        Assert.Equal(keys.EnumerateArray().Select(k => k.GetProperty("key").GetString()), delivered.EnumerateArray().Select(k => k.GetProperty("key").GetString()));
        await AssertStatus(await b.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json($$"""{"key_IDs":[{{ids}}]}""")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task BothDirectionsAtOnce_NeverCutTheSameBytes()
    {
        using var a = Sae("sae-a", _portA);
        using var b = Sae("sae-b", _portB);
        var fromA = Enumerable.Range(0, 20).Select(_ => a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":4,"size":512}""")));
        var fromB = Enumerable.Range(0, 20).Select(_ => b.PostAsync("/api/v1/keys/SAE-A/enc_keys", Json("""{"number":4,"size":512}""")));
        var responses = await Task.WhenAll(fromA.Concat(fromB));
        var all = new List<string>();
        foreach (var r in responses)
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            all.AddRange((await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!));
        }

        Assert.Equal(160, all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Fact]
    public async Task PeerEndpoints_RefuseAnSae_AndAMismatchedReservation()
    {
        using var sae = Sae("sae-a", _portB);
        var asSae = await sae.PostAsync("/api/v1/kme/reservations", Json("""{"master_SAE_ID":"SAE-A","slave_SAE_IDs":["SAE-B"],"keys":[],"next_segment":0}"""));
        await AssertStatus(asSae, HttpStatusCode.Unauthorized);
        await AssertStatus(await sae.PostAsync("/api/v1/kme/burn", Json("""{"key_IDs":[]}""")), HttpStatusCode.Unauthorized);

        // KME-A's own certificate, offering a reservation of bytes B's copy of the stream does not hold.
        var ssl = new SslClientAuthenticationOptions
        {
            ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(_dir, "kme-a.crt"), Path.Combine(_dir, "kme-a.key"))],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        };
        using var peer = new HttpClient(new SocketsHttpHandler { SslOptions = ssl }) { BaseAddress = new Uri($"https://127.0.0.1:{_portB}") };
        string bogus = $$"""{"master_SAE_ID":"SAE-A","slave_SAE_IDs":["SAE-B"],"keys":[{"key_ID":"{{Guid.NewGuid()}}","segment":99998,"offset":0,"bytes":32}],"next_segment":0}""";
        await AssertStatus(await peer.PostAsync("/api/v1/kme/reservations", Json(bogus)), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task PeerDown_GivesNoKey_AndBurnsWhatItCut()
    {
        await _b!.DisposeAsync();
        _b = null;
        using var a = Sae("sae-a", _portA);
        var enc = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":1}"""));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, enc.StatusCode);
        Assert.Contains("did not acknowledge", await enc.Content.ReadAsStringAsync());
        Assert.Empty(_a!.Store.Pending());
    }

    [Fact]
    public async Task KeysLeftPendingByACrash_AreBurnedAtRestart_AndNeverDelivered()
    {
        // A reserved (durably, pending) but died before its peer acknowledged.
        var reserved = _a!.Store.Reserve("KME-B", KeyService.ParityFor("KME-A", "KME-B"), "SAE-A", ["SAE-B"], 2, 32, pending: true)!.Value;
        await _a.DisposeAsync();
        _a = await Start("A", feed: false);
        Assert.Empty(_a.Store.Pending());
        var ids = reserved.Keys.Select(k => k.Id).ToList();
        Assert.Null(_a.Store.Deliver("SAE-A", "SAE-B", ids));

        // Recording it later at B (a late retry) must not resurrect it at A, and B alone cannot hand it to anyone
        // who does not know the IDs; A's own copy stays burned.
        Assert.Null(_a.Store.Deliver("SAE-A", "SAE-B", ids));
    }

    [Fact]
    public async Task PeerOutage_BurnsAtMostOneRequest_NotThePool()
    {
        // The review's case: KME-B stopped, a master looping the largest request at A for a while.
        await _b!.DisposeAsync();
        _b = null;
        using var a = Sae("sae-a", _portA);
        int parity = KeyService.ParityFor("KME-A", "KME-B");
        long before = _a!.Store.AvailableBytes("KME-B", parity);
        var answers = new List<string>();
        for (int i = 0; i < 40; i++)
        {
            var r = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":128,"size":1024}"""));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, r.StatusCode);
            answers.Add(await r.Content.ReadAsStringAsync());
        }

        long lost = before - _a.Store.AvailableBytes("KME-B", parity);
        Assert.True(lost <= 128 * 128, $"{lost} bytes of A's pool burned by a peer outage");
        Assert.Contains("did not acknowledge", answers[0]);
        Assert.All(answers.Skip(1), m => Assert.Contains("unreachable", m));
    }

    [Fact]
    public async Task SlavesOnBothKmes_EachKmeKeepsACopyOnlyForItsOwn()
    {
        using var a = Sae("sae-a", _portA);
        using var b = Sae("sae-b", _portB);
        using var c = Sae("sae-c", _portA);
        var enc = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":1,"additional_slave_SAE_IDs":["SAE-C"]}"""));
        Assert.Equal(HttpStatusCode.OK, enc.StatusCode);
        string id = (await enc.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0].GetProperty("key_ID").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}")).StatusCode);

        // SAE-B has it: B holds nothing more (SAE-C is served by A). A keeps it for SAE-C until SAE-C fetches.
        Assert.Null(_b!.Store.Deliver("SAE-A", "SAE-C", [Guid.Parse(id)]));
        Assert.Equal(1, ((SqlKeyStore)_a!.Store).StoredKeysByPair()[("SAE-A", "SAE-B,SAE-C")]);
        Assert.False(((SqlKeyStore)_b.Store).StoredKeysByPair().ContainsKey(("SAE-A", "SAE-B,SAE-C")));
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}")).StatusCode);
        Assert.False(((SqlKeyStore)_a.Store).StoredKeysByPair().ContainsKey(("SAE-A", "SAE-B,SAE-C")));
    }

    [Fact]
    public async Task DeliveredKeys_LeaveNoMaterialOnEitherKme()
    {
        using var a = Sae("sae-a", _portA);
        using var b = Sae("sae-b", _portB);
        var enc = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":3,"size":256}"""));
        var keys = (await enc.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray()
            .Select(k => (Id: k.GetProperty("key_ID").GetString()!, Key: Convert.FromBase64String(k.GetProperty("key").GetString()!))).ToList();
        string ids = string.Join(",", keys.Select(k => $$"""{"key_ID":"{{k.Id}}"}"""));
        Assert.Equal(HttpStatusCode.OK, (await b.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json($$"""{"key_IDs":[{{ids}}]}"""))).StatusCode);

        using var encryption = new KeyEncryption(_kek);
        using var dbA = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "kme-A.db")};Mode=ReadOnly;Pooling=False");
        dbA.Open();
        AssertNoMaterial(dbA, encryption, "KME-B", keys);
        if (KeyServiceTests.PostgresConnection is string pg)
        {
            using var dbB = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(pg) { SearchPath = _schemaB }.ToString());
            dbB.Open();
            AssertNoMaterial(dbB, encryption, "KME-A", keys);
        }
        else
        {
            using var dbB = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_dir, "kme-B.db")};Mode=ReadOnly;Pooling=False");
            dbB.Open();
            AssertNoMaterial(dbB, encryption, "KME-A", keys);
        }
    }

    /// <summary>Each key's row is a tombstone (no sealed bytes), and no pool segment, decrypted, holds its bytes.</summary>
    private static void AssertNoMaterial(System.Data.Common.DbConnection db, KeyEncryption encryption, string link, List<(string Id, byte[] Key)> keys)
    {
        foreach (var (id, _) in keys)
        {
            using var row = db.CreateCommand();
            row.CommandText = $"SELECT status, length(sealed) FROM reserved_key WHERE key_id = '{id}'";
            using var reader = row.ExecuteReader();
            Assert.True(reader.Read(), $"{id} has no tombstone");
            Assert.Equal("delivered", reader.GetString(0));
            Assert.Equal(0L, Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture));
        }

        using var segments = db.CreateCommand();
        segments.CommandText = $"SELECT seq, sealed FROM pool_segment WHERE link = '{link}'";
        using var all = segments.ExecuteReader();
        while (all.Read())
        {
            byte[] plain = encryption.Open((byte[])all[1], $"pool:{link}:{all.GetInt64(0)}");
            foreach (var (id, key) in keys)
            {
                Assert.True(plain.AsSpan().IndexOf(key) < 0, $"segment {all.GetInt64(0)} still holds the bytes of {id}");
            }
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertStatus(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("message", out _));
    }
}
