using VnQuantum.Simulation.Decoding;

namespace VnQuantum.Simulation.Tests;

/// <summary>
/// Sparse blossom against two independent answers: a brute force over every pairing (Floyd–Warshall distances,
/// a subset DP) on small graphs, and the all-pairs Dijkstra + blossom reference on larger ones.
/// </summary>
public class SparseBlossomTests
{
    [Theory]
    [InlineData(1, 2000)]   // wide weights: optima unique, so the observables must agree too
    [InlineData(2, 3)]      // weights 0, 2, 4: ties and zero-length edges everywhere
    [InlineData(3, 12)]
    public void Weight_AndObservables_EqualBruteForce_OnRandomSmallGraphs(int seed, int maxHalfWeight)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 400; trial++)
        {
            int n = 2 + random.Next(14);
            var edges = RandomGraph(random, n, maxHalfWeight, boundaryShare: random.Next(1, 4));
            var graph = new MatchingGraph(n, edges);
            var matcher = new SparseBlossomMatcher(graph);
            var brute = new BruteForce(n, edges);
            for (int shot = 0; shot < 6; shot++)
            {
                var events = RandomEvents(random, n, Math.Min(n, 12));
                Assert.True(matcher.TryMatch(events, out ulong observables, out long weight), $"trial {trial}: no matching");
                var (bestWeight, bestObservables) = brute.Match(events);
                Assert.True(bestWeight == weight, $"trial {trial} shot {shot} (n {n}, events {string.Join(",", events)}): weight {weight}, brute force {bestWeight}");
                if (maxHalfWeight >= 1000)
                {
                    Assert.Equal(bestObservables, observables);
                }
            }
        }
    }

    [Theory]
    [InlineData(4, 1)]
    [InlineData(5, 3)]
    [InlineData(6, 1000)]
    public void Weight_EqualsAllPairsReference_OnLatticesWithManyEvents(int seed, int maxHalfWeight)
    {
        // Surface-code-like lattices (rows × columns, boundary on the left and right columns): with uniform weights
        // nearly every matching ties, which is where blossoms form, nest and shatter.
        var random = new Random(seed);
        for (int trial = 0; trial < 40; trial++)
        {
            int rows = 3 + random.Next(6);
            int columns = 3 + random.Next(6);
            int n = rows * columns;
            var edges = new List<(int, int, int, ulong)>();
            int Id(int r, int c) => (r * columns) + c;
            int W() => 2 * random.Next(maxHalfWeight == 1 ? 1 : 0, maxHalfWeight + 1);
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < columns; c++)
                {
                    ulong crossing = c == 0 ? 1UL : 0;
                    if (c + 1 < columns)
                    {
                        edges.Add((Id(r, c), Id(r, c + 1), W(), 0));
                    }

                    if (r + 1 < rows)
                    {
                        edges.Add((Id(r, c), Id(r + 1, c), W(), 0));
                    }

                    if (c == 0 || c == columns - 1)
                    {
                        edges.Add((Id(r, c), -1, W(), crossing));
                    }
                }
            }

            var graph = new MatchingGraph(n, edges);
            var matcher = new SparseBlossomMatcher(graph);
            for (int shot = 0; shot < 25; shot++)
            {
                var events = RandomEvents(random, n, n);
                Assert.True(matcher.TryMatch(events, out ulong observables, out long weight));
                var (referenceObservables, referenceWeight) = AllPairsMatching.Match(graph, events);
                Assert.True(referenceWeight == weight, $"trial {trial} shot {shot}: {rows}×{columns}, {events.Length} events: weight {weight}, reference {referenceWeight}");
                if (maxHalfWeight >= 1000)
                {
                    Assert.Equal(referenceObservables, observables);
                }
            }
        }
    }

    [Fact]
    public void NoPerfectMatching_IsReported_AndTheMatcherStaysClean()
    {
        // A triangle with no boundary: one or three events cannot all be matched.
        var edges = new List<(int, int, int, ulong)> { (0, 1, 2, 1), (1, 2, 2, 2), (0, 2, 4, 4) };
        var matcher = new SparseBlossomMatcher(new MatchingGraph(3, edges));
        Assert.False(matcher.TryMatch([0], out _, out _));
        Assert.False(matcher.TryMatch([0, 1, 2], out _, out _));
        Assert.True(matcher.TryMatch([0, 2], out ulong observables, out long weight));
        Assert.Equal(4, weight);
        Assert.Equal(1UL ^ 2, observables);
        Assert.True(matcher.TryMatch([], out observables, out weight));
        Assert.Equal((0UL, 0L), (observables, weight));
    }

    [Fact]
    public void BadEvents_AreRefused_AndLeaveNothingForTheNextShot()
    {
        // Found by review: a refused shot once left its regions behind for the next one.
        var edges = new List<(int, int, int, ulong)> { (0, 1, 2, 1), (1, 2, 2, 2), (2, -1, 2, 4) };
        var matcher = new SparseBlossomMatcher(new MatchingGraph(3, edges));
        Assert.Throws<ArgumentException>(() => matcher.TryMatch([0, 0], out _, out _));
        Assert.True(matcher.TryMatch([0, 1], out ulong observables, out long weight));
        Assert.Equal((1UL, 2L), (observables, weight));
        Assert.Throws<ArgumentOutOfRangeException>(() => matcher.TryMatch([0, 5], out _, out _));
        Assert.True(matcher.TryMatch([1, 2], out observables, out weight));
        Assert.Equal((2UL, 2L), (observables, weight));
    }

    [Fact]
    public void AModelLine_CancelsRepeatedDetectors_AndReadsAVeryLongLine()
    {
        // The reader the decoder is built from: a detector listed twice cancels, and a line of 200,000 targets is read
        // by sorting once (a scan per target would make it quadratic).
        var model = Stabilizer.DetectorErrorModel.Parse("error(0.1) D0 D1 D0 D2 D2 D2 L0\nerror(0.2) D3 D3\n");
        Assert.Equal([1, 2], model.Errors[0].Detectors.ToArray());
        Assert.Single(model.Errors);
        string many = "error(0.01) " + string.Join(' ', Enumerable.Range(0, 200_000).Select(d => $"D{d}"));
        var big = Stabilizer.DetectorErrorModel.Parse(many);
        Assert.Equal(200_000, big.Errors[0].Detectors.Length);
    }

    [Fact]
    public void ATriangleWithATail_GivesTheOptimum()
    {
        // Three events on a triangle meet at once (a blossom); a tail and two boundaries give it somewhere to go.
        var edges = new List<(int, int, int, ulong)>
        {
            (0, 1, 4, 1), (1, 2, 4, 2), (0, 2, 4, 4), (2, 3, 2, 8), (3, 4, 10, 16), (4, -1, 40, 32), (0, -1, 30, 64),
        };
        var graph = new MatchingGraph(5, edges);
        var matcher = new SparseBlossomMatcher(graph);
        var brute = new BruteForce(5, edges);
        foreach (int[] events in new[] { new[] { 0, 1, 2, 3 }, [0, 1, 2, 3, 4], [0, 1, 2], [1, 2, 3, 4], [0, 4] })
        {
            Assert.True(matcher.TryMatch(events, out ulong observables, out long weight));
            Assert.Equal(brute.Match(events), (weight, observables));
        }
    }

    private static List<(int, int, int, ulong)> RandomGraph(Random random, int n, int maxHalfWeight, int boundaryShare)
    {
        var edges = new List<(int, int, int, ulong)>();
        var seen = new HashSet<(int, int)>();
        int W() => 2 * random.Next(maxHalfWeight + 1);
        ulong O() => (ulong)random.NextInt64() & (ulong)random.NextInt64();
        for (int v = 1; v < n; v++)
        {
            int u = random.Next(v); // a spanning tree: one component
            seen.Add((u, v));
            edges.Add((u, v, W(), O()));
        }

        int extra = random.Next(2 * n);
        for (int e = 0; e < extra; e++)
        {
            int a = random.Next(n);
            int b = random.Next(n);
            if (a != b && seen.Add((Math.Min(a, b), Math.Max(a, b))))
            {
                edges.Add((a, b, W(), O()));
            }
        }

        edges.Add((0, -1, W(), O()));
        for (int v = 1; v < n; v++)
        {
            if (random.Next(4) < boundaryShare - 1)
            {
                edges.Add((v, -1, W(), O()));
            }
        }

        return edges;
    }

    private static int[] RandomEvents(Random random, int n, int most)
    {
        int k = random.Next(most + 1);
        var all = Enumerable.Range(0, n).ToArray();
        random.Shuffle(all);
        return all[..k];
    }

    /// <summary>Floyd–Warshall distances (the boundary a sink) and a DP over subsets of the events.</summary>
    private sealed class BruteForce
    {
        private const long Infinity = long.MaxValue / 4;
        private readonly long[,] _d;
        private readonly ulong[,] _o;
        private readonly long[] _boundary;
        private readonly ulong[] _boundaryObservables;

        public BruteForce(int n, List<(int A, int B, int W, ulong O)> edges)
        {
            _d = new long[n, n];
            _o = new ulong[n, n];
            _boundary = new long[n];
            _boundaryObservables = new ulong[n];
            for (int i = 0; i < n; i++)
            {
                _boundary[i] = Infinity;
                for (int j = 0; j < n; j++)
                {
                    _d[i, j] = i == j ? 0 : Infinity;
                }
            }

            foreach (var (a, b, w, o) in edges)
            {
                if (b < 0)
                {
                    if (w < _boundary[a])
                    {
                        (_boundary[a], _boundaryObservables[a]) = (w, o);
                    }
                }
                else if (w < _d[a, b])
                {
                    (_d[a, b], _o[a, b]) = (w, o);
                    (_d[b, a], _o[b, a]) = (w, o);
                }
            }

            for (int k = 0; k < n; k++)
            {
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        if (_d[i, k] + _d[k, j] < _d[i, j])
                        {
                            _d[i, j] = _d[i, k] + _d[k, j];
                            _o[i, j] = _o[i, k] ^ _o[k, j];
                        }
                    }
                }
            }

            var direct = ((long[])_boundary.Clone(), (ulong[])_boundaryObservables.Clone());
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    if (_d[i, j] + direct.Item1[j] < _boundary[i])
                    {
                        _boundary[i] = _d[i, j] + direct.Item1[j];
                        _boundaryObservables[i] = _o[i, j] ^ direct.Item2[j];
                    }
                }
            }
        }

        public (long Weight, ulong Observables) Match(int[] events)
        {
            int k = events.Length;
            var best = new long[1 << k];
            var observables = new ulong[1 << k];
            for (int mask = 1; mask < 1 << k; mask++)
            {
                int i = System.Numerics.BitOperations.TrailingZeroCount(mask);
                int rest = mask & ~(1 << i);
                best[mask] = _boundary[events[i]] + best[rest];
                observables[mask] = _boundaryObservables[events[i]] ^ observables[rest];
                for (int j = i + 1; j < k; j++)
                {
                    if ((rest & (1 << j)) != 0)
                    {
                        long w = _d[events[i], events[j]] + best[rest & ~(1 << j)];
                        if (w < best[mask])
                        {
                            best[mask] = w;
                            observables[mask] = _o[events[i], events[j]] ^ observables[rest & ~(1 << j)];
                        }
                    }
                }
            }

            return (best[(1 << k) - 1], observables[(1 << k) - 1]);
        }
    }
}
