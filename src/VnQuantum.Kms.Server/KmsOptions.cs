namespace VnQuantum.Kms;

/// <summary>
/// Configuration of one KME (the <c>kme-a.json</c> of <c>vnq kms serve --config</c>), validated with messages that
/// name the field.
/// </summary>
public sealed class KmsOptions
{
    /// <summary>This KME's ID, reported as source_KME_ID.</summary>
    public string KmeId { get; set; } = "KME-A";

    /// <summary>Host name or address to listen on. Default loopback.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>HTTPS port; 0 picks a free one.</summary>
    public int Port { get; set; } = 8443;

    /// <summary>SQLite file of the key store (used unless <see cref="PostgresConnection"/> is set).</summary>
    public string StorePath { get; set; } = "kme.db";

    /// <summary>Npgsql connection string: keep the store in PostgreSQL (several KME nodes can share it).</summary>
    public string? PostgresConnection { get; set; }

    /// <summary>PostgreSQL schema of this KME's tables. Default kme.</summary>
    public string PostgresSchema { get; set; } = "kme";

    /// <summary>File with the 32-byte key-encryption key (raw or Base64). Null: the VNQ_KMS_KEK environment variable.</summary>
    public string? KekFile { get; set; }

    /// <summary>PEM of the CA that issues SAE client certificates; the only trust anchor for clients.</summary>
    public string ClientCaCertificate { get; set; } = "ca.crt";

    /// <summary>Optional PEM CRL of that CA; certificates on it are refused at the handshake.</summary>
    public string? ClientCrl { get; set; }

    /// <summary>PEM certificate and key of this KME's HTTPS endpoint.</summary>
    public string ServerCertificate { get; set; } = "kme.crt";

    public string ServerKey { get; set; } = "kme.key";

    /// <summary>
    /// Client certificate → SAE ID: SHA-256 thumbprint (hex, upper case) of each SAE's certificate and the ID it
    /// authenticates. The SAE ID of a request comes only from here, never from the URL or body.
    /// </summary>
    public Dictionary<string, string> SaeCertificates { get; set; } = [];

    /// <summary>Serve <c>GET /api/v1/floor</c> (32 fixed bytes behind the same mTLS and SAE check): the floor the load
    /// benchmark compares enc_keys with. Off by default.</summary>
    public bool EnableFloorEndpoint { get; set; }

    /// <summary>Operational log on the console: "text" (one line per event) or "json" (one JSON object per line). Never
    /// key material.</summary>
    public string LogFormat { get; set; } = "text";

    /// <summary>Plain-HTTP port of <c>/health/live</c>, <c>/health/ready</c> and <c>/metrics</c>, apart from the SAE port
    /// (null: off; 0: any free port). They carry no key material, but they tell who talks to whom: keep them on
    /// loopback or a management network.</summary>
    public int? ManagementPort { get; set; }

    /// <summary>Where the management port listens. Default loopback.</summary>
    public string ManagementAddress { get; set; } = "127.0.0.1";

    /// <summary>Required to serve keys from a simulated QKD link (<c>keySource.qkdLink</c>): they come from a
    /// simulation, not from a QKD device, and are for demonstrations and tests.</summary>
    public bool AllowSimulatedKeys { get; set; }

    /// <summary>Default key size in bits. Default 256.</summary>
    public int KeySize { get; set; } = 256;

    public int MinKeySize { get; set; } = 64;

    public int MaxKeySize { get; set; } = 1024;

    public int MaxKeyPerRequest { get; set; } = 128;

    /// <summary>Largest number of SAEs one key may be shared with (the slave plus additional slaves). Default 4.</summary>
    public int MaxSaeIdCount { get; set; } = 4;

    /// <summary>Keys the store may hold, reported as max_key_count. Default 100000.</summary>
    public int MaxKeyCount { get; set; } = 100_000;

    /// <summary>
    /// Peer KMEs at the other ends of this KME's QKD links, by KME ID: their URL and the SHA-256 thumbprint of the
    /// certificate they present (as server and as client).
    /// </summary>
    public Dictionary<string, PeerOptions> Peers { get; set; } = [];

    /// <summary>How long a master's request waits for the peer KME to record its keys before they are burned and
    /// the master gets 503. Default 10 s.</summary>
    public double PeerTimeoutSeconds { get; set; } = 10;

