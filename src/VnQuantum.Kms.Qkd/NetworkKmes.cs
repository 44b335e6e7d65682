using VnQuantum.Kms.Storage;
using VnQuantum.Network;

namespace VnQuantum.Kms.Qkd;

/// <summary>Where the shell put one node's KME files: its store, its TLS certificate and key, and certificate thumbprints.</summary>
/// <param name="SaeThumbprint">The thumbprint of the node's own SAE's client certificate.</param>
/// <param name="KmeThumbprint">The thumbprint of the KME's server certificate (its neighbours pin it).</param>
public sealed record KmeFiles(string StorePath, string ServerCertificate, string ServerKey, string SaeThumbprint, string KmeThumbprint);

/// <summary>
/// A network topology as the configuration of its KMEs: one KME per node, a peer per link that gives key, relay routes
/// from the network layer's next hops (<see cref="RelayRoutes"/>), every other node's SAE known as a remote SAE, and one
/// simulated QKD run per link feeding both ends. The network layer computes the routes; the key server forwards keys hop
/// by hop and knows nothing of planning: this adapter is the only place the two meet.
/// </summary>
public static class NetworkKmes
{
    /// <summary>The KME id of a node.</summary>
    public static string KmeId(string node) => "KME-" + node;

    /// <summary>The id of a node's own SAE.</summary>
    public static string SaeId(string node) => "SAE-" + node;

    /// <summary>Every node's KME configuration, by node id.</summary>
    /// <param name="rates">Each link's secret-key rate (bit/s; <see cref="LinkRates.All"/>): a link without key is no peer.</param>
    /// <param name="ports">Each node's KME port on loopback, where its neighbours call it.</param>
    /// <param name="files">Each node's files.</param>
    public static Dictionary<string, KmsOptions> Configure(Topology topology, double[] rates, IReadOnlyDictionary<string, int> ports, Func<string, KmeFiles> files, string caCertificate, string kekFile)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(ports);
        ArgumentNullException.ThrowIfNull(files);
        var routes = RelayRoutes.NextHops(topology, rates);
        var result = new Dictionary<string, KmsOptions>(StringComparer.Ordinal);
        foreach (var node in topology.Nodes)
        {
            var own = files(node.Id);
            var options = new KmsOptions
            {
                KmeId = KmeId(node.Id),
                Port = ports[node.Id],
                StorePath = own.StorePath,
                KekFile = kekFile,
                ClientCaCertificate = caCertificate,
                ServerCertificate = own.ServerCertificate,
                ServerKey = own.ServerKey,
                SaeCertificates = new() { [own.SaeThumbprint] = SaeId(node.Id) },
            };
            for (int e = 0; e < topology.Links.Length; e++)
            {
                var l = topology.Links[e];
                string? neighbour = l.From == node.Id ? l.To : l.To == node.Id ? l.From : null;
                if (neighbour is not null && rates[e] > 0)
                {
                    options.Peers[KmeId(neighbour)] = new PeerOptions { Url = $"https://127.0.0.1:{ports[neighbour]}", CertificateThumbprint = files(neighbour).KmeThumbprint };
                }
            }

            foreach (var (destination, next) in routes[node.Id])
            {
                if (!options.Peers.ContainsKey(KmeId(destination)))
                {
                    options.Routes[KmeId(destination)] = KmeId(next);
                }

                options.RemoteSaes[SaeId(destination)] = KmeId(destination);
            }

            result[node.Id] = options;
        }

        return result;
    }

    /// <summary>
    /// Runs one simulated QKD link per link that gives key (unless its stream is in the stores already: a restart) and
    /// feeds both ends the same stream, under the names each KME knows the other by. The bytes are CSPRNG-masked
    /// (<see cref="QkdKeySources.RunLink"/> unseeded), so nobody can recompute them.
    /// </summary>
    /// <returns>Each fed link and the key bytes each end got.</returns>
    public static List<(Link Link, int Bytes)> FeedLinks(Topology topology, double[] rates, Func<string, IKeyStore> storeOf, double pulses)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(storeOf);
        var fed = new List<(Link, int)>();
        for (int e = 0; e < topology.Links.Length; e++)
        {
            var l = topology.Links[e];
            if (rates[e] <= 0 || storeOf(l.From).HasStream(KmeId(l.To)))
            {
                continue;
            }

            var model = LinkRates.Model(topology.ProfileByName(l.Profile), l.LengthKm, l.LossDbPerKm);
            fed.Add((l, QkdKeySources.RunLink(model, (long)pulses, seed: null, storeOf(l.From), storeOf(l.To), aliceLink: KmeId(l.To), bobLink: KmeId(l.From))));
        }

        return fed;
    }
}
