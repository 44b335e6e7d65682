using System.Net;
using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VnQuantum.Kms.Etsi014;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Host;

/// <summary>
/// One KME as an HTTPS service: ETSI GS QKD 014 V1.1.1 on <c>/api/v1/keys/…</c>, its contract on
/// <c>/api/v1/openapi.json</c>. TLS 1.2/1.3 (AEAD suites only) with a client certificate required: a client without
/// one, with a chain that does not end at the configured CA, expired, or on the CRL is refused in the handshake; a
/// valid certificate that maps to no SAE gets 401 with the Error body before any request body is read. Health and
/// Prometheus metrics are served on a separate plain-HTTP management port when one is configured.
/// </summary>
public sealed class KmeHost : IAsyncDisposable
{
    /// <summary>Longest path and query the key API reads; longer ones get 414 with the Error body.</summary>
    public const int MaxUrlLength = 4096;

    private readonly WebApplication _app;
    private readonly SqlKeyStore _store;
    private readonly KeyEncryption _encryption;
    private readonly PeerClient _peers;
    private readonly KeyService _service;
    private readonly KmeCredentials _credentials;
    private readonly KmsMetrics _metrics;
    private readonly KmsOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly AuditLog? _audit;
    private readonly bool _ownsEncryption;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _maintenance;

    private KmeHost(WebApplication app, KmsOptions options, SqlKeyStore store, KeyEncryption encryption, PeerClient peers, KeyService service, KmeCredentials credentials, KmsMetrics metrics, ILoggerFactory loggers, AuditLog? audit, bool ownsEncryption)
    {
        _app = app;
        _options = options;
        _store = store;
        _encryption = encryption;
        _peers = peers;
        _service = service;
        _credentials = credentials;
        _metrics = metrics;
        _loggers = loggers;
        _log = loggers.CreateLogger("VnQuantum.Kms");
        _audit = audit;
        _ownsEncryption = ownsEncryption;
    }

    /// <summary>The store, for key sources that feed it.</summary>
    public IKeyStore Store => _store;

    /// <summary>The operational logger (console, text or JSON), for the shell's messages at start.</summary>
    public ILogger Log => _log;

    /// <summary>The HTTPS base address once started, e.g. https://127.0.0.1:8443.</summary>
    public Uri BaseAddress => new(Addresses().First(a => a.StartsWith("https:", StringComparison.Ordinal)));

    /// <summary>The management base address (health, metrics) once started, or null when none is configured.</summary>
    public Uri? ManagementAddress => Addresses().FirstOrDefault(a => a.StartsWith("http:", StringComparison.Ordinal)) is string a ? new Uri(a) : null;

    /// <summary>
    /// Builds the host from options. Throws <see cref="ArgumentException"/> listing every invalid field, or
    /// <see cref="KmsConfigurationException"/> naming the field whose file or value cannot be used.
    /// </summary>
    /// <param name="logSink">Where the operational log goes instead of the console (tests read it).</param>
    public static KmeHost Create(KmsOptions options, KeyEncryption? encryption = null, AuditLog? audit = null, ILoggerProvider? logSink = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Normalize();
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid KME configuration: " + string.Join("; ", problems));
        }

        var loggers = LoggerFactory.Create(logging => ConfigureLogging(logging, options, logSink));
        var log = loggers.CreateLogger("VnQuantum.Kms");
        bool ownsEncryption = encryption is null;
        SqlKeyStore? store = null;
        KmeCredentials? credentials = null;
        try
        {
            encryption ??= Configured("kekFile", options.KekFile ?? "VNQ_KMS_KEK", () => KeyEncryption.FromFileOrEnvironment(options.KekFile));
            store = options.PostgresConnection is string pg
                ? Configured("postgresConnection", "PostgreSQL", () => new PostgresKeyStore(pg, encryption, options.PostgresSchema))
                : Configured("storePath", options.StorePath, () => new SqliteKeyStore(options.StorePath, encryption));
            credentials = new KmeCredentials(options, log);
            if (audit is null && (options.AuditKeyFile is not null || Environment.GetEnvironmentVariable("VNQ_KMS_AUDIT_KEY") is not null))
            {
                byte[] auditKey = Configured("auditKeyFile", options.AuditKeyFile ?? "VNQ_KMS_AUDIT_KEY", () => AuditLog.LoadKey(options.AuditKeyFile));
                string auditPath = options.AuditLogPath ?? Path.ChangeExtension(options.StorePath, ".audit.jsonl");
                audit = Configured("auditLogPath", auditPath, () => new AuditLog(auditPath, auditKey));
                CryptographicOperations.ZeroMemory(auditKey);
            }
        }
        catch
        {
            store?.Dispose();
            credentials?.Dispose();
            if (ownsEncryption)
            {
                encryption?.Dispose();
            }

            loggers.Dispose();
            throw;
        }

