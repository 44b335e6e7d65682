using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Tests;

/// <summary>
/// The findings of the KMS review (issue 14) on one KME with both SAEs attached, over real HTTPS: what is bounded
/// before authentication, what the logs and the audit say, the edges of the HTTP surface, reloading certificates and
/// CRLs, health and metrics on the management port.
/// </summary>
public sealed class KmeHardeningTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-kme-hard-").FullName;
    private readonly byte[] _auditKey = RandomNumberGenerator.GetBytes(32);
    private readonly CapturedLogs _logs = new();
    private KmeHost _host = null!;
    private X509Certificate2 _ca = null!;
    private KmsOptions _options = null!;

    public async Task InitializeAsync()
    {
        var thumbprints = DemoPki.Init(_dir, ["kme-a"], ["sae-a", "sae-b", "sae-c", "sae-unmapped"]);
        DemoPki.Revoke(_dir, []);
        _ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dir, "ca.crt")));
        _options = new KmsOptions
        {
            Port = 0,
            ManagementPort = 0,
            StorePath = Path.Combine(_dir, "kme-a.db"),
            ClientCaCertificate = Path.Combine(_dir, "ca.crt"),
            ClientCrl = Path.Combine(_dir, "ca.crl"),
            ServerCertificate = Path.Combine(_dir, "kme-a.crt"),
            ServerKey = Path.Combine(_dir, "kme-a.key"),
            SaeCertificates = new()
            {
                [thumbprints["sae-a"]] = "SAE-A",
                // Lower case with colons, as openssl prints it: normalised, not a silent 401.
                [string.Join(":", thumbprints["sae-b"].ToLowerInvariant().Chunk(2).Select(c => new string(c)))] = "SAE-B",
                [thumbprints["sae-c"]] = "SAE-C",
            },
        };
        _host = KmeHost.Create(_options, new KeyEncryption(RandomNumberGenerator.GetBytes(32)), new AuditLog(Path.Combine(_dir, "audit.jsonl"), _auditKey), _logs);
        _host.Store.AddToPool(KeyService.LocalLink, RandomNumberGenerator.GetBytes(16 * 4096));
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, true);
    }

    private HttpClient Client(string sae) => VnQuantum.Kms.Client.EtsiKeyClient.CreateHttpClient(
        _host.BaseAddress, X509Certificate2.CreateFromPemFile(Path.Combine(_dir, sae + ".crt"), Path.Combine(_dir, sae + ".key")), _ca);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<string> ErrorMessage(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("message").GetString()!;
    }

    /// <summary>
    /// A request written by hand over TLS: <paramref name="head"/> (request line and headers), then
    /// <paramref name="body"/>, and then the sender waits without finishing the body. The answer the KME gives without
    /// reading the rest (a KME that waited for the whole body would time out here). A real client that went on sending
    /// a refused body would see its connection closed under it, which is why the body is not sent whole.
    /// </summary>
    private async Task<string> Unfinished(string sae, string head, byte[] body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _host.BaseAddress.Port);
        using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(_dir, sae + ".crt"), Path.Combine(_dir, sae + ".key"))],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        await tls.WriteAsync(Encoding.ASCII.GetBytes(head.Replace("\n", "\r\n", StringComparison.Ordinal) + "\r\n"));
        await tls.WriteAsync(body);
        await tls.FlushAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var answer = new StringBuilder();
        var buffer = new byte[4096];
        while (!answer.ToString().Contains("\"message\"", StringComparison.Ordinal))
        {
            int read = await tls.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            answer.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return answer.ToString();
    }

    [Fact]
    public async Task UnregisteredCaller_Gets401_BeforeTheBodyIsRead()
    {
        // Headers promise 28 MB; one kilobyte is sent and the sender waits.
        string answer = await Unfinished("sae-unmapped", $"POST /api/v1/keys/SAE-B/enc_keys HTTP/1.1\nHost: localhost\nContent-Type: application/json\nContent-Length: {28 * 1024 * 1024}\n", new byte[1024]);
        Assert.StartsWith("HTTP/1.1 401", answer);
        Assert.Contains("not registered to any SAE", answer);
        Assert.Contains(_logs.Lines, l => l.Contains("is not registered to any SAE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task OversizedBodies_Get413_WithTheErrorBody()
    {
        // Refused on its Content-Length, before reading.
        string big = await Unfinished("sae-a", "POST /api/v1/keys/SAE-B/enc_keys HTTP/1.1\nHost: localhost\nContent-Type: application/json\nContent-Length: 1048576\n", new byte[1024]);
        Assert.StartsWith("HTTP/1.1 413", big);
        Assert.Contains("larger than", big);

        // Chunked, so no Content-Length to refuse up front: the limit holds while reading.
        long limit = 1024 + (_options.MaxKeyPerRequest * 128L);
        var chunk = Encoding.ASCII.GetBytes($"{limit + 100:x}\r\n").Concat(new byte[limit + 100]).Concat("\r\n"u8.ToArray()).ToArray();
        string chunked = await Unfinished("sae-b", "POST /api/v1/keys/SAE-A/dec_keys HTTP/1.1\nHost: localhost\nContent-Type: application/json\nTransfer-Encoding: chunked\n", chunk);
        Assert.StartsWith("HTTP/1.1 413", chunked);
        Assert.Contains("larger than", chunked);

        // A body within the limit still works.
        using var a = Client("sae-a");
        Assert.Equal(HttpStatusCode.OK, (await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":1}"""))).StatusCode);
    }

    [Fact]
    public async Task HttpEdges_405_414_NullOptionals_AllWithErrorBodies()
    {
        using var a = Client("sae-a");
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            var r = await a.SendAsync(new HttpRequestMessage(method, "/api/v1/keys/SAE-B/enc_keys") { Content = Json("{}") });
            Assert.Equal(HttpStatusCode.MethodNotAllowed, r.StatusCode);
            Assert.Contains("not allowed", await ErrorMessage(r));
            Assert.Contains("POST", r.Content.Headers.Allow);
        }

        var longUrl = await a.GetAsync("/api/v1/keys/SAE-B/status?x=" + new string('x', 2 * KmeHost.MaxUrlLength));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, longUrl.StatusCode);
        Assert.Contains("longer than", await ErrorMessage(longUrl));

        var nulls = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":2,"size":null,"additional_slave_SAE_IDs":null,"extension_mandatory":null,"extension_optional":null}"""));
        Assert.Equal(HttpStatusCode.OK, nulls.StatusCode);
        var unknownNull = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":1,"colour":null}"""));
        Assert.Equal(HttpStatusCode.BadRequest, unknownNull.StatusCode);

        // SAE-B's thumbprint was configured in lower case with colons.
        Assert.Equal(HttpStatusCode.OK, (await Client("sae-b").GetAsync("/api/v1/keys/SAE-A/status")).StatusCode);
    }

    [Fact]
    public async Task Tls12CbcSuites_AreRefused_GcmAccepted()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // cipher suite policies are a Linux/macOS feature of .NET
        }

        async Task<bool> Handshake(TlsCipherSuite suite)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, _host.BaseAddress.Port);
            using var tls = new SslStream(tcp.GetStream());
            try
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = "localhost",
                    EnabledSslProtocols = SslProtocols.Tls12,
                    CipherSuitesPolicy = new CipherSuitesPolicy([suite]),
                    ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(_dir, "sae-a.crt"), Path.Combine(_dir, "sae-a.key"))],
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                });
                return true;
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                return false;
            }
        }

        Assert.True(await Handshake(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256));
        Assert.False(await Handshake(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA));
        Assert.False(await Handshake(TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384));
    }

    [Fact]
    public async Task Logs_NameEveryRefusal_AndCarryNoKey_Audit_RecordsTheIdsAskedFor()
    {
        using var a = Client("sae-a");
        using var b = Client("sae-b");
        using var c = Client("sae-c");
        var received = new List<string>();
        var enc = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":3,"size":512}"""));
        var keys = (await enc.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().ToList();
        received.AddRange(keys.Select(k => k.GetProperty("key").GetString()!));
        string ids = string.Join(",", keys.Select(k => $$"""{"key_ID":"{{k.GetProperty("key_ID").GetString()}}"}"""));

        // SAE-C asks for B's keys: refused, and the audit says which IDs it asked for.
        var stolen = await c.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json($$"""{"key_IDs":[{{ids}}]}"""));
        Assert.Equal(HttpStatusCode.Unauthorized, stolen.StatusCode);
        var dec = await b.PostAsync("/api/v1/keys/SAE-A/dec_keys", Json($$"""{"key_IDs":[{{ids}}]}"""));
        received.AddRange((await dec.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("key").GetString()!));
        await b.GetAsync("/api/v1/keys/SAE-A/dec_keys?key_ID=" + keys[0].GetProperty("key_ID").GetString());
        await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":100000}"""));

        var audit = File.ReadAllLines(Path.Combine(_dir, "audit.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var refused = audit.Single(e => e.GetProperty("caller").GetString() == "SAE-C" && e.GetProperty("action").GetString() == "dec_keys");
        Assert.Equal(401, refused.GetProperty("status").GetInt32());
        Assert.Equal(keys.Select(k => k.GetProperty("key_ID").GetString()), refused.GetProperty("key_IDs").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains(audit, e => e.GetProperty("caller").GetString() == "SAE-B" && e.GetProperty("action").GetString() == "dec_keys.begin");
        Assert.True(AuditLog.Verify(Path.Combine(_dir, "audit.jsonl"), _auditKey).Intact);

        var lines = _logs.Lines;
        Assert.Contains(lines, l => l.Contains("dec_keys SAE-A by SAE-C refused with 401", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("refused with 400", StringComparison.Ordinal));
        foreach (string key in received)
        {
            byte[] bytes = Convert.FromBase64String(key);
            foreach (string line in lines)
            {
                Assert.DoesNotContain(key, line);
                Assert.DoesNotContain(Convert.ToHexString(bytes), line, StringComparison.OrdinalIgnoreCase);
            }
        }
    }

    [Fact]
    public async Task HybridSlave_ChecksTheCiphertextBeforeSpendingTheKey()
    {
        var (ek, dk) = VnQuantum.Kms.Pqc.MlKem768.GenerateKeyPair();
        var (ciphertext, _) = VnQuantum.Kms.Pqc.MlKem768.Encapsulate(ek);
        using var a = Client("sae-a");
        var enc = await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":1}"""));
        string keyId = (await enc.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keys")[0].GetProperty("key_ID").GetString()!;
        using var slave = new VnQuantum.Kms.Client.EtsiKeyClient(_host.BaseAddress, X509Certificate2.CreateFromPemFile(Path.Combine(_dir, "sae-b.crt"), Path.Combine(_dir, "sae-b.key")), _ca);

        // Eight bytes short: refused on the client, and the key is still there for the retry.
        await Assert.ThrowsAsync<ArgumentException>(() => slave.GetHybridKeyWithIdAsync("SAE-A", "SAE-B", keyId, Convert.ToBase64String(ciphertext[..^8]), dk, ek));
        await Assert.ThrowsAsync<ArgumentException>(() => slave.GetHybridKeyWithIdAsync("SAE-A", "SAE-B", keyId, "not base64!", dk, ek));
        var key = await slave.GetHybridKeyWithIdAsync("SAE-A", "SAE-B", keyId, Convert.ToBase64String(ciphertext), dk, ek);
        Assert.Equal(32, key.Key.Length);
    }

    [Fact]
    public async Task Crl_IsReloadedWithoutRestart_AndCertificatesToo()
    {
        using (var c = Client("sae-c"))
        {
            Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/api/v1/keys/SAE-A/status")).StatusCode);
        }

        DemoPki.Revoke(_dir, [Path.Combine(_dir, "sae-c.crt")]);
        await Eventually(async () =>
        {
            using var c = Client("sae-c");
            try
            {
                await c.GetAsync("/api/v1/keys/SAE-A/status");
                return false;
            }
            catch (HttpRequestException)
            {
                return true;
            }
        });
        Assert.Contains(_logs.Lines, l => l.Contains("the certificate is revoked", StringComparison.Ordinal));

        // A new server certificate is served to new connections.
        string before = ServerThumbprint();
        DemoPki.Issue(_dir, "kme-a", server: true, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30)).Dispose();
        await Eventually(() => Task.FromResult(ServerThumbprint() != before));
        using var a = Client("sae-a");
        Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/api/v1/keys/SAE-B/status")).StatusCode);
    }

    [Fact]
    public void Crl_OfAnotherCa_OrStale_IsRefusedAtStart()
    {
        string other = Directory.CreateTempSubdirectory("vnq-other-ca-").FullName;
        try
        {
            DemoPki.Init(other, [], ["x"]);
            DemoPki.Revoke(other, [Path.Combine(other, "x.crt")]);
            var foreign = Clone(_options, o => o.ClientCrl = Path.Combine(other, "ca.crl"));
            var e = Assert.Throws<KmsConfigurationException>(() => KmeHost.Create(foreign, new KeyEncryption(new byte[32])));
            Assert.Equal("clientCrl", e.Field);

            // Signed by our CA, but its nextUpdate has passed.
            using var ca = X509Certificate2.CreateFromPemFile(Path.Combine(_dir, "ca.crt"), Path.Combine(_dir, "ca.key"));
            byte[] stale = new CertificateRevocationListBuilder().Build(ca, BigInteger.One, DateTimeOffset.UtcNow.AddDays(-1), HashAlgorithmName.SHA256, thisUpdate: DateTimeOffset.UtcNow.AddDays(-8));
            string stalePath = Path.Combine(other, "stale.crl");
            File.WriteAllText(stalePath, PemEncoding.WriteString("X509 CRL", stale));
            e = Assert.Throws<KmsConfigurationException>(() => KmeHost.Create(Clone(_options, o => o.ClientCrl = stalePath), new KeyEncryption(new byte[32])));
            Assert.Contains("stale", e.Message);
        }
        finally
        {
            Directory.Delete(other, true);
        }
    }

    [Fact]
    public async Task Health_AndMetrics_OnTheManagementPortOnly()
    {
        using var a = Client("sae-a");
        await a.PostAsync("/api/v1/keys/SAE-B/enc_keys", Json("""{"number":2}"""));
        using var plain = new HttpClient { BaseAddress = _host.ManagementAddress };
        Assert.Equal(HttpStatusCode.OK, (await plain.GetAsync("/health/live")).StatusCode);
        var ready = await plain.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        string metrics = await plain.GetStringAsync("/metrics");
        Assert.Contains("kms_requests_total{endpoint=\"enc_keys\",status=\"200\"} 1", metrics);
        Assert.Contains("kms_key_bytes_out_total 64", metrics);
        Assert.Contains("kms_stored_keys{master=\"SAE-A\",slaves=\"SAE-B\"} 2", metrics);
        Assert.Contains("kms_key_bytes_in_total", metrics);

        // Not on the SAE port, and the key API not on the management port.
        Assert.Equal(HttpStatusCode.NotFound, (await a.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await plain.GetAsync("/api/v1/keys/SAE-B/status")).StatusCode);
    }

    private string ServerThumbprint()
    {
        using var tcp = new TcpClient();
        tcp.Connect(IPAddress.Loopback, _host.BaseAddress.Port);
        using var tls = new SslStream(tcp.GetStream());
        X509Certificate2? seen = null;
        tls.AuthenticateAsClient(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [X509Certificate2.CreateFromPemFile(Path.Combine(_dir, "sae-a.crt"), Path.Combine(_dir, "sae-a.key"))],
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                seen = cert as X509Certificate2;
                return true;
            },
        });
        return DemoPki.Thumbprint(seen!);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the change was not picked up within 15 s");
            await Task.Delay(200);
        }
    }

    private static KmsOptions Clone(KmsOptions options, Action<KmsOptions> change)
    {
        var copy = JsonSerializer.Deserialize<KmsOptions>(JsonSerializer.Serialize(options))!;
        copy.Port = 0;
        copy.StorePath = Path.Combine(Path.GetTempPath(), $"vnq-clone-{Guid.NewGuid():N}.db");
        change(copy);
        return copy;
    }
}

/// <summary>Every log line a KME writes, as text (message and exception), for tests.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner._lines)
            {
                owner._lines.Add($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
