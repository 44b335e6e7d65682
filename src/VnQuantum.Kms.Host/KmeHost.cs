using System.Net.Http.Json;
using System.Numerics;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VnQuantum.Kms.Etsi014;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Host;

/// <summary>
/// One KME as an HTTPS service: ETSI GS QKD 014 V1.1.1 on <c>/api/v1/keys/…</c>, its contract on
/// <c>/api/v1/openapi.json</c>. TLS 1.2/1.3 with a client certificate required: a client without one, with a chain
/// that does not end at the configured CA, expired, or on the CRL is refused in the handshake; a valid certificate that
/// maps to no SAE gets 401 with the Error body.
/// </summary>
public sealed class KmeHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IKeyStore _store;
    private readonly KeyEncryption _encryption;
    private readonly PeerClient _peers;
    private readonly KeyService _service;

    private readonly AuditLog? _audit;
    private readonly bool _ownsEncryption;
    private readonly X509Certificate2[] _certificates;

    private KmeHost(WebApplication app, IKeyStore store, KeyEncryption encryption, PeerClient peers, KeyService service, AuditLog? audit, bool ownsEncryption, X509Certificate2[] certificates)
    {
        _audit = audit;
        _ownsEncryption = ownsEncryption;
        _certificates = certificates;
        _app = app;
        _store = store;
        _encryption = encryption;
        _peers = peers;
        _service = service;
    }

    /// <summary>The store, for key sources that feed it.</summary>
    public IKeyStore Store => _store;

    /// <summary>The base address once started, e.g. https://127.0.0.1:8443.</summary>
    public Uri BaseAddress => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>Builds the host from validated options (throws <see cref="ArgumentException"/> naming each bad field).</summary>
    public static KmeHost Create(KmsOptions options, KeyEncryption? encryption = null, AuditLog? audit = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("invalid KME configuration: " + string.Join("; ", problems));
        }

        bool ownsEncryption = encryption is null;
        encryption ??= KeyEncryption.FromFileOrEnvironment(options.KekFile);
        IKeyStore store = options.PostgresConnection is string pg
            ? new PostgresKeyStore(pg, encryption, options.PostgresSchema)
            : new SqliteKeyStore(options.StorePath, encryption);
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(options.ClientCaCertificate));
        var server = X509Certificate2.CreateFromPemFile(options.ServerCertificate, options.ServerKey);
        var peers = new PeerClient(options, server, ca);
        var service = new KeyService(options, store, peers.SendReservationAsync, peers.SendRelayAsync);
        IReadOnlyCollection<BigInteger> revoked = options.ClientCrl is null ? [] : CertificateRevocationList.RevokedSerials(File.ReadAllText(options.ClientCrl)).ToHashSet();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Parse(options.ListenAddress), options.Port, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = server,
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                ClientCertificateValidation = (cert, _, _) => IsTrusted(cert, ca, revoked),
            }));
        });

        if (audit is null && (options.AuditKeyFile is not null || Environment.GetEnvironmentVariable("VNQ_KMS_AUDIT_KEY") is not null))
        {
            byte[] auditKey = AuditLog.LoadKey(options.AuditKeyFile);
            audit = new AuditLog(options.AuditLogPath ?? Path.ChangeExtension(options.StorePath, ".audit.jsonl"), auditKey);
            CryptographicOperations.ZeroMemory(auditKey);
        }

        var app = builder.Build();
        MapEndpoints(app, options, service, audit);
        MapPeerEndpoints(app, options, service, store);
        return new KmeHost(app, store, encryption, peers, service, audit, ownsEncryption, [ca, server]);
    }

    /// <summary>Burns keys a crash left pending (never confirmed to a master), here and at the peers, then listens.</summary>
    public async Task StartAsync(CancellationToken cancel = default)
    {
        var pending = _service.BurnPending();
        await _app.StartAsync(cancel);
        await _peers.BurnEverywhereAsync(pending, cancel);
    }

    public Task WaitForShutdownAsync(CancellationToken cancel = default) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, cancel);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _peers.Dispose();
        _store.Dispose();
        _audit?.Dispose();
        if (_ownsEncryption)
        {
            _encryption.Dispose();
        }

        foreach (var c in _certificates)
        {
            c.Dispose();
        }
    }

    /// <summary>The chain must end at the configured CA (and only it), be within its validity, and not be revoked.</summary>
    internal static bool IsTrusted(X509Certificate2 cert, X509Certificate2 ca, IReadOnlyCollection<BigInteger> revoked) =>
        ChainTrust.ChainsTo(cert, ca, ChainTrust.ClientAuthentication) && !CertificateRevocationList.IsRevoked(cert, revoked);

    private static void MapEndpoints(WebApplication app, KmsOptions options, KeyService service, AuditLog? audit)
    {
        // Every request to the key API is audited: who, what, which IDs, how many bits, the status. Never key bytes.
        IResult Reply<T>(HttpContext http, string action, string target, ApiResult<T> result)
        {
            if (audit is not null)
            {
                var ids = result.Value is KeyContainer c ? c.Keys.Select(k => k.KeyId).ToList() : [];
                long bits = result.Value is KeyContainer kc ? kc.Keys.Sum(k => (long)(k.Key.Length / 4 * 3 - k.Key.Count(ch => ch == '=')) * 8) : 0;
                audit.Append(http.Items["sae"] as string ?? "?", action, target, ids, bits, result.StatusCode);
            }

            return KmeHost.Reply(result);
        }

        var keys = app.MapGroup("/api/v1/keys");
        keys.MapGet("/{slave}/status", (HttpContext http, string slave) =>
            WithCaller(http, options, audit, caller => Reply(http, "status", slave, service.GetStatus(caller, slave))));
        keys.MapGet("/{slave}/enc_keys", (HttpContext http, string slave, string? number, string? size) =>
            WithCallerAsync(http, options, audit, async caller =>
            {
                var (request, problem) = KeyRequestReader.FromQuery(number, size);
                return Reply(http, "enc_keys", slave, request is null ? ApiResult<KeyContainer>.BadRequest(problem!) : await service.GetEncKeys(caller, slave, request, http.RequestAborted));
            }));
        keys.MapPost("/{slave}/enc_keys", async (HttpContext http, string slave) =>
        {
            byte[] body = await ReadBody(http);
            return await WithCallerAsync(http, options, audit, async caller =>
            {
                var (request, problem) = KeyRequestReader.FromJson(body);
                return Reply(http, "enc_keys", slave, request is null ? ApiResult<KeyContainer>.BadRequest(problem!) : await service.GetEncKeys(caller, slave, request, http.RequestAborted));
            });
        });
        keys.MapGet("/{master}/dec_keys", (HttpContext http, string master, [Microsoft.AspNetCore.Mvc.FromQuery(Name = "key_ID")] string? keyId) =>
            WithCaller(http, options, audit, caller =>
            {
                var (ids, problem) = KeyRequestReader.KeyIdFromQuery(keyId);
                return Reply(http, "dec_keys", master, ids is null ? ApiResult<KeyContainer>.BadRequest(problem!) : service.GetDecKeys(caller, master, ids));
            }));
        keys.MapPost("/{master}/dec_keys", async (HttpContext http, string master) =>
        {
            byte[] body = await ReadBody(http);
            return WithCaller(http, options, audit, caller =>
            {
                var (ids, problem) = KeyRequestReader.KeyIdsFromJson(body);
                return Reply(http, "dec_keys", master, ids is null ? ApiResult<KeyContainer>.BadRequest(problem!) : service.GetDecKeys(caller, master, ids));
            });
        });
        if (options.EnableFloorEndpoint)
        {
            byte[] fixedBytes = new byte[32];
            app.MapGet("/api/v1/floor", (HttpContext http) => WithCaller(http, options, audit, _ => Results.Bytes(fixedBytes, "application/octet-stream")));
        }

        app.MapGet("/api/v1/openapi.json", () => Results.Stream(typeof(KmeHost).Assembly.GetManifestResourceStream("openapi.json")!, "application/json"));
        app.MapFallback(() => Results.Json(new Error("no such endpoint: see /api/v1/openapi.json"), statusCode: 404));
    }

    /// <summary>KME-to-KME: a peer (identified by its pinned certificate) records its reservations here, or burns keys.</summary>
    private static void MapPeerEndpoints(WebApplication app, KmsOptions options, KeyService service, IKeyStore store)
    {
        string? PeerOf(HttpContext http)
        {
            var cert = http.Connection.ClientCertificate;
            if (cert is null)
            {
                return null;
            }

            string thumbprint = DemoPki.Thumbprint(cert);
            return options.Peers.FirstOrDefault(p => p.Value.CertificateThumbprint.Equals(thumbprint, StringComparison.OrdinalIgnoreCase)).Key;
        }

        app.MapPost("/api/v1/kme/reservations", async (HttpContext http) =>
        {
            string? peer = PeerOf(http);
            if (peer is null)
            {
                return Results.Json(new Error("the client certificate is not a configured peer KME"), statusCode: 401);
            }

            PeerReservation? message;
            try
            {
                message = await http.Request.ReadFromJsonAsync<PeerReservation>(http.RequestAborted);
            }
            catch (System.Text.Json.JsonException e)
            {
                return Results.Json(new Error($"malformed reservation: {e.Message}"), statusCode: 400);
            }

            return message is not null && service.RecordPeerReservation(peer, message.ToReservation())
                ? Results.Json(new { recorded = message.Keys.Count })
                : Results.Json(new Error("the reservation does not match this KME's copy of the key stream"), statusCode: 409);
        });
        app.MapPost("/api/v1/kme/relay", async (HttpContext http) =>
        {
            string? peer = PeerOf(http);
            if (peer is null)
            {
                return Results.Json(new Error("the client certificate is not a configured peer KME"), statusCode: 401);
            }

            RelayRequest request;
            try
            {
                request = (await http.Request.ReadFromJsonAsync<PeerRelay>(http.RequestAborted))?.ToRequest()
                    ?? throw new FormatException("empty body");
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
            {
                return Results.Json(new Error($"malformed relay message: {e.Message}"), statusCode: 400);
            }

            return await service.Relay(peer, request, http.RequestAborted)
                ? Results.Json(new { relayed = request.KeyIds.Count })
                : Results.Json(new Error("the relay could not be completed (key stream, route or a later hop)"), statusCode: 409);
        });
        app.MapPost("/api/v1/kme/burn", async (HttpContext http) =>
        {
            if (PeerOf(http) is null)
            {
                return Results.Json(new Error("the client certificate is not a configured peer KME"), statusCode: 401);
            }

            PeerBurn? message;
            try
            {
                message = await http.Request.ReadFromJsonAsync<PeerBurn>(http.RequestAborted);
            }
            catch (System.Text.Json.JsonException e)
            {
                return Results.Json(new Error($"malformed burn request: {e.Message}"), statusCode: 400);
            }

            service.BurnForPeer(PeerOf(http)!, message?.KeyIds ?? []);
            return Results.Json(new { burned = message?.KeyIds.Count ?? 0 });
        });
    }

    /// <summary>The SAE of the request's client certificate, or null after auditing the refusal.</summary>
    private static string? Caller(HttpContext http, KmsOptions options, AuditLog? audit)
    {
        var cert = http.Connection.ClientCertificate;
        if (cert is null || !options.SaeCertificates.TryGetValue(DemoPki.Thumbprint(cert), out string? sae))
        {
            audit?.Append($"unregistered:{(cert is null ? "none" : DemoPki.Thumbprint(cert))}", http.Request.Method + " " + http.Request.Path, "", [], 0, 401);
            return null;
        }

        http.Items["sae"] = sae;
        return sae;
    }

    private static IResult Unregistered() => Results.Json(new Error("the client certificate is not registered to any SAE"), statusCode: 401);

    private static async Task<IResult> WithCallerAsync(HttpContext http, KmsOptions options, AuditLog? audit, Func<string, Task<IResult>> handle) =>
        Caller(http, options, audit) is string sae ? await handle(sae) : Unregistered();

    private static IResult WithCaller(HttpContext http, KmsOptions options, AuditLog? audit, Func<string, IResult> handle) =>
        Caller(http, options, audit) is string sae ? handle(sae) : Unregistered();

    private static IResult Reply<T>(ApiResult<T> result) =>
        result.IsSuccess ? Results.Json(result.Value) : Results.Json(result.Error, statusCode: result.StatusCode);

    private static async Task<byte[]> ReadBody(HttpContext http)
    {
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer);
        return buffer.ToArray();
    }
}
