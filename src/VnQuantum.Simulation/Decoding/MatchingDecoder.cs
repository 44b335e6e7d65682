using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Simulation.Decoding;

/// <summary>
/// A minimum-weight perfect-matching decoder built from a detector error model, as PyMatching's first version did:
/// the error mechanisms that flip one or two detectors of the chosen basis become the edges of a matching graph
/// (one detector: an edge to the boundary), weighted ln((1 − p)/p); for a shot's detection events, Dijkstra gives
/// the distance and the observable parity between every pair of events and from each to the boundary, and an exact
/// blossom matching (<see cref="BlossomMatching"/>) pairs them (or sends them to the boundary) at least total weight.
/// The predicted observable flip is the parity along the matched paths.
/// </summary>
/// <remarks>
/// Only detectors of <see cref="Basis"/> are decoded: in a Z-basis memory experiment the X errors that flip the
/// logical Z observable are seen by the Z-type detectors alone. A mechanism that flips more than two of them (none
/// in the circuits generated here) cannot be an edge; it is left out and counted in <see cref="HyperedgesLeftOut"/>.
/// </remarks>
public sealed class MatchingDecoder
{
    // Weights are integers (for exact duals): this many units per unit of log-likelihood.
    private const double WeightScale = 1000;

    private readonly int _boundary;
    private readonly List<(int To, double Weight, ulong Observables)>[] _adjacency;
    private readonly int[] _node; // detector index → graph node, or −1 when not decoded

    public MatchingDecoder(DetectorErrorModel model, char basis = 'Z')
    {
        ArgumentNullException.ThrowIfNull(model);
        Basis = basis;
        _node = new int[model.DetectorCount];
        int nodes = 0;
        for (int d = 0; d < model.DetectorCount; d++)
        {
            _node[d] = model.DetectorDefinitions[d].Basis == basis ? nodes++ : -1;
        }

        _boundary = nodes;
        _adjacency = new List<(int, double, ulong)>[nodes + 1];
        for (int v = 0; v <= nodes; v++)
        {
            _adjacency[v] = [];
        }

        // Parallel edges merge as independent errors; the observable mask of the likelier one is kept.
        var edges = new Dictionary<(int, int), (double P, ulong Observables, double Best)>();
        foreach (var error in model.Errors)
        {
            var ends = error.Detectors.Select(d => _node[d]).Where(v => v >= 0).ToArray();
            if (ends.Length > 2)
            {
                HyperedgesLeftOut++;
                continue;
            }

            if (ends.Length == 0 || error.Probability <= 0 || error.Probability >= 0.5)
            {
                continue;
            }

            var key = ends.Length == 1 ? (ends[0], _boundary) : (Math.Min(ends[0], ends[1]), Math.Max(ends[0], ends[1]));
            double p = error.Probability;
            edges[key] = edges.TryGetValue(key, out var existing)
                ? (existing.P + p - (2 * existing.P * p), p > existing.Best ? error.ObservableMask : existing.Observables, Math.Max(p, existing.Best))
                : (p, error.ObservableMask, p);
        }

        foreach (var ((a, b), (p, observables, _)) in edges)
        {
            double weight = Math.Log((1 - p) / p);
            _adjacency[a].Add((b, weight, observables));
            _adjacency[b].Add((a, weight, observables));
        }

        EdgeCount = edges.Count;
    }

    public char Basis { get; }

    public int EdgeCount { get; }

    public int HyperedgesLeftOut { get; }

    /// <summary>The observable flips (bit o = observable o) the decoder predicts for one shot's detection events.</summary>
    public ulong Decode(ReadOnlySpan<bool> detectionEvents)
    {
        var events = new List<int>();
        for (int d = 0; d < detectionEvents.Length && d < _node.Length; d++)
        {
            if (detectionEvents[d] && _node[d] >= 0)
            {
                events.Add(_node[d]);
            }
        }

        int k = events.Count;
        if (k == 0)
        {
            return 0;
        }

        // Shortest paths from every event: distances and observable parities to the other events and the boundary.
        var distance = new double[k, k + 1];
        var parity = new ulong[k, k + 1];
        var index = new Dictionary<int, int>();
        for (int i = 0; i < k; i++)
        {
            index[events[i]] = i;
        }

        for (int i = 0; i < k; i++)
        {
            Dijkstra(events[i], index, i, distance, parity);
        }

        // Events 0..k−1 and their boundary twins k..2k−1: an event meets another event or its own twin; twins pair freely.
        double finite = 0;
        foreach (double d in distance)
        {
            if (!double.IsPositiveInfinity(d))
            {
                finite = Math.Max(finite, d);
            }
        }

        long ceiling = (long)(((finite * 2) + 1) * WeightScale) + 1;
        long Cost(double d) => double.IsPositiveInfinity(d) ? ceiling : (long)Math.Round(d * WeightScale);
        long top = ceiling + 1;
        var graph = new List<(int, int, long)>();
        for (int i = 0; i < k; i++)
        {
            for (int j = i + 1; j < k; j++)
            {
                graph.Add((i, j, top - Cost(distance[i, j])));
                graph.Add((k + i, k + j, top));
            }

            graph.Add((i, k + i, top - Cost(distance[i, k])));
        }

        var mate = BlossomMatching.Solve(2 * k, graph, maxCardinality: true);
        ulong prediction = 0;
        for (int i = 0; i < k; i++)
        {
            int m = mate[i];
            if (m == k + i)
            {
                prediction ^= parity[i, k];
            }
            else if (m > i && m < k)
            {
                prediction ^= parity[i, m];
            }
        }

        return prediction;
    }

    private void Dijkstra(int source, Dictionary<int, int> eventIndex, int row, double[,] distance, ulong[,] parity)
    {
        int k = eventIndex.Count;
        for (int j = 0; j <= k; j++)
        {
            distance[row, j] = double.PositiveInfinity;
        }

        int nodes = _adjacency.Length;
        var best = new double[nodes];
        var bestParity = new ulong[nodes];
        var done = new bool[nodes];
        Array.Fill(best, double.PositiveInfinity);
        best[source] = 0;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(source, 0);
        int found = 0;
        while (queue.TryDequeue(out int v, out double d) && found < k + 1)
        {
            if (done[v])
            {
                continue;
            }

            done[v] = true;
            ulong here = bestParity[v];
            if (v == _boundary)
            {
                distance[row, k] = d;
                parity[row, k] = here;
                found++;

                // Paths do not pass through the boundary: it is a sink.
                continue;
            }

            if (eventIndex.TryGetValue(v, out int j))
            {
                distance[row, j] = d;
                parity[row, j] = here;
                found++;
            }

            foreach (var (to, weight, observables) in _adjacency[v])
            {
                double next = d + weight;
                if (!done[to] && next < best[to])
                {
                    best[to] = next;
                    bestParity[to] = here ^ observables;
                    queue.Enqueue(to, next);
                }
            }
        }
    }
}
