using Prometheus;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms.Host;

/// <summary>
/// The KME's Prometheus metrics (prometheus-net, a registry per host): requests by endpoint and status, key bytes in
/// and out, stored keys per SAE pair, key bytes left per link, peer state, burned keys, refused handshakes. Labels
/// carry SAE, KME and link IDs, never key IDs or key material.
/// </summary>
internal sealed class KmsMetrics
{
    private readonly CollectorRegistry _registry = Metrics.NewCustomRegistry();
    private readonly Counter _requests;
    private readonly Counter _bytesOut;
    private readonly Counter _handshakesRefused;

    public KmsMetrics(KmsOptions options, SqlKeyStore store, KeyService service)
    {
        var factory = Metrics.WithCustomRegistry(_registry);
        _requests = factory.CreateCounter("kms_requests_total", "ETSI GS QKD 014 requests by endpoint and HTTP status.", "endpoint", "status");
        _bytesOut = factory.CreateCounter("kms_key_bytes_out_total", "Key bytes handed to SAEs (enc_keys and dec_keys).");
        _handshakesRefused = factory.CreateCounter("kms_tls_handshakes_refused_total", "Client certificates refused at the TLS handshake.");
        var bytesIn = factory.CreateCounter("kms_key_bytes_in_total", "Key bytes added to the pool since start.");
        var stored = factory.CreateGauge("kms_stored_keys", "Keys reserved and not yet fetched by every slave, by master and slaves.", "master", "slaves");
        var available = factory.CreateGauge("kms_available_key_bytes", "Key bytes this KME may still reserve, by link.", "link");
        var peerUp = factory.CreateGauge("kms_peer_up", "1 while the peer KME answers, 0 while it is down.", "peer");
        var burned = factory.CreateCounter("kms_burned_keys_total", "Keys burned because a peer did not acknowledge them, since start.");
        var notices = factory.CreateGauge("kms_burn_notices_pending", "Burn notices a peer has not yet acknowledged.", "peer");
        _registry.AddBeforeCollectCallback(() =>
        {
            // Counted where they happen (the store, the key service); the counters catch up at each scrape.
            bytesIn.IncTo(store.BytesAdded);
            burned.IncTo(service.BurnedKeys);
            var now = store.StoredKeysByPair();
            foreach (var labels in stored.GetAllLabelValues().ToList())
            {
                if (!now.ContainsKey((labels[0], labels[1])))
                {
                    stored.WithLabels(labels).Set(0);
                }
            }

            foreach (var ((master, slaves), count) in now)
            {
                stored.WithLabels(master, slaves).Set(count);
            }

            available.WithLabels(KeyService.LocalLink).Set(store.AvailableBytes(KeyService.LocalLink, null));
            foreach (string peer in options.Peers.Keys)
            {
                available.WithLabels(peer).Set(store.AvailableBytes(peer, KeyService.ParityFor(options.KmeId, peer)));
                peerUp.WithLabels(peer).Set(service.Health.IsUp(peer) ? 1 : 0);
                notices.WithLabels(peer).Set(store.BurnNotices(peer, 100_000).Count);
            }
        });
    }

    public void Request(string endpoint, int status) => _requests.WithLabels(endpoint, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();

    public void KeysOut(long bytes) => _bytesOut.Inc(bytes);

    public void HandshakeRefused() => _handshakesRefused.Inc();

    public Task WriteAsync(Stream output, CancellationToken cancel) => _registry.CollectAndExportAsTextAsync(output, cancel);
}
