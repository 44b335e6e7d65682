using System.Collections.Immutable;

namespace VnQuantum.Network;

/// <summary>What a node is for: an end-user site, a trusted relay node, or an untrusted optical relay.</summary>
public enum NodeKind
{
    /// <summary>A user site (ministry, bank data centre, hospital): keys start and end here; it relays only when <see cref="Node.Relays"/>.</summary>
    Site,

    /// <summary>A trusted node: it relays keys hop by hop and sees them in the clear.</summary>
    Trusted,

    /// <summary>An untrusted relay (a TF- or MDI-QKD measurement station, an amplifier hut): keys never pass through it in the clear.</summary>
    Untrusted,
}

/// <param name="Id">Unique identifier used by links and demands.</param>
/// <param name="Latitude">Degrees north, −90…90.</param>
/// <param name="Longitude">Degrees east, −180…180.</param>
/// <param name="Cost">What it costs to have this node (in any one unit the file uses for all costs); for design.</param>
/// <param name="Candidate">True for a trusted node that may or may not be built (design chooses).</param>
/// <param name="Relays">A site that also relays keys for others (as a trusted node would).</param>
public sealed record Node(string Id, string Name, double Latitude, double Longitude, NodeKind Kind, double Cost = 0, bool Candidate = false, bool Relays = false)
{
    /// <summary>Whether keys may be relayed through this node.</summary>
    public bool CanRelay => Kind == NodeKind.Trusted || (Kind == NodeKind.Site && Relays);
}

/// <summary>The QKD equipment and protocol of a link, shared by many links.</summary>
/// <param name="Preset">Device parameters: gys, lim2014 or snspd (see <c>VnQuantum.Qkd.Links.QkdLink</c>).</param>
/// <param name="Protocol">A protocol of <c>VnQuantum.Qkd.KeyRates.KeyRateProtocols</c>: bb84-decoy (asymptotic), bb84-finite (Lim et al. 2014 with <paramref name="BlockBits"/>), tf-sns, ….</param>
/// <param name="BlockBits">Finite-key block n_X in sifted key-basis bits.</param>
/// <param name="RepetitionRateHz">Source rate; null keeps the preset's.</param>
public sealed record LinkProfile(string Name, string Preset, string Protocol, double BlockBits = 1e8, double? RepetitionRateHz = null, double? LossDbPerKm = null);

/// <summary>A time window, in hours from the start of the simulated day.</summary>
public sealed record Window(double StartHour, double EndHour);

/// <param name="LengthKm">Fibre length.</param>
/// <param name="Cost">Cost of building it; for design.</param>
/// <param name="Candidate">True for a link that may or may not be built (design chooses).</param>
/// <param name="Outages">Windows in which the link produces no key (faults, maintenance).</param>
public sealed record Link(string Id, string From, string To, double LengthKm, string Profile, double? LossDbPerKm = null, double Cost = 0, bool Candidate = false, ImmutableArray<Window> Outages = default)
{
    public ImmutableArray<Window> Outages { get; init; } = Outages.IsDefault ? [] : Outages;
}

/// <summary>A site pair that needs secret key at <see cref="RateBps"/> bit/s.</summary>
/// <param name="Priority">Weight in the planner's objective (1 = normal; higher is served first).</param>
/// <param name="KeyBits">Size of one key request (the simulation draws requests of this size).</param>
public sealed record Demand(string Id, string From, string To, double RateBps, double Priority = 1, int KeyBits = 256);

/// <summary>A QKD network: nodes, links, the link profiles they refer to, and the demands on it.</summary>
public sealed record Topology(
    string Name,
    ImmutableArray<Node> Nodes,
    ImmutableArray<Link> Links,
    ImmutableArray<LinkProfile> Profiles,
    ImmutableArray<Demand> Demands,
    double RouteFactor = 1.5)
{
    private Dictionary<string, int>? _index;

    /// <summary>A copy (for <c>with</c>) that rebuilds its node index rather than sharing a stale one.</summary>
    private Topology(Topology original)
    {
        Name = original.Name;
        Nodes = original.Nodes;
        Links = original.Links;
        Profiles = original.Profiles;
        Demands = original.Demands;
        RouteFactor = original.RouteFactor;
    }

    public int IndexOf(string nodeId) => Index[nodeId];

    public Node NodeById(string id) => Nodes[Index[id]];

    private Dictionary<string, int> Index => _index ??= Nodes.Select((n, i) => (n.Id, i)).ToDictionary(p => p.Id, p => p.i, StringComparer.Ordinal);

    public LinkProfile ProfileByName(string name) => Profiles.First(p => p.Name == name);

    /// <summary>The great-circle distance between two nodes in km (haversine, Earth radius 6,371 km).</summary>
    public static double GreatCircleKm(Node a, Node b)
    {
        const double radius = 6371;
        double rad = Math.PI / 180;
        double dLat = (b.Latitude - a.Latitude) * rad, dLon = (b.Longitude - a.Longitude) * rad;
        double h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(a.Latitude * rad) * Math.Cos(b.Latitude * rad) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * radius * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
