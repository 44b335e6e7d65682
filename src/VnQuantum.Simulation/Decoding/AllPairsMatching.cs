namespace VnQuantum.Simulation.Decoding;

/// <summary>
/// Matching as <see cref="MatchingDecoder"/>'s first version did it, kept as the reference sparse blossom is tested
/// against and as the answer for shots sparse blossom cannot match perfectly.
/// </summary>
internal static class AllPairsMatching
{
    /// <summary>
    /// The reference: Dijkstra from every event gives the distance and the observable parity to every other event
    /// and to the boundary (integer weights, as sparse blossom's), and an exact blossom matching on the complete graph
    /// of events pairs them (or sends them to the boundary) at least total weight. O(k) searches of the whole graph
    /// for k events; an event that can reach neither another event nor the boundary costs a ceiling weight.
    /// </summary>
    public static (ulong Observables, long Weight) Match(MatchingGraph graph, ReadOnlySpan<int> events)
    {
        int k = events.Length;
        if (k == 0)
        {
            return (0, 0);
        }

        var distance = new long[k, k + 1];
        var parity = new ulong[k, k + 1];
        var index = new Dictionary<int, int>();
        for (int i = 0; i < k; i++)
        {
            index[events[i]] = i;
        }

        for (int i = 0; i < k; i++)
        {
            Dijkstra(graph, events[i], index, i, distance, parity);
        }

        // Events 0..k−1 and their boundary twins k..2k−1: an event meets another event or its own twin; twins pair freely.
        long finite = 0;
        foreach (long d in distance)
        {
            if (d != long.MaxValue)
            {
                finite = Math.Max(finite, d);
            }
        }

        long ceiling = (2 * finite) + 2;
        long Cost(long d) => d == long.MaxValue ? ceiling : d;
        long top = ceiling + 1;
        var complete = new List<(int, int, long)>();
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                complete.Add((i, j, top - Cost(distance[i, j])));
                complete.Add((k + i, k + j, top));
            }

            complete.Add((i, k + i, top - Cost(distance[i, k])));
        }

        var mate = BlossomMatching.Solve(2 * k, complete, maxCardinality: true);
        ulong prediction = 0;
        long weight = 0;
        for (int i = 0; i < k; i++)
        {
            int m = mate[i];
            if (m == k + i)
            {
                prediction ^= parity[i, k];
                weight += Cost(distance[i, k]);
            }
            else if (m > i && m < k)
            {
                prediction ^= parity[i, m];
                weight += Cost(distance[i, m]);
            }
        }

        return (prediction, weight);
    }

    private static void Dijkstra(MatchingGraph graph, int source, Dictionary<int, int> eventIndex, int row, long[,] distance, ulong[,] parity)
    {
        int k = eventIndex.Count;
        for (int j = 0; j <= k; j++)
        {
            distance[row, j] = long.MaxValue;
        }

        int nodes = graph.NodeCount;
        var best = new long[nodes];
        var bestParity = new ulong[nodes];
        var done = new bool[nodes];
        Array.Fill(best, long.MaxValue);
        best[source] = 0;
        var queue = new PriorityQueue<int, long>();
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out int v, out long d))
        {
            if (done[v])
            {
                continue;
            }

            done[v] = true;
            ulong here = bestParity[v];
            if (eventIndex.TryGetValue(v, out int j))
            {
                distance[row, j] = d;
                parity[row, j] = here;
            }

            for (int slot = graph.Start[v]; slot < graph.Start[v + 1]; slot++)
            {
                int to = graph.Neighbor[slot];
                long next = d + graph.Weight[slot];
                if (to < 0)
                {
                    // Paths do not pass through the boundary: it is a sink.
                    if (next < distance[row, k])
                    {
                        distance[row, k] = next;
                        parity[row, k] = here ^ graph.Observables[slot];
                    }
                }
                else if (!done[to] && next < best[to])
                {
                    best[to] = next;
                    bestParity[to] = here ^ graph.Observables[slot];
                    queue.Enqueue(to, next);
                }
            }
        }
    }
}
