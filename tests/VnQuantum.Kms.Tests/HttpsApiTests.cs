using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Tests;

/// <summary>Every endpoint and error path over real HTTPS with client certificates, against a KME on loopback.</summary>
public sealed class HttpsApiTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-kme-").FullName;
    private KmeHost _host = null!;
    private readonly byte[] _auditKey = RandomNumberGenerator.GetBytes(32);
    private X509Certificate2 _ca = null!;

    public async Task InitializeAsync()
    {
        var thumbprints = DemoPki.Init(_dir, ["kme-a"], ["sae-a", "sae-b", "sae-c", "sae-unmapped", "sae-revoked"]);
        // An expired client certificate from the same CA.
        DemoPki.Issue(_dir, "sae-expired", server: false, DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1)).Dispose();
        DemoPki.Revoke(_dir, [Path.Combine(_dir, "sae-revoked.crt")]);
        _ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt")));
        var options = new KmsOptions
        {
            Port = 0,
            StorePath = Path.Combine(_dir, "kme-a.db"),
            ClientCaCertificate = Path.Combine(_dir, "ca.crt"),
            ClientCrl = Path.Combine(_dir, "ca.crl"),
            ServerCertificate = Path.Combine(_dir, "kme-a.crt"),
            ServerKey = Path.Combine(_dir, "kme-a.key"),
            SaeCertificates = new()
            {
                [thumbprints["sae-a"]] = "SAE-A",
                [thumbprints["sae-b"]] = "SAE-B",
                [thumbprints["sae-c"]] = "SAE-C",
                [thumbprints["sae-revoked"]] = "SAE-R",
            },
        };
        _host = KmeHost.Create(options, new KeyEncryption(RandomNumberGenerator.GetBytes(32)), new AuditLog(Path.Combine(_dir, "audit.jsonl"), _auditKey));
        _host.Store.AddToPool(KeyService.LocalLink, RandomNumberGenerator.GetBytes(4096));
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private HttpClient Client(string? sae) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        _host.BaseAddress, sae is null ? null : X509Certificate2.CreateFromPemFile(Path.Combine(_dir, sae + ".crt"), Path.Combine(_dir, sae + ".key")), _ca);

    [Fact]
    public async Task Status_EncKeys_DecKeys_RoundTrip()
    {
        using var a = Client("sae-a");
        using var b = Client("sae-b");
        var status = await a.GetFromJsonAsync<JsonElement>("/api/v1/keys/SAE-B/status");
        Assert.Equal("SAE-A", status.GetProperty("master_SAE_ID").GetString());
        Assert.Equal(256, status.GetProperty("key_size").GetInt32());
        Assert.Equal(128, status.GetProperty("stored_key_count").GetInt32());

        var post = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":2,"size":512}"""));
        Assert.Equal(HttpStatusCode.OK, post.StatusCode);
        var keys = (await post.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys");
        Assert.Equal(2, keys.GetArrayLength());
        Assert.Equal(64, Convert.FromBase64String(keys[0].GetProperty("key").GetString()!).Length);

        var get = await a.GetFromJsonAsync<JsonElement>("/api/v1/keys/SAE-B/enc_keys?number=1&size=64");
        string getId = get.GetProperty("keys")[0].GetProperty("key_ID").GetString()!;

        string body = $$"""{"key_IDs":[{"key_ID":"{{keys[0].GetProperty("key_ID").GetString()}}"},{"key_ID":"{{keys[1].GetProperty("key_ID").GetString()}}"}]}""";
        var dec = await b.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json(body));
        Assert.Equal(HttpStatusCode.OK, dec.StatusCode);
        var decKeys = (await dec.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys");
        Assert.Equal(keys[1].GetProperty("key").GetString(), decKeys[1].GetProperty("key").GetString());

        var single = await b.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={getId}");
        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        var twice = await b.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={getId}");
        await AssertError(twice, HttpStatusCode.Unauthorized, "not available");
    }

    [Fact]
    public async Task EveryRequest_IsAudited_WithoutKeyMaterial_AndTheChainVerifies()
    {
        using var a = Client("sae-a");
        using var unmapped = Client("sae-unmapped");
        var get = await a.GetFromJsonAsync<JsonElement>("/api/v1/keys/SAE-B/enc_keys?number=2");
        await a.GetAsync("/api/v1/keys/SAE-NOPE/status");
        await unmapped.GetAsync("/api/v1/keys/SAE-B/status");
        string log = File.ReadAllText(Path.Combine(_dir, "audit.jsonl"));
        foreach (var k in get.GetProperty("keys").EnumerateArray())
        {
            Assert.Contains(k.GetProperty("key_ID").GetString()!, log);
            Assert.DoesNotContain(k.GetProperty("key").GetString()!, log);
        }

        Assert.Contains("\"bits\":512", log);
        Assert.Contains("unregistered:", log);
        Assert.True(AuditLog.Verify(Path.Combine(_dir, "audit.jsonl"), _auditKey).Intact);
    }

    private X509Certificate2 Cert(string sae) => X509Certificate2.CreateFromPemFile(Path.Combine(_dir, sae + ".crt"), Path.Combine(_dir, sae + ".key"));

    [Fact]
    public async Task HybridKey_IsTheSameAtBothSaes_AndDiffersFromTheKmesKey()
    {
        var (ek, dk) = VnQuantum.Kms.Pqc.MlKem768.GenerateKeyPair();
        var published = VnQuantum.Kms.Pqc.SignedEncapsulationKey.Sign("SAE-B", ek, Cert("sae-b"));
        using var master = new VnQuantum.Kms.Client.EtsiKeyClient(_host.BaseAddress, Cert("sae-a"), _ca);
        using var slave = new VnQuantum.Kms.Client.EtsiKeyClient(_host.BaseAddress, Cert("sae-b"), _ca);

        var sent = await master.GetHybridKeyAsync("SAE-A", "SAE-B", published, X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "sae-b.crt"))));
        var got = await slave.GetHybridKeyWithIdAsync("SAE-A", "SAE-B", sent.KeyId, sent.MlKemCiphertext!, dk, ek);
        Assert.Equal(sent.Key, got.Key);
        Assert.Equal(32, got.Key.Length);

        // A plain fetch of another QKD key shows the KME's key is a different thing from the hybrid.
        var plain = (await master.GetKeysAsync("SAE-B", 1, 256))[0];
        Assert.NotEqual(plain.Key, sent.Key);
    }

    [Fact]
    public async Task HybridKey_RefusesAnUnsignedEncapsulationKey_AndATamperedCiphertextGivesAnotherKey()
    {
        var (ek, dk) = VnQuantum.Kms.Pqc.MlKem768.GenerateKeyPair();
        var forged = VnQuantum.Kms.Pqc.SignedEncapsulationKey.Sign("SAE-B", ek, Cert("sae-c"));
        using var master = new VnQuantum.Kms.Client.EtsiKeyClient(_host.BaseAddress, Cert("sae-a"), _ca);
        using var slave = new VnQuantum.Kms.Client.EtsiKeyClient(_host.BaseAddress, Cert("sae-b"), _ca);
        var slaveCert = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "sae-b.crt")));
        await Assert.ThrowsAsync<CryptographicException>(() => master.GetHybridKeyAsync("SAE-A", "SAE-B", forged, slaveCert));

        var sent = await master.GetHybridKeyAsync("SAE-A", "SAE-B", VnQuantum.Kms.Pqc.SignedEncapsulationKey.Sign("SAE-B", ek, Cert("sae-b")), slaveCert);
        byte[] ct = Convert.FromBase64String(sent.MlKemCiphertext!);
        ct[10] ^= 1;
        var got = await slave.GetHybridKeyWithIdAsync("SAE-A", "SAE-B", sent.KeyId, Convert.ToBase64String(ct), dk, ek);
        Assert.NotEqual(sent.Key, got.Key);
    }

    [Fact]
    public async Task AnotherSae_AndTheMaster_Get401()
    {
        using var a = Client("sae-a");
        using var c = Client("sae-c");
        var get = await a.GetFromJsonAsync<JsonElement>("/api/v1/keys/SAE-B/enc_keys");
        string id = get.GetProperty("keys")[0].GetProperty("key_ID").GetString()!;
        await AssertError(await c.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}"), HttpStatusCode.Unauthorized, "not available");
        await AssertError(await a.GetAsync($"/api/v1/keys/SAE-A/dec_keys?key_ID={id}"), HttpStatusCode.Unauthorized, "not available");
    }

    [Theory]
    [InlineData("{\"number\":", "malformed JSON")]
    [InlineData("{\"number\":\"3\"}", "'number' must be an integer")]
    [InlineData("{\"number\":1000}", "max_key_per_request")]
    [InlineData("{\"size\":12}", "multiple of 8")]
    [InlineData("{\"extension_mandatory\":[{\"route\":\"x\"}]}", "extension_mandatory")]
    [InlineData("{\"additional_slave_SAE_IDs\":[\"SAE-Z\"]}", "SAE-Z")]
    public async Task BadKeyRequests_Get400_WithTheErrorBody(string body, string expected)
    {
        using var a = Client("sae-a");
        await AssertError(await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json(body)), HttpStatusCode.BadRequest, expected);
    }

    [Fact]
    public async Task UnknownSlave_BadQuery_AndBadKeyId_Get400()
    {
        using var a = Client("sae-a");
        await AssertError(await a.GetAsync("/api/v1/keys/SAE-NOPE/status"), HttpStatusCode.BadRequest, "SAE-NOPE");
        await AssertError(await a.GetAsync("/api/v1/keys/SAE-B/enc_keys?number=abc"), HttpStatusCode.BadRequest, "'number'");
        await AssertError(await a.GetAsync("/api/v1/keys/SAE-B/dec_keys?key_ID=not-a-uuid"), HttpStatusCode.BadRequest, "UUID");
        await AssertError(await a.PostAsync("/api/v1/keys/SAE-B/dec_keys", Json("""{"key_IDs":"x"}""")), HttpStatusCode.BadRequest, "key_IDs");
    }

    [Fact]
    public async Task EmptyPool_Gets503()
    {
        using var a = Client("sae-a");
        for (int i = 0; i < 4; i++)
        {
            await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":8,"size":1024}"""));
        }

        await AssertError(await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":1}""")), HttpStatusCode.ServiceUnavailable, "not enough key material");
    }

    [Fact]
    public async Task ValidCertificate_NotRegistered_Gets401WithErrorBody()
    {
        using var unmapped = Client("sae-unmapped");
        await AssertError(await unmapped.GetAsync("/api/v1/keys/SAE-B/status"), HttpStatusCode.Unauthorized, "not registered");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sae-expired")]
    [InlineData("sae-revoked")]
    public async Task NoCertificate_Expired_OrRevoked_IsRefusedAtTheHandshake(string? sae)
    {
        using var client = Client(sae);
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/api/v1/keys/SAE-B/status"));
    }

    [Fact]
    public async Task CertificateFromAnotherCa_IsRefusedAtTheHandshake()
    {
        string other = Directory.CreateTempSubdirectory("vnq-other-ca-").FullName;
        try
        {
            DemoPki.Init(other, [], ["sae-a"]);
            var ssl = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(other, "sae-a.crt"), Path.Combine(other, "sae-a.key"))],
            };
            using var client = new HttpClient(new SocketsHttpHandler { SslOptions = ssl }) { BaseAddress = _host.BaseAddress };
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetAsync("/api/v1/keys/SAE-B/status"));
        }
        finally
        {
            Directory.Delete(other, true);
        }
    }

    [Fact]
    public async Task OpenApiContract_IsServed()
    {
        using var a = Client("sae-a");
        var doc = await a.GetFromJsonAsync<JsonElement>("/api/v1/openapi.json");
        Assert.StartsWith("3.", doc.GetProperty("openapi").GetString());
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/keys/{master_SAE_ID}/dec_keys", out _));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string expected)
    {
        Assert.Equal(status, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        string text = error.GetRawText();
        Assert.True(error.TryGetProperty("message", out _), text);
        Assert.Contains(expected, text);
    }
}