    /// <summary>Keys one master SAE may lose per minute to exchanges its peer did not acknowledge; past it the master
    /// gets 503 before anything is reserved. Default 256.</summary>
    public int MaxBurnedKeysPerMinute { get; set; } = 256;

    /// <summary>Confirmed keys that a slave has not fetched after this many hours are erased (status 'expired'); 0
    /// keeps them until fetched. Default 24.</summary>
    public double UndeliveredKeyLifetimeHours { get; set; } = 24;

    /// <summary>SAEs attached to other KMEs: SAE ID → KME ID (a peer, or a KME reached through <see cref="Routes"/>). A
    /// master here may ask for keys shared with them.</summary>
    public Dictionary<string, string> RemoteSaes { get; set; } = [];

    /// <summary>
    /// Trusted-node relay: destination KME ID → the peer that is the next hop towards it (written by the network
    /// planner). Keys for an SAE on a KME that is not a peer are relayed hop by hop along these routes.
    /// </summary>
    public Dictionary<string, string> Routes { get; set; } = [];

    /// <summary>Audit log (JSON lines, HMAC-chained). Default kme.audit.jsonl next to the store.</summary>
    public string? AuditLogPath { get; set; }

    /// <summary>File with the 32-byte audit HMAC key (raw or Base64), kept away from the log. Null: VNQ_KMS_AUDIT_KEY,
    /// or no audit log when neither is set.</summary>
    public string? AuditKeyFile { get; set; }

    /// <summary>Where the pool's key material comes from when the KME starts.</summary>
    public KeySourceOptions KeySource { get; set; } = new();

    /// <summary>More key sources, one per further link (a trusted node has a stream per neighbour).</summary>
    public List<KeySourceOptions> KeySources { get; set; } = [];

    /// <summary>A thumbprint as the KME compares it: upper-case hex without separators (colons and spaces, as openssl
    /// and browsers print them, are dropped).</summary>
    public static string NormalizeThumbprint(string thumbprint) =>
        new([.. thumbprint.Where(c => c is not (':' or ' ' or '-')).Select(char.ToUpperInvariant)]);

    /// <summary>Brings thumbprints to the form the KME compares (<see cref="NormalizeThumbprint"/>).</summary>
    public void Normalize()
    {
        SaeCertificates = SaeCertificates.ToDictionary(p => NormalizeThumbprint(p.Key), p => p.Value);
        foreach (var peer in Peers.Values)
        {
            peer.CertificateThumbprint = NormalizeThumbprint(peer.CertificateThumbprint);
        }
    }

    /// <summary>Every problem, naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(KmeId))
        {
            problems.Add("kmeId must not be empty");
        }

        if (Port is < 0 or > 65535)
        {
            problems.Add($"port must be 0–65535 (got {Port})");
        }

        if (MinKeySize <= 0 || MinKeySize % 8 != 0)
        {
            problems.Add($"minKeySize must be a positive multiple of 8 bits (got {MinKeySize})");
        }

        if (MaxKeySize < MinKeySize || MaxKeySize % 8 != 0 || MaxKeySize > Storage.SqlKeyStore.SegmentBytes * 8)
        {
            problems.Add($"maxKeySize must be a multiple of 8 bits within minKeySize..{Storage.SqlKeyStore.SegmentBytes * 8} (got {MaxKeySize})");
        }

        if (KeySize < MinKeySize || KeySize > MaxKeySize || KeySize % 8 != 0)
        {
            problems.Add($"keySize must be a multiple of 8 bits within [minKeySize, maxKeySize] (got {KeySize})");
        }

        if (MaxKeyPerRequest <= 0)
        {
            problems.Add($"maxKeyPerRequest must be positive (got {MaxKeyPerRequest})");
        }

        if (MaxSaeIdCount < 1)
        {
            problems.Add($"maxSaeIdCount must be at least 1 (got {MaxSaeIdCount})");
        }

