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
/// logical Z observable are seen by the Z-type detectors alone. A mechanism that flips more than two of them (a Y
/// error in a circuit whose detectors are not typed, as in Stim's circuits) is split, as Stim's
/// <c>--decompose_errors</c> splits it, into mechanisms that are edges already: the fewest such parts whose
/// observables add up to the mechanism's, each part's edge then gaining the mechanism's probability. One that cannot
/// be split is left out and counted in <see cref="HyperedgesLeftOut"/>.
/// </remarks>
public sealed class MatchingDecoder
{
    // Weights are integers (for exact duals): this many units per unit of log-likelihood.
    private const double WeightScale = 1000;

    private readonly int _boundary;
    private readonly List<(int To, double Weight, ulong Observables)>[] _adjacency;
    private readonly int[] _node; // detector index → graph node, or −1 when not decoded
    private readonly (int A, int B, double P, ulong Observables)[] _edgeList;

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
        var hyperedges = new List<(int[] Ends, double P, ulong Observables)>();
        // A decomposed mechanism (Stim's ^) enters as its pieces, each with the mechanism's probability.
        foreach (var (probability, detectors, observableMask) in model.Errors.SelectMany(e => e.Components.IsEmpty
            ? [(e.Probability, e.Detectors, e.ObservableMask)]
            : e.Components.Select(c => (e.Probability, c.Detectors, c.ObservableMask))))
        {
            var ends = detectors.Select(d => _node[d]).Where(v => v >= 0).ToArray();
            if (ends.Length == 0 || probability <= 0 || probability >= 0.5)
            {
                continue;
            }

            if (ends.Length > 2)
            {
                hyperedges.Add((ends, probability, observableMask));
                continue;
            }

            Merge(edges, ends.Length == 1 ? (ends[0], _boundary) : (Math.Min(ends[0], ends[1]), Math.Max(ends[0], ends[1])), probability, observableMask);
        }

        // Split against the graph of the graphlike mechanisms alone, so that the order of the hyperedges does not matter.
        var graphlike = edges.ToDictionary(e => e.Key, e => e.Value.Observables);
        foreach (var (ends, p, observables) in hyperedges)
        {
            if (Decompose(ends, observables, graphlike) is { } parts)
            {
                foreach (var part in parts)
                {
                    Merge(edges, part, p, graphlike[part]);
                }
            }
            else
            {
                HyperedgesLeftOut++;
            }
        }

        _edgeList = [.. edges.Select(e => (e.Key.Item1, e.Key.Item2, e.Value.P, e.Value.Observables))];
        foreach (var ((a, b), (p, observables, _)) in edges)
        {
            double weight = Math.Log((1 - p) / p);
            _adjacency[a].Add((b, weight, observables));
            _adjacency[b].Add((a, weight, observables));
        }

        EdgeCount = edges.Count;
    }

    private static void Merge(Dictionary<(int, int), (double P, ulong Observables, double Best)> edges, (int, int) key, double p, ulong observables) =>
        edges[key] = edges.TryGetValue(key, out var existing)
            ? (existing.P + p - (2 * existing.P * p), p > existing.Best ? observables : existing.Observables, Math.Max(p, existing.Best))
            : (p, observables, p);

    /// <summary>
    /// The fewest edges of <paramref name="graph"/> (pairs of nodes, or a node and the boundary) that cover
    /// <paramref name="ends"/> exactly once and whose observables add up to <paramref name="observables"/>; the first
    /// found in order of the ends breaks ties. Null when there is none. A mechanism flips a handful of detectors, so
    /// the search over their pairings is small.
    /// </summary>
    private List<(int, int)>? Decompose(int[] ends, ulong observables, Dictionary<(int, int), ulong> graph)
    {
        List<(int, int)>? best = null;
        var used = new bool[ends.Length];
        var parts = new List<(int, int)>();
        Search(0, 0);
        return best;

        void Search(int from, ulong sum)
        {
            int i = from;
            while (i < ends.Length && used[i])
            {
                i++;
            }

            if (i == ends.Length)
            {
                if (sum == observables && (best is null || parts.Count < best.Count))
                {
                    best = [.. parts];
                }

                return;
            }

            if (best is not null && parts.Count + 1 >= best.Count)
            {
                return;
            }

            used[i] = true;
            for (int j = i + 1; j < ends.Length; j++)
            {
                var key = (Math.Min(ends[i], ends[j]), Math.Max(ends[i], ends[j]));
                if (!used[j] && graph.TryGetValue(key, out ulong o))
                {
                    used[j] = true;
                    parts.Add(key);
                    Search(i + 1, sum ^ o);
                    parts.RemoveAt(parts.Count - 1);
                    used[j] = false;
                }
            }

            if (graph.TryGetValue((ends[i], _boundary), out ulong toBoundary))
            {
                parts.Add((ends[i], _boundary));
                Search(i + 1, sum ^ toBoundary);
                parts.RemoveAt(parts.Count - 1);
            }

            used[i] = false;
        }
    }

    /// <summary>
    /// The matching graph's edges: detector indices (−1 for the boundary), probability after merging, and the
    /// observables an error along the edge flips.
    /// </summary>
    public IReadOnlyList<(int From, int To, double Probability, ulong Observables)> Edges() =>
        [.. _edgeList.Select(e => (Detector(e.A), Detector(e.B), e.P, e.Observables))];

    private int Detector(int node) => node == _boundary ? -1 : Array.IndexOf(_node, node);

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
