using System.Collections.Immutable;

namespace VnQuantum.Network;

/// <summary>A path as node ids and the indices of the links it uses.</summary>
public sealed record NetworkPath(ImmutableArray<string> Nodes, ImmutableArray<int> Links, double LengthKm);

/// <summary>Path searches over the links that have key to give, passing only through nodes that may relay.</summary>
public static class Paths
{
    /// <summary>
    /// The two node-disjoint paths from <paramref name="from"/> to <paramref name="to"/> of least total length
    /// (Suurballe's problem), found as a min-cost flow of two units on the graph with every node split into an entry
    /// and an exit joined by a unit-capacity arc; null when no such pair exists. A direct link may serve as one of them.
    /// </summary>
    public static IReadOnlyList<NetworkPath>? ShortestDisjointPair(Topology topology, double[] capacities, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(topology);
        int n = topology.Nodes.Length;
        int source = topology.IndexOf(from), target = topology.IndexOf(to);

        // Vertices: 2v = entry of v, 2v+1 = exit of v.
        var graph = new MinCostFlow(2 * n);
        for (int v = 0; v < n; v++)
        {
            int capacity = v == source || v == target ? 2 : topology.Nodes[v].CanRelay ? 1 : 0;
            graph.AddArc(2 * v, (2 * v) + 1, capacity, 0, -1);
        }

        for (int e = 0; e < topology.Links.Length; e++)
        {
            if (capacities[e] <= 0)
            {
                continue;
            }

            var link = topology.Links[e];
            int u = topology.IndexOf(link.From), v = topology.IndexOf(link.To);
            graph.AddArc((2 * u) + 1, 2 * v, 1, link.LengthKm, e);
            graph.AddArc((2 * v) + 1, 2 * u, 1, link.LengthKm, e);
        }

        if (graph.Run((2 * source) + 1, 2 * target, 2) < 2)
        {
            return null;
        }

        // Follow the two units of flow from the source's exit.
        var result = new List<NetworkPath>();
        for (int k = 0; k < 2; k++)
        {
            var nodes = new List<string> { from };
            var links = new List<int>();
            double length = 0;
            int at = (2 * source) + 1;
            while (at != 2 * target)
            {
                var arc = graph.TakeFlowArc(at) ?? throw new InvalidOperationException("flow decomposition failed");
                if (arc.Tag >= 0)
                {
                    links.Add(arc.Tag);
                    length += arc.Cost;
                    nodes.Add(topology.Nodes[arc.To / 2].Id);
                    at = arc.To == 2 * target ? arc.To : arc.To + 1;
                }
                else
                {
                    at = arc.To;
                }
            }

            result.Add(new NetworkPath([.. nodes], [.. links], length));
        }

        return result;
    }

    /// <summary>The shortest path by length, relaying only through nodes that may; null when none.</summary>
    public static NetworkPath? Shortest(Topology topology, double[] capacities, string from, string to)
    {
        ArgumentNullException.ThrowIfNull(topology);
        int n = topology.Nodes.Length;
        int source = topology.IndexOf(from), target = topology.IndexOf(to);
        var adjacency = Adjacency(topology, capacities);
        var distance = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var previous = new (int Node, int Link)[n];
        distance[source] = 0;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out int v, out double d))
        {
            if (d > distance[v] || v == target)
            {
                continue;
            }

            if (v != source && !topology.Nodes[v].CanRelay)
            {
                continue;
            }

            foreach (var (w, e, length) in adjacency[v])
            {
                if (d + length < distance[w])
                {
                    distance[w] = d + length;
                    previous[w] = (v, e);
                    queue.Enqueue(w, distance[w]);
                }
            }
        }

        if (double.IsPositiveInfinity(distance[target]))
        {
            return null;
        }

        var nodes = new List<string>();
        var links = new List<int>();
        for (int v = target; v != source; v = previous[v].Node)
        {
            nodes.Add(topology.Nodes[v].Id);
            links.Add(previous[v].Link);
        }

        nodes.Add(from);
        nodes.Reverse();
        links.Reverse();
        return new NetworkPath([.. nodes], [.. links], distance[target]);
    }

    internal static List<(int To, int Link, double LengthKm)>[] Adjacency(Topology topology, double[] capacities)
    {
        var adjacency = Enumerable.Range(0, topology.Nodes.Length).Select(_ => new List<(int, int, double)>()).ToArray();
        for (int e = 0; e < topology.Links.Length; e++)
        {
            if (capacities[e] <= 0)
            {
                continue;
            }

            var link = topology.Links[e];
            int u = topology.IndexOf(link.From), v = topology.IndexOf(link.To);
            adjacency[u].Add((v, e, link.LengthKm));
            adjacency[v].Add((u, e, link.LengthKm));
        }

        return adjacency;
    }

    /// <summary>Successive shortest paths (Bellman–Ford, as residual costs go negative) for small integral flows.</summary>
    private sealed class MinCostFlow(int vertices)
    {
        private readonly List<ArcData> _arcs = [];
        private readonly List<int>[] _out = Enumerable.Range(0, vertices).Select(_ => new List<int>()).ToArray();

        public sealed class ArcData(int to, int capacity, double cost, int tag)
        {
            public int To { get; } = to;

            public int Capacity { get; set; } = capacity;

            public double Cost { get; } = cost;

            public int Tag { get; } = tag;

            public int Flow { get; set; }
        }

        public void AddArc(int from, int to, int capacity, double cost, int tag)
        {
            _out[from].Add(_arcs.Count);
            _arcs.Add(new ArcData(to, capacity, cost, tag));
            _out[to].Add(_arcs.Count);
            _arcs.Add(new ArcData(from, 0, -cost, tag));
        }

        /// <summary>Sends up to <paramref name="units"/> units; returns how many went.</summary>
        public int Run(int source, int sink, int units)
        {
            int sent = 0;
            while (sent < units)
            {
                var distance = Enumerable.Repeat(double.PositiveInfinity, vertices).ToArray();
                var via = Enumerable.Repeat(-1, vertices).ToArray();
                distance[source] = 0;
                for (int round = 0; round < vertices; round++)
                {
                    bool changed = false;
                    for (int v = 0; v < vertices; v++)
                    {
                        if (double.IsPositiveInfinity(distance[v]))
                        {
                            continue;
                        }

                        foreach (int a in _out[v])
                        {
                            var arc = _arcs[a];
                            if (arc.Capacity - arc.Flow > 0 && distance[v] + arc.Cost < distance[arc.To] - 1e-12)
                            {
                                distance[arc.To] = distance[v] + arc.Cost;
                                via[arc.To] = a;
                                changed = true;
                            }
                        }
                    }

                    if (!changed)
                    {
                        break;
                    }
                }

                if (via[sink] < 0)
                {
                    break;
                }

                for (int v = sink; v != source; v = _arcs[via[v] ^ 1].To)
                {
                    _arcs[via[v]].Flow++;
                    _arcs[via[v] ^ 1].Flow--;
                }

                sent++;
            }

            return sent;
        }

        /// <summary>Takes one unit of flow off an arc leaving <paramref name="from"/> (for path decomposition).</summary>
        public ArcData? TakeFlowArc(int from)
        {
            foreach (int a in _out[from])
            {
                var arc = _arcs[a];
                if ((a & 1) == 0 && arc.Flow > 0)
                {
                    arc.Flow--;
                    return arc;
                }
            }

            return null;
        }
    }
}
