using VnQuantum.Simulation.Decoding;

namespace VnQuantum.Simulation.Tests;

public class BlossomMatchingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MinimumWeightPerfectMatching_EqualsBruteForce_OnRandomCompleteGraphs(int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = 2 * (1 + random.Next(6)); // 2..12 vertices
            var w = new long[n, n];
            var edges = new List<(int, int, long)>();
            long top = 1000;
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    // Small integer weights make ties common, which is where blossoms go wrong.
                    w[i, j] = w[j, i] = random.Next(trial % 2 == 0 ? 5 : 100);
                    edges.Add((i, j, top - w[i, j]));
                }
            }

            var mate = BlossomMatching.Solve(n, edges, maxCardinality: true);
            long cost = 0;
            for (int i = 0; i < n; i++)
            {
                Assert.True(mate[i] >= 0 && mate[mate[i]] == i, $"trial {trial}: vertex {i} unmatched or inconsistent");
                if (mate[i] > i)
                {
                    cost += w[i, mate[i]];
                }
            }

            Assert.Equal(BruteForce(w, n), cost);
        }
    }

    [Fact]
    public void MaximumWeightMatching_OnASparseGraph_EqualsBruteForce()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 300; trial++)
        {
            int n = 2 + random.Next(9);
            var edges = new List<(int I, int J, long W)>();
            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    if (random.Next(3) == 0)
                    {
                        edges.Add((i, j, random.Next(1, 20)));
                    }
                }
            }

            var mate = BlossomMatching.Solve(n, edges, maxCardinality: false);
            long weight = edges.Where(e => mate[e.I] == e.J).Sum(e => e.W);
            Assert.Equal(BestMatching(n, edges, 0, 0), weight);
        }
    }

    private static long BruteForce(long[,] w, int n)
    {
        var memo = new Dictionary<int, long>();
        long Solve(int used)
        {
            if (used == (1 << n) - 1)
            {
                return 0;
            }

            if (memo.TryGetValue(used, out long cached))
            {
                return cached;
            }

            int i = 0;
            while ((used & (1 << i)) != 0)
            {
                i++;
            }

            long best = long.MaxValue;
            for (int j = i + 1; j < n; j++)
            {
                if ((used & (1 << j)) == 0)
                {
                    best = Math.Min(best, w[i, j] + Solve(used | (1 << i) | (1 << j)));
                }
            }

            return memo[used] = best;
        }

        return Solve(0);
    }

    private static long BestMatching(int n, List<(int I, int J, long W)> edges, int from, int used)
    {
        if (from == edges.Count)
        {
            return 0;
        }

        var (i, j, w) = edges[from];
        long skip = BestMatching(n, edges, from + 1, used);
        if ((used & (1 << i)) == 0 && (used & (1 << j)) == 0)
        {
            return Math.Max(skip, w + BestMatching(n, edges, from + 1, used | (1 << i) | (1 << j)));
        }

        return skip;
    }
}
