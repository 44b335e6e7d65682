using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Simulation.Decoding;

/// <summary>
/// A minimum-weight perfect-matching decoder built from a detector error model: the error mechanisms that flip one or
/// two detectors of the chosen basis become the edges of a matching graph (one detector: an edge to the boundary),
/// weighted ln((1 − p)/p) and rounded to even integers as PyMatching rounds them; a shot's detection events are
/// matched exactly, at least total weight, by sparse blossom (<see cref="SparseBlossomMatcher"/>, PyMatching 2's
/// algorithm), which touches only the part of the graph around the events. The predicted observable flip is the
/// parity along the matched paths.
/// </summary>
/// <remarks>
/// <para>
/// Only detectors of <see cref="Basis"/> are decoded: in a Z-basis memory experiment the X errors that flip the
/// logical Z observable are seen by the Z-type detectors alone. A mechanism that flips more than two of them (a Y
/// error in a circuit whose detectors are not typed, as in Stim's circuits) is split, as Stim's
/// <c>--decompose_errors</c> splits it, into mechanisms that are edges already: the fewest such parts whose
/// observables add up to the mechanism's, each part's edge then gaining the mechanism's probability. One that cannot
/// be split is left out and counted in <see cref="HyperedgesLeftOut"/>.
/// </para>
/// <para>
/// The first version's matching (Dijkstra between every pair of events, then a blossom on the complete graph of
/// events) is kept as <see cref="AllPairsMatching"/>: the reference the tests hold sparse blossom to, and the
/// answer for a shot with no perfect matching (an odd number of events where no boundary can be reached), which it
/// matches as best it can.
/// </para>
/// </remarks>
public sealed class MatchingDecoder
{
    // The largest weight becomes 2 × (this − 1), as in PyMatching: fine enough that rounding moves no matching
    // at these sizes, coarse enough that ties are frequent and the flood has few distinct times.
    private const int DistinctWeights = 1000;

    private readonly int _boundary;
    private readonly int[] _node; // detector index → graph node, or −1 when not decoded
    private readonly (int A, int B, double P, ulong Observables)[] _edgeList;
    private readonly MatchingGraph _graph;
    private readonly ConcurrentBag<SparseBlossomMatcher> _matchers = [];

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
        double largest = _edgeList.Length == 0 ? 1 : _edgeList.Max(e => Math.Log((1 - e.P) / e.P));
        double scale = (DistinctWeights - 1) / largest;
        _graph = new MatchingGraph(nodes, [.. _edgeList.Select(e =>
            (e.A, e.B == _boundary ? -1 : e.B, 2 * (int)Math.Round(Math.Log((1 - e.P) / e.P) * scale), e.Observables))]);
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
        // Packed into words, it takes the path that visits set bits only.
        int length = Math.Min(detectionEvents.Length, _node.Length);
        int words = (length + 63) >> 6;
        ulong[]? rented = words > 256 ? ArrayPool<ulong>.Shared.Rent(words) : null;
        Span<ulong> packed = rented is null ? stackalloc ulong[words] : rented.AsSpan(0, words);
        packed.Clear();
        for (int d = 0; d < length; d++)
        {
            if (detectionEvents[d])
            {
                packed[d >> 6] |= 1UL << (d & 63);
            }
        }

        ulong prediction = Decode(packed);
        if (rented is not null)
        {
            ArrayPool<ulong>.Shared.Return(rented);
        }

        return prediction;
    }

    /// <summary>
    /// The same for one shot's detection events packed 64 to a word (bit d of word d / 64 is detector d, as a b8 or
    /// ptb64 reader gives them); bits past the model's detectors (appended observables) are ignored. Only the set
    /// bits are visited, so a quiet shot of a large code costs its words, not its detectors.
    /// </summary>
    public ulong Decode(ReadOnlySpan<ulong> packedDetectionEvents)
    {
        int words = Math.Min(packedDetectionEvents.Length, (_node.Length + 63) >> 6);
        int count = 0;
        for (int w = 0; w < words; w++)
        {
            count += BitOperations.PopCount(WordOfDetectors(packedDetectionEvents, w));
        }

        if (count == 0)
        {
            return 0;
        }

        int[]? rented = count > 256 ? ArrayPool<int>.Shared.Rent(count) : null;
        Span<int> events = rented is null ? stackalloc int[count] : rented.AsSpan(0, count);
        int k = 0;
        for (int w = 0; w < words; w++)
        {
            for (ulong bits = WordOfDetectors(packedDetectionEvents, w); bits != 0; bits &= bits - 1)
            {
                int node = _node[(w << 6) + BitOperations.TrailingZeroCount(bits)];
                if (node >= 0)
                {
                    events[k++] = node;
                }
            }
        }

        ulong prediction = Match(events[..k]).Observables;
        if (rented is not null)
        {
            ArrayPool<int>.Shared.Return(rented);
        }

        return prediction;
    }

    private ulong WordOfDetectors(ReadOnlySpan<ulong> packed, int w)
    {
        int past = _node.Length - (w << 6);
        return past >= 64 ? packed[w] : packed[w] & ((1UL << past) - 1);
    }

    /// <summary>
    /// Sparse blossom on graph nodes (not detector indices), with the matching's weight in the graph's integer units;
    /// a shot with no perfect matching goes to <see cref="AllPairsMatching"/>.
    /// </summary>
    internal (ulong Observables, long Weight, bool Perfect) Match(ReadOnlySpan<int> events)
    {
        if (!_matchers.TryTake(out var matcher))
        {
            matcher = new SparseBlossomMatcher(_graph);
        }

        bool perfect = matcher.TryMatch(events, out ulong observables, out long weight);
        _matchers.Add(matcher);
        if (!perfect)
        {
            (observables, weight) = AllPairsMatching.Match(_graph, events);
        }

        return (observables, weight, perfect);
    }

    internal int NodeOf(int detector) => _node[detector];

    internal MatchingGraph Graph => _graph;
}
