namespace VnQuantum.Network;

/// <summary>
/// Destination-based routes for relaying keys through the KMEs of a network: for every node and every destination,
/// the neighbour to hand a key to. Each destination's routes form one shortest-path tree (by fibre length, passing only
/// through nodes that may relay), so the hops agree with each other: B's next hop towards D continues A's route.
/// </summary>
public static class RelayRoutes
{
    /// <summary>node id → (destination id → next-hop neighbour id); destinations that cannot be reached are left out.</summary>
    public static IReadOnlyDictionary<string, Dictionary<string, string>> NextHops(Topology topology, double[] capacities)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(capacities);
        int n = topology.Nodes.Length;
        var adjacency = Paths.Adjacency(topology, capacities);
        var routes = topology.Nodes.ToDictionary(node => node.Id, _ => new Dictionary<string, string>(StringComparer.Ordinal), StringComparer.Ordinal);
        for (int destination = 0; destination < n; destination++)
        {
            var distance = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
            var toward = new int[n];
            Array.Fill(toward, -1);
            distance[destination] = 0;
            var queue = new PriorityQueue<int, double>();
            queue.Enqueue(destination, 0);
            while (queue.TryDequeue(out int u, out double d))
            {
                if (d > distance[u])
                {
                    continue;
                }

                // Keys reach the destination through u only if u relays (or is the destination itself).
                if (u != destination && !topology.Nodes[u].CanRelay)
                {
                    continue;
                }

                foreach (var (v, _, length) in adjacency[u])
                {
                    if (d + length < distance[v])
                    {
                        distance[v] = d + length;
                        toward[v] = u;
                        queue.Enqueue(v, distance[v]);
                    }
                }
            }

            for (int v = 0; v < n; v++)
            {
                if (v != destination && toward[v] >= 0)
                {
                    routes[topology.Nodes[v].Id][topology.Nodes[destination].Id] = topology.Nodes[toward[v]].Id;
                }
            }
        }

        return routes;
    }
}
