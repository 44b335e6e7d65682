using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using VnQuantum.Kms;
using VnQuantum.Kms.Host;
using VnQuantum.Kms.Pki;
using VnQuantum.Kms.Qkd;
using VnQuantum.Network;

namespace VnQuantum.Cli.Commands;

/// <summary>
/// <c>vnq net up</c>: a KME at every node of a topology on loopback. The shell makes the PKI and picks ports;
/// <see cref="NetworkKmes"/> turns the topology into each KME's peers and relay routes and feeds every link's stream.
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

    public static string KmeId(string node) => NetworkKmes.KmeId(node);

    public static string SaeId(string node) => NetworkKmes.SaeId(node);

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
        var ports = topology.Nodes.ToDictionary(n => n.Id, _ => FreePort());
        KmeFiles Files(string node)
        {
            string lower = node.ToLowerInvariant();
            string certificate = Path.Combine(dir, $"kme-{lower}.crt");
            return new KmeFiles(Path.Combine(dir, $"kme-{lower}.db"), certificate, Path.Combine(dir, $"kme-{lower}.key"), saes["sae-" + lower], DemoPki.Thumbprint(X509Certificate2.CreateFromPem(File.ReadAllText(certificate))));
        }

        var configurations = NetworkKmes.Configure(topology, rates, ports, Files, Path.Combine(dir, "ca.crt"), kekPath);
        var hosts = configurations.ToDictionary(c => c.Key, c => KmeHost.Create(c.Value));
        foreach (var (link, bytes) in NetworkKmes.FeedLinks(topology, rates, node => hosts[node].Store, pulses))
        {
            output.WriteLine($"link {link.Id} ({link.LengthKm:0.#} km): {bytes} key bytes at each end, from a SIMULATED QKD link (CSPRNG bytes; demonstrations only)");
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