        var peers = new PeerClient(options, credentials);
        var service = new KeyService(options, store, peers.SendReservationAsync, peers.SendRelayAsync);
        var metrics = new KmsMetrics(options, store, service);
        service.Health.Changed += (peer, up, why) =>
        {
            if (up)
            {
                log.LogInformation("peer KME {Peer} is reachable again", peer);
            }
            else
            {
                log.LogWarning("peer KME {Peer} is unreachable ({Why}); enc_keys over its link get 503 without reserving until it answers", peer, why);
            }
        };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Bounded before anyone is known: connections, header sizes and times, and bodies (each endpoint lowers the
            // body limit further to what its largest legal request needs).
            kestrel.Limits.MaxConcurrentConnections = 1024;
            kestrel.Limits.MaxRequestBodySize = PeerBodyLimit(options);
            kestrel.Limits.MaxRequestLineSize = 4 * MaxUrlLength;
            kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(10);
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.Port, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (_, _) => credentials.Server,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                HandshakeTimeout = TimeSpan.FromSeconds(10),
                // Revocation is the configured CRL's business, checked below: the handshake fetches nothing.
                CheckCertificateRevocation = false,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (cert, _, _) =>
                {
                    if (credentials.IsTrusted(cert, out string? refusal))
                    {
                        return true;
                    }

                    metrics.HandshakeRefused();
                    log.LogWarning("refused a client certificate at the TLS handshake: {Subject} (SHA-256 {Thumbprint}): {Reason}", cert.Subject, DemoPki.Thumbprint(cert), refusal);
                    return false;
                },
                OnAuthenticate = (_, ssl) =>
                {
                    // Before anyone is known, the server must not go fetching a client's AIA or CRL URLs.
                    ssl.CertificateRevocationCheckMode = X509RevocationMode.NoCheck;
                    ssl.CertificateChainPolicy = new X509ChainPolicy { DisableCertificateDownloads = true, RevocationMode = X509RevocationMode.NoCheck };
                    if (AeadOnly is { } policy)
                    {
                        ssl.CipherSuitesPolicy = policy;
                    }
                },
            }));
            if (options.ManagementPort is int managementPort)
            {
                kestrel.Listen(IPAddress.Parse(options.ManagementAddress), managementPort);
            }
        });

        var app = builder.Build();
        var host = new KmeHost(app, options, store, encryption, peers, service, credentials, metrics, loggers, audit, ownsEncryption);
        host.MapPipeline();
        return host;
    }

    /// <summary>
    /// Burns keys a crash left pending (never confirmed to a master) with a durable burn notice for each peer, starts
    /// listening, and starts the maintenance loop (peer probes, burn notices, expiry, compaction).
    /// </summary>
    /// <exception cref="KmsConfigurationException">The port is taken (field <c>port</c> or <c>managementPort</c>).</exception>
    public async Task StartAsync(CancellationToken cancel = default)
    {
        var pending = _service.BurnPending();
        if (pending.Count > 0)
        {
            _log.LogWarning("burned {Count} keys left pending by an earlier stop; the peers are told to burn their copies", pending.Count);
        }

        try
        {
            await _app.StartAsync(cancel);
        }
        catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            bool management = _options.ManagementPort is int m && e.Message.Contains($":{m}", StringComparison.Ordinal) && m != _options.Port;
            throw new KmsConfigurationException(management ? "managementPort" : "port", management
                ? $"port {_options.ManagementPort} on {_options.ManagementAddress} is already in use"
                : $"port {_options.Port} on {_options.ListenAddress} is already in use");
        }

        _log.LogInformation("KME {KmeId} serving ETSI GS QKD 014 on {Address}", _options.KmeId, BaseAddress);
        _maintenance = Task.Run(() => MaintainAsync(_stopping.Token));
    }

    public Task WaitForShutdownAsync(CancellationToken cancel = default) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, cancel);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_maintenance is not null)
        {
            try
            {
                await _maintenance;
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        _peers.Dispose();
        _store.Dispose();
        _audit?.Dispose();
        if (_ownsEncryption)
        {
            _encryption.Dispose();
        }

        _credentials.Dispose();
        _loggers.Dispose();
        _stopping.Dispose();
    }

    /// <summary>TLS 1.3's suites and TLS 1.2's ECDHE suites with AES-GCM or ChaCha20-Poly1305: no CBC, no static RSA.
    /// Null where the platform does not let a server choose (Windows), which then uses its own defaults.</summary>
    internal static CipherSuitesPolicy? AeadOnly { get; } = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()
        ? new CipherSuitesPolicy(
        [
            TlsCipherSuite.TLS_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
            TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ])
        : null;

    /// <summary>Largest enc_keys body: a Key request with every optional field, max_SAE_ID_count slave IDs.</summary>
    internal static long EncKeysBodyLimit(KmsOptions options) => 4096 + (options.MaxSaeIdCount * 512L);

    /// <summary>Largest dec_keys body: max_key_per_request entries of {"key_ID": "…"} with generous whitespace.</summary>
    internal static long DecKeysBodyLimit(KmsOptions options) => 1024 + (options.MaxKeyPerRequest * 128L);

    /// <summary>Largest KME-to-KME body: a relay hop with max_key_per_request keys of max_key_size, Base64.</summary>
    internal static long PeerBodyLimit(KmsOptions options) => 64 * 1024 + (options.MaxKeyPerRequest * ((options.MaxKeySize / 8 * 4 / 3) + 512L));

    private static void ConfigureLogging(ILoggingBuilder logging, KmsOptions options, ILoggerProvider? sink)
    {
        logging.SetMinimumLevel(LogLevel.Information);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        if (sink is not null)
        {
            logging.AddProvider(sink);
        }
        else if (options.LogFormat == "json")
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddSimpleConsole(text =>
            {
                text.SingleLine = true;
                text.UseUtcTimestamp = true;
                text.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
    }

    private static T Configured<T>(string field, string what, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or FormatException or ArgumentException or CryptographicException or System.Data.Common.DbException or System.Net.Sockets.SocketException)
        {
            throw new KmsConfigurationException(field, $"{what}: {e.Message}");
        }
    }

    private IEnumerable<string> Addresses() => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;

    private void MapPipeline()
    {
        var app = _app;

        // Any error status without a body of its own (405 from routing, 413 from Kestrel's body limit) gets the
        // standard's Error body.
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            response.ContentType = "application/json";
            await response.WriteAsJsonAsync(new Error(ReasonPhrases.GetReasonPhrase(response.StatusCode).ToLowerInvariant()));
        });
        app.Use(async (http, next) =>
        {
            bool management = http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/metrics");
            if (management != !http.Request.IsHttps || (!http.Request.IsHttps && _options.ManagementPort is null))
            {
                // Health and metrics only on the management port, the key API only over mutual TLS.
                await Results.Json(new Error("no such endpoint: see /api/v1/openapi.json"), statusCode: 404).ExecuteAsync(http);
                return;
            }

            if ((http.Request.Path.Value?.Length ?? 0) + (http.Request.QueryString.Value?.Length ?? 0) > MaxUrlLength)
            {
                await Results.Json(new Error($"the request URL is longer than {MaxUrlLength} characters"), statusCode: 414).ExecuteAsync(http);
                return;
            }

            await next(http);
            if (http.Request.Path.StartsWithSegments("/api/v1/keys", out var rest))
            {
                _metrics.Request(Endpoint(rest), http.Response.StatusCode);
            }
        });

        MapKeyEndpoints(app);
        MapPeerEndpoints(app);
        MapManagementEndpoints(app);
        app.MapGet("/api/v1/openapi.json", () => Results.Stream(typeof(KmeHost).Assembly.GetManifestResourceStream("openapi.json")!, "application/json"));
        app.MapFallback(() => Results.Json(new Error("no such endpoint: see /api/v1/openapi.json"), statusCode: 404));
    }

    private static string Endpoint(PathString rest)
    {
        string last = rest.Value?.Split('/').LastOrDefault() ?? "";
        return last is "status" or "enc_keys" or "dec_keys" ? last : "other";
    }

    private void MapKeyEndpoints(WebApplication app)
    {
        var keys = app.MapGroup("/api/v1/keys");
        keys.MapGet("/{slave}/status", (HttpContext http, string slave) =>
            WithCallerAsync(http, caller => Reply(caller, "status", slave, _service.GetStatus(caller, slave))));
        keys.MapGet("/{slave}/enc_keys", (HttpContext http, string slave, string? number, string? size) =>
            WithCallerAsync(http, async caller =>
            {
                var (request, problem) = KeyRequestReader.FromQuery(number, size);
                return await Reply(caller, "enc_keys", slave, request is null ? ApiResult<KeyContainer>.BadRequest(problem!) : await _service.GetEncKeys(caller, slave, request, http.RequestAborted));
            }));
        keys.MapPost("/{slave}/enc_keys", (HttpContext http, string slave) =>
            WithCallerAsync(http, async caller =>
            {
                // The caller is known before a byte of the body is read, and the body is capped at what a legal request needs.
                if (await ReadBody(http, EncKeysBodyLimit(_options)) is not byte[] body)
                {
                    return await Reply(caller, "enc_keys", slave, ApiResult<KeyContainer>.Failure(413, $"the Key request is larger than {EncKeysBodyLimit(_options)} bytes"));
                }

                var (request, problem) = KeyRequestReader.FromJson(body);
                return await Reply(caller, "enc_keys", slave, request is null ? ApiResult<KeyContainer>.BadRequest(problem!) : await _service.GetEncKeys(caller, slave, request, http.RequestAborted));
            }));
        keys.MapGet("/{master}/dec_keys", (HttpContext http, string master, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "key_ID")] string? keyId) =>
            WithCallerAsync(http, caller => DecKeys(http, caller, master, KeyRequestReader.KeyIdFromQuery(keyId))));
        keys.MapPost("/{master}/dec_keys", (HttpContext http, string master) =>
            WithCallerAsync(http, async caller =>
            {
                if (await ReadBody(http, DecKeysBodyLimit(_options)) is not byte[] body)
                {
                    return await Reply(caller, "dec_keys", master, ApiResult<KeyContainer>.Failure(413, $"the Key IDs object is larger than {DecKeysBodyLimit(_options)} bytes (max_key_per_request {_options.MaxKeyPerRequest})"));
                }

                return await DecKeys(http, caller, master, KeyRequestReader.KeyIdsFromJson(body));
            }));

        foreach (var (pattern, allow) in new[] { ("/{sae}/status", "GET"), ("/{sae}/enc_keys", "GET, POST"), ("/{sae}/dec_keys", "GET, POST") })
        {
            keys.MapMethods(pattern, ["PUT", "DELETE", "PATCH", "OPTIONS"], (HttpContext http) =>
            {
                http.Response.Headers.Allow = allow;
                return Results.Json(new Error($"method {http.Request.Method} is not allowed here (allowed: {allow})"), statusCode: 405);
            });
        }

        if (_options.EnableFloorEndpoint)
        {
            byte[] fixedBytes = new byte[32];
            app.MapGet("/api/v1/floor", (HttpContext http) => WithCaller(http, _ => Results.Bytes(fixedBytes, "application/octet-stream")));
        }
    }

    private async Task<IResult> DecKeys(HttpContext http, string caller, string master, (IReadOnlyList<Guid>? Ids, string? Problem) parsed)
    {
        var (ids, problem) = parsed;
        if (ids is null)
        {
            return await Reply(caller, "dec_keys", master, ApiResult<KeyContainer>.BadRequest(problem!));
        }

        // Written (and synced) before the delivery commits: a delivery a crash cuts short still has its entry.
        var asked = ids.Select(i => i.ToString("D")).ToList();
        if (_audit is not null)
        {
            await _audit.AppendDurableAsync(caller, "dec_keys.begin", master, asked, 0, 0);
        }

        return await Reply(caller, "dec_keys", master, _service.GetDecKeys(caller, master, ids), asked);
    }

    /// <summary>Audits, counts and logs the answer; never key material. An enc_keys answer that hands out keys waits
    /// until its entry is on the disk; a dec_keys answer's entry is flushed to the operating system only, since its
    /// <c>dec_keys.begin</c> entry, synced before the delivery committed, already names the keys.</summary>
    private async Task<IResult> Reply<T>(string caller, string action, string target, ApiResult<T> result, IReadOnlyList<string>? asked = null)
    {
        var container = result.Value as KeyContainer;
        var ids = container?.Keys.Select(k => k.KeyId).ToList() ?? asked?.ToList() ?? [];
        long bits = container?.Keys.Sum(k => (long)Base64Length(k.Key) * 8) ?? 0;
        try
        {
            if (_audit is not null && container is not null && action == "enc_keys")
            {
                await _audit.AppendDurableAsync(caller, action, target, ids, bits, result.StatusCode);
            }
            else
            {
                _audit?.Append(caller, action, target, ids, bits, result.StatusCode);
            }
        }
        catch (IOException e) when (container is not null && action == "enc_keys")
        {
            // Keys nobody could audit are not handed out: burned here, with notices to every peer.
            _store.Burn([.. ids.Select(Guid.Parse)], notify: [.. _options.Peers.Keys]);

            _log.LogError("the audit log could not be written ({Problem}); {Count} keys for {Caller} were burned instead of handed out", e.Message, ids.Count, caller);
            return Results.Json(new Error("the audit log cannot be written; no keys were handed out, try again later"), statusCode: 503);
        }
        catch (IOException e)
        {
            // A dec_keys result: its delivery committed, and its dec_keys.begin entry (synced) names the keys.
            _log.LogError("the audit log could not be written ({Problem}) after {Action} by {Caller}", e.Message, action, caller);
        }

        if (container is not null)
        {
            _metrics.KeysOut(bits / 8);
        }
        else if (!result.IsSuccess)
        {
            var level = result.StatusCode >= 500 ? LogLevel.Warning : LogLevel.Information;
            _log.Log(level, "{Action} {Target} by {Caller} refused with {Status}: {Message}", action, target, caller, result.StatusCode, result.Error?.Message);
        }

        return result.IsSuccess ? Results.Json(result.Value) : Results.Json(result.Error, statusCode: result.StatusCode);
    }

    private static int Base64Length(string base64) => (base64.Length / 4 * 3) - base64.Count(ch => ch == '=');

    /// <summary>KME-to-KME: a peer (identified by its pinned certificate) records its reservations here, or burns keys.</summary>
    private void MapPeerEndpoints(WebApplication app)
    {
        string? PeerOf(HttpContext http)
        {
            var cert = http.Connection.ClientCertificate;
            string? peer = cert is null ? null : _options.Peers.FirstOrDefault(p => p.Value.CertificateThumbprint == DemoPki.Thumbprint(cert)).Key;
            if (peer is null)
            {
                _log.LogWarning("refused a KME-to-KME call {Method} {Path}: the client certificate {Thumbprint} is not a configured peer", http.Request.Method, http.Request.Path, cert is null ? "none" : DemoPki.Thumbprint(cert));
                return null;
            }

            // Only this KME's own exchanges tell whether it can reach the peer: a call from it says nothing of the way back.
            return peer;
        }

        IResult NotAPeer() => Results.Json(new Error("the client certificate is not a configured peer KME"), statusCode: 401);

        async Task<(T? Message, IResult? Problem)> ReadPeer<T>(HttpContext http, string what)
        {
            if (await ReadBody(http, PeerBodyLimit(_options)) is not byte[] body)
            {
                _log.LogWarning("refused a {What} from a peer: larger than {Limit} bytes (413)", what, PeerBodyLimit(_options));
                return (default, Results.Json(new Error($"the {what} is larger than {PeerBodyLimit(_options)} bytes"), statusCode: 413));
            }

            try
            {
                return (System.Text.Json.JsonSerializer.Deserialize<T>(body), null);
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
            {
                _log.LogWarning("refused a malformed {What} from a peer (400): {Problem}", what, e.Message);
                return (default, Results.Json(new Error($"malformed {what}: {e.Message}"), statusCode: 400));
            }
        }

        app.MapGet("/api/v1/kme/ping", (HttpContext http) => PeerOf(http) is null ? NotAPeer() : Results.Json(new { kme_ID = _options.KmeId }));
        app.MapPost("/api/v1/kme/reservations", async (HttpContext http) =>
        {
            if (PeerOf(http) is not string peer)
            {
                return NotAPeer();
            }

            var (message, problem) = await ReadPeer<PeerReservation>(http, "reservation");
            if (problem is not null)
            {
                return problem;
            }

            if (message is not null && _service.RecordPeerReservation(peer, message.ToReservation()))
            {
                return Results.Json(new { recorded = message.Keys.Count });
            }

            _log.LogWarning("refused a reservation from {Peer}: it does not match this KME's copy of the key stream", peer);
            return Results.Json(new Error("the reservation does not match this KME's copy of the key stream"), statusCode: 409);
        });
        app.MapPost("/api/v1/kme/relay", async (HttpContext http) =>
        {
            if (PeerOf(http) is not string peer)
            {
                return NotAPeer();
            }

            var (message, problem) = await ReadPeer<PeerRelay>(http, "relay message");
            if (problem is not null)
            {
                return problem;
            }

            RelayRequest request;
            try
            {
                request = message?.ToRequest() ?? throw new FormatException("empty body");
            }
            catch (FormatException e)
            {
                return Results.Json(new Error($"malformed relay message: {e.Message}"), statusCode: 400);
            }

            if (await _service.Relay(peer, request, http.RequestAborted))
            {
                return Results.Json(new { relayed = request.KeyIds.Count });
            }

            _log.LogWarning("a relay from {Peer} towards {Destination} could not be completed", peer, request.Destination);
            return Results.Json(new Error("the relay could not be completed (key stream, route or a later hop)"), statusCode: 409);
        });
        app.MapPost("/api/v1/kme/burn", async (HttpContext http) =>
        {
            if (PeerOf(http) is not string peer)
            {
                return NotAPeer();
            }

            var (message, problem) = await ReadPeer<PeerBurn>(http, "burn request");
            if (problem is not null)
            {
                return problem;
            }

            var ids = message?.KeyIds ?? [];
            _service.BurnForPeer(peer, ids);
            if (ids.Count > 0)
            {
                _log.LogInformation("burned {Count} keys at the request of {Peer}", ids.Count, peer);
            }

            return Results.Json(new { burned = ids.Count });
        });
    }

    private void MapManagementEndpoints(WebApplication app)
    {
        app.MapGet("/health/live", () => Results.Json(new { status = "live" }));
        app.MapGet("/health/ready", () =>
        {
            var problems = new List<string>();
            try
            {
                _store.HasStream(KeyService.LocalLink);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                problems.Add($"store: {e.Message}");
            }

            foreach (var source in _options.KeySources.Prepend(_options.KeySource).Where(s => s.File is not null || s.QkdLink is not null))
            {
                if (problems.Count == 0 && !_store.HasStream(source.Link))
                {
                    problems.Add($"key source of link '{source.Link}': no key material yet");
                }
            }

            foreach (string peer in _options.Peers.Keys.Where(p => !_service.Health.IsUp(p)))
            {
                problems.Add($"peer KME '{peer}' unreachable since {_service.Health.DownSince(peer):O}");
            }

            return problems.Count == 0
                ? Results.Json(new { status = "ready" })
                : Results.Json(new { status = "not ready", problems }, statusCode: 503);
        });
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await _metrics.WriteAsync(http.Response.Body, http.RequestAborted);
        });
    }

    /// <summary>
    /// Every 250 ms: probes peers that are down (with back-off), sends them the burn notices they have not
    /// acknowledged; every 5 s erases undelivered keys past their lifetime and compacts the store so erased material
    /// physically goes.
    /// </summary>
    private async Task MaintainAsync(CancellationToken stop)
    {
        var lastCompaction = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(250, stop);
            try
            {
                foreach (string peer in _service.Health.DueForProbe())
                {
                    if (await _peers.PingAsync(peer, stop))
                    {
                        _service.Health.ReportReachable(peer);
                    }
                }

                foreach (string peer in _options.Peers.Keys.Where(_service.Health.IsUp))
                {
                    var notices = _store.BurnNotices(peer, 512);
                    if (notices.Count > 0 && await _peers.SendBurnAsync(peer, notices, stop))
                    {
                        _store.ClearBurnNotices(peer, notices);
                        _log.LogInformation("peer KME {Peer} burned {Count} keys this KME had burned", peer, notices.Count);
                    }
                }

                if (DateTime.UtcNow - lastCompaction > TimeSpan.FromSeconds(5))
                {
                    lastCompaction = DateTime.UtcNow;
                    if (_options.UndeliveredKeyLifetimeHours > 0)
                    {
                        int expired = _store.BurnUndeliveredOlderThan(DateTime.UtcNow.AddHours(-_options.UndeliveredKeyLifetimeHours));
                        if (expired > 0)
                        {
                            _log.LogWarning("erased {Count} keys no slave fetched within {Hours} h (undeliveredKeyLifetimeHours)", expired, _options.UndeliveredKeyLifetimeHours);
                        }
                    }

                    _store.Compact();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log.LogError("maintenance failed, retrying: {Problem}", e.Message);
            }
        }
    }

    /// <summary>The SAE of the request's client certificate, or null after auditing and logging the refusal.</summary>
    private string? Caller(HttpContext http)
    {
        var cert = http.Connection.ClientCertificate;
        if (cert is null || !_options.SaeCertificates.TryGetValue(DemoPki.Thumbprint(cert), out string? sae))
        {
            string who = cert is null ? "none" : DemoPki.Thumbprint(cert);
            _audit?.Append($"unregistered:{who}", http.Request.Method + " " + http.Request.Path, "", [], 0, 401);
            _log.LogWarning("refused {Method} {Path}: the client certificate {Subject} (SHA-256 {Thumbprint}) is not registered to any SAE", http.Request.Method, http.Request.Path, cert?.Subject ?? "(none)", who);
            return null;
        }

        return sae;
    }

    private static IResult Unregistered() => Results.Json(new Error("the client certificate is not registered to any SAE"), statusCode: 401);

    private async Task<IResult> WithCallerAsync(HttpContext http, Func<string, Task<IResult>> handle) =>
        Caller(http) is string sae ? await handle(sae) : Unregistered();

    private IResult WithCaller(HttpContext http, Func<string, IResult> handle) =>
        Caller(http) is string sae ? handle(sae) : Unregistered();

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (checked against Content-Length
    /// before reading, and enforced while reading a chunked body).</summary>
    private static async Task<byte[]?> ReadBody(HttpContext http, long limit)
    {
        if (http.Request.ContentLength > limit)
        {
            return null;
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        try
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            return buffer.Length > limit ? null : buffer.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
    }
}
