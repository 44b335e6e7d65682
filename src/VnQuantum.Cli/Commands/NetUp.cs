using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VnQuantum.Kms;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.KeySources;
using VnQuantum.Kms.Pki;
using VnQuantum.Network;

namespace VnQuantum.Cli.Commands;

/// <summary>
/// <c>vnq net up</c>: a KME at every node of a topology on loopback, each link's simulated QKD run feeding the key
/// streams at both its ends, and relay routes from the network layer — the shell that composes the two: Network computes
/// the routes, the KMS forwards keys hop by hop and knows nothing of planning.
/// </summary>
internal sealed class NetUp : IAsyncDisposable
{
    private NetUp(string dir, Dictionary<string, KmeHost> hosts, Dictionary<string, int> ports)
    {
        Directory = dir;
        Hosts = hosts;
        Ports = ports;
    }

    public string Directory { get; }

    /// <summary>KME by node id.</summary>
    public Dictionary<string, KmeHost> Hosts { get; }

    public Dictionary<string, int> Ports { get; }

    public static string KmeId(string node) => "KME-" + node;

    public static string SaeId(string node) => "SAE-" + node;

    /// <summary>Creates the PKI and configurations, runs each link's QKD simulation, and starts every KME.</summary>
    public static async Task<NetUp> StartAsync(Topology topology, string dir, double pulses, TextWriter output, CancellationToken cancel = default)
    {
        dir = Path.GetFullPath(dir);
        var names = topology.Nodes.Select(n => n.Id.ToLowerInvariant()).ToList();
        var saes = DemoPki.Init(dir, [.. names.Select(n => "kme-" + n)], [.. names.Select(n => "sae-" + n)]);
        string kekPath = Path.Combine(dir, "kek.bin");
        if (!File.Exists(kekPath))
        {
            VnQuantum.Kms.PrivateFile.Write(kekPath, RandomNumberGenerator.GetBytes(32));
        }

        var rates = new LinkRates().All(topology);
        var routes = RelayRoutes.NextHops(topology, rates);
        var ports = topology.Nodes.ToDictionary(n => n.Id, _ => FreePort());
        string Thumb(string node) => DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir, $"kme-{node.ToLowerInvariant()}.crt"))));
        var hosts = new Dictionary<string, KmeHost>();
        foreach (var node in topology.Nodes)
        {
            string lower = node.Id.ToLowerInvariant();
            var options = new KmsOptions
            {
                KmeId = KmeId(node.Id),
                Port = ports[node.Id],
                StorePath = Path.Combine(dir, $"kme-{lower}.db"),
                KekFile = kekPath,
                ClientCaCertificate = Path.Combine(dir, "ca.crt"),
                ServerCertificate = Path.Combine(dir, $"kme-{lower}.crt"),
                ServerKey = Path.Combine(dir, $"kme-{lower}.key"),
                SaeCertificates = new() { [saes["sae-" + lower]] = SaeId(node.Id) },
            };
            for (int e = 0; e < topology.Links.Length; e++)
            {
                var l = topology.Links[e];
                string? neighbour = l.From == node.Id ? l.To : l.To == node.Id ? l.From : null;
                if (neighbour is not null && rates[e] > 0)
                {
                    options.Peers[KmeId(neighbour)] = new PeerOptions { Url = $"https://127.0.0.1:{ports[neighbour]}", CertificateThumbprint = Thumb(neighbour) };
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

            hosts[node.Id] = KmeHost.Create(options);
        }

        // One simulated QKD run per link feeds both ends the same stream; the bytes come from the OS CSPRNG (the
        // simulation sets how many), so nobody can recompute them.
        for (int e = 0; e < topology.Links.Length; e++)
        {
            var l = topology.Links[e];
            if (rates[e] <= 0 || hosts[l.From].Store.HasStream(KmeId(l.To)))
            {
                continue;
            }

            var model = LinkRates.Model(topology.ProfileByName(l.Profile), l.LengthKm, l.LossDbPerKm);
            int bytes = QkdKeySources.RunLink(model, (long)pulses, seed: null, hosts[l.From].Store, hosts[l.To].Store, aliceLink: KmeId(l.To), bobLink: KmeId(l.From));
            output.WriteLine($"link {l.Id} ({l.LengthKm:0.#} km): {bytes} key bytes at each end, from a SIMULATED QKD link (CSPRNG bytes; demonstrations only)");
        }

        foreach (var host in hosts.Values)
        {
            await host.StartAsync(cancel);
        }

        return new NetUp(dir, hosts, ports);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts.Values)
        {
            await host.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
