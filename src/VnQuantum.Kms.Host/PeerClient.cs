using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Host;

/// <summary>One key of a KME-to-KME reservation message.</summary>
internal sealed record PeerKey(
    [property: JsonPropertyName("key_ID")] Guid KeyId,
    [property: JsonPropertyName("segment")] long Segment,
    [property: JsonPropertyName("offset")] int Offset,
    [property: JsonPropertyName("bytes")] int Bytes);

/// <summary>
/// The KME-to-KME reservation message (in the spirit of ETSI GS QKD 020's key-relay notifications): which key IDs
/// were cut where in the shared stream, for which master and slaves.
/// </summary>
internal sealed record PeerReservation(
    [property: JsonPropertyName("master_SAE_ID")] string Master,
    [property: JsonPropertyName("slave_SAE_IDs")] IReadOnlyList<string> Slaves,
    [property: JsonPropertyName("keys")] IReadOnlyList<PeerKey> Keys,
    [property: JsonPropertyName("next_segment")] long NextSegment)
{
    public static PeerReservation From(Reservation r) =>
        new(r.Master, r.Slaves, r.Keys.Select(k => new PeerKey(k.Id, k.Segment, k.Offset, k.Bytes)).ToList(), r.NextSegment);

    public Reservation ToReservation() =>
        new(Master, Slaves, Keys.Select(k => new KeyLocation(k.KeyId, k.Segment, k.Offset, k.Bytes)).ToList(), NextSegment);
}

/// <summary>The KME-to-KME relay message (after ETSI GS QKD 020): end-to-end key IDs, the hop key's place in the
/// link's stream, and the end-to-end keys one-time-padded with it (Base64; absent on the first hop).</summary>
internal sealed record PeerRelay(
    [property: JsonPropertyName("origin_KME_ID")] string Origin,
    [property: JsonPropertyName("destination_KME_ID")] string Destination,
    [property: JsonPropertyName("master_SAE_ID")] string Master,
    [property: JsonPropertyName("slave_SAE_IDs")] IReadOnlyList<string> Slaves,
    [property: JsonPropertyName("key_IDs")] IReadOnlyList<Guid> KeyIds,
    [property: JsonPropertyName("hop")] PeerReservation Hop,
    [property: JsonPropertyName("ciphertexts")] IReadOnlyList<string>? Ciphertexts)
{
    public static PeerRelay From(RelayRequest r) =>
        new(r.Origin, r.Destination, r.Master, r.Slaves, r.KeyIds, PeerReservation.From(r.Hop), r.Ciphertexts?.Select(Convert.ToBase64String).ToList());

    /// <exception cref="FormatException">A ciphertext is not Base64.</exception>
    public RelayRequest ToRequest() =>
        new(Origin, Destination, Master, Slaves, KeyIds, Hop.ToReservation(), Ciphertexts?.Select(Convert.FromBase64String).ToList());
}

/// <summary>IDs to burn at a peer.</summary>
internal sealed record PeerBurn([property: JsonPropertyName("key_IDs")] IReadOnlyList<Guid> KeyIds);

/// <summary>
/// HTTPS client from this KME to its peers: mutual TLS with this KME's certificate (as reloaded), and the peer must
/// present the certificate whose thumbprint the configuration pins. A transport failure or timeout throws (the peer
/// is unreachable); an answer that is not a success returns false (the peer is there but refused).
/// </summary>
internal sealed class PeerClient : IDisposable
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    public PeerClient(KmsOptions options, KmeCredentials credentials)
    {
        foreach (var (kme, peer) in options.Peers)
        {
            string pinned = peer.CertificateThumbprint;
            var ssl = new SslClientAuthenticationOptions
            {
                LocalCertificateSelectionCallback = (_, _, _, _, _) => credentials.Server,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                CertificateChainPolicy = new X509ChainPolicy { DisableCertificateDownloads = true, RevocationMode = X509RevocationMode.NoCheck },
                RemoteCertificateValidationCallback = (_, cert, _, _) => cert is X509Certificate2 c && IsPeer(c, pinned, credentials),
            };
            _clients[kme] = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = ssl,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(Math.Min(options.PeerTimeoutSeconds, 5)),
            })
            {
                BaseAddress = new Uri(peer.Url),
                Timeout = TimeSpan.FromSeconds(options.PeerTimeoutSeconds),
            };
        }
    }

    /// <summary>The pinned certificate, chaining to the CA, and not revoked by a current CRL.</summary>
    private static bool IsPeer(X509Certificate2 cert, string pinned, KmeCredentials credentials)
    {
        if (DemoPki.Thumbprint(cert) != pinned)
        {
            return false;
        }

        var now = credentials.Current;
        return ChainTrust.ChainsTo(cert, now.Ca) && (now.Crl is not { } crl || (!crl.IsStale(DateTimeOffset.UtcNow) && !crl.IsRevoked(cert)));
    }

    /// <summary>True once the peer has durably recorded the reservation.</summary>
    public async Task<bool> SendReservationAsync(string peer, Reservation reservation, CancellationToken cancel)
    {
        if (!_clients.TryGetValue(peer, out var client))
        {
            return false;
        }

        using var response = await client.PostAsJsonAsync("/api/v1/kme/reservations", PeerReservation.From(reservation), cancel);
        return response.IsSuccessStatusCode;
    }

    /// <summary>True once the rest of the route has recorded the relayed keys.</summary>
    public async Task<bool> SendRelayAsync(string peer, RelayRequest request, CancellationToken cancel)
    {
        if (!_clients.TryGetValue(peer, out var client))
        {
            return false;
        }

        using var response = await client.PostAsJsonAsync("/api/v1/kme/relay", PeerRelay.From(request), cancel);
        return response.IsSuccessStatusCode;
    }

    /// <summary>Whether the peer answers its KME-to-KME ping over mutual TLS; false (never throws) when not.</summary>
    public async Task<bool> PingAsync(string peer, CancellationToken cancel)
    {
        if (!_clients.TryGetValue(peer, out var client))
        {
            return false;
        }

        try
        {
            using var response = await client.GetAsync("/api/v1/kme/ping", cancel);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>Tells the peer to burn these IDs; true once it has. False (never throws) when it could not be told.</summary>
    public async Task<bool> SendBurnAsync(string peer, IReadOnlyList<Guid> ids, CancellationToken cancel)
    {
        if (!_clients.TryGetValue(peer, out var client))
        {
            return false;
        }

        try
        {
            using var response = await client.PostAsJsonAsync("/api/v1/kme/burn", new PeerBurn(ids), cancel);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        foreach (var c in _clients.Values)
        {
            c.Dispose();
        }
    }
}