        foreach (var (source, i) in KeySources.Prepend(KeySource).Select((s, i) => (s, i)))
        {
            string field = i == 0 ? "keySource" : $"keySources[{i - 1}]";
            if (source.QkdLink is not { } q)
            {
                continue;
            }

            if (q.DistanceKm < 0 || q.Pulses < 1e6)
            {
                problems.Add($"{field}.qkdLink needs distanceKm ≥ 0 and pulses ≥ 1e6 (got {q.DistanceKm} km, {q.Pulses:G} pulses)");
            }

            if (q.Seed is null && source.Link != KeyService.LocalLink)
            {
                problems.Add($"{field}.qkdLink feeds link '{source.Link}' without a seed: the two KMEs of a link each run their own simulation, and unseeded (CSPRNG bytes) their streams differ. Give both the same seed (tests), or run both ends in one process (vnq kms demo, vnq net up)");
            }

            if (!AllowSimulatedKeys)
            {
                problems.Add($"{field}.qkdLink is a simulated QKD link, whose keys come from a simulation and not from a QKD device: set allowSimulatedKeys to true to serve them (demonstrations and tests only)");
            }
        }

        if (LogFormat is not ("text" or "json"))
        {
            problems.Add($"logFormat must be text or json (got '{LogFormat}')");
        }

        if (ManagementPort is < 0 or > 65535)
        {
            problems.Add($"managementPort must be 0–65535 (got {ManagementPort})");
        }

        if (MaxBurnedKeysPerMinute < MaxKeyPerRequest)
        {
            problems.Add($"maxBurnedKeysPerMinute must be at least maxKeyPerRequest ({MaxKeyPerRequest}), or a largest request could never be served over a peer link (got {MaxBurnedKeysPerMinute})");
        }

        foreach (string thumbprint in SaeCertificates.Keys)
        {
            if (NormalizeThumbprint(thumbprint) is not { Length: 64 } normal || !normal.All(Uri.IsHexDigit))
            {
                problems.Add($"saeCertificates: '{thumbprint}' is not a SHA-256 thumbprint (64 hex digits, as vnq pki init prints)");
            }
        }

        foreach (var (sae, kme) in RemoteSaes)
        {
            if (!Peers.ContainsKey(kme) && !Routes.ContainsKey(kme))
            {
                problems.Add($"remoteSaes.{sae} names KME '{kme}', which is neither in peers nor in routes");
            }
        }

        foreach (var (destination, next) in Routes)
        {
            if (!Peers.ContainsKey(next))
            {
                problems.Add($"routes.{destination} names next hop '{next}', which is not in peers");
            }
        }

        foreach (var (kme, peer) in Peers)
        {
            if (!Uri.TryCreate(peer.Url, UriKind.Absolute, out var uri) || uri.Scheme != "https")
            {
                problems.Add($"peers.{kme}.url must be an https URL (got '{peer.Url}')");
            }

            if (string.IsNullOrWhiteSpace(peer.CertificateThumbprint))
            {
                problems.Add($"peers.{kme}.certificateThumbprint is required");
            }
        }

        if (SaeCertificates.Count == 0)
        {
            problems.Add("saeCertificates must map at least one client certificate thumbprint to an SAE ID");
        }

        return problems;
    }
}

/// <summary>A peer KME: where it listens and the certificate it presents.</summary>
public sealed class PeerOptions
{
    public string Url { get; set; } = "";

    public string CertificateThumbprint { get; set; } = "";
}

/// <summary>The key source of a KME: a file to replay, or the simulated QKD link and chain of VnQuantum.Qkd.</summary>
public sealed class KeySourceOptions
{
    /// <summary>The link the material belongs to: a peer KME ID, or "local" (both SAEs on this KME). Default local.</summary>
    public string Link { get; set; } = KeyService.LocalLink;

    /// <summary>A file of raw key bytes added to the pool at start.</summary>
    public string? File { get; set; }

    /// <summary>Run the simulated link once at start and add the final key to the pool.</summary>
    public QkdLinkSourceOptions? QkdLink { get; set; }
}

/// <summary>A simulated link run; <c>VnQuantum.Kms.Qkd.QkdKeySources</c> runs it and checks the preset name.</summary>
public sealed class QkdLinkSourceOptions
{
    /// <summary>A link preset of <c>VnQuantum.Qkd.Links.LinkPresets</c> (gys, lim2014, snspd). Default lim2014.</summary>
    public string Preset { get; set; } = "lim2014";

    public double DistanceKm { get; set; } = 25;

    public double Pulses { get; set; } = 1.2e8;

    /// <summary>Seed of the simulation, for tests that need two KME processes to compute the same stream (anyone who
    /// knows it can recompute every key). Null (default): the key bytes are drawn from the operating system's CSPRNG.</summary>
    public ulong? Seed { get; set; }
}
