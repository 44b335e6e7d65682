using System.Numerics;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Testing;

namespace VnQuantum.Simulation.Tests;

public class MatrixProductStateTests
{
    private const double Tolerance = 1e-10;

    private static readonly Complex[] Hadamard = H();
    private static readonly Complex[] PauliX = [0, 1, 1, 0];

    private static Complex[] H()
    {
        double s = 1 / Math.Sqrt(2);
        return [s, s, s, -s];
    }

    private static Complex[] Cnot()
    {
        // Index bit 0 is the control (qubits[0]), bit 1 the target.
        var m = new Complex[16];
        m[0] = 1;
        m[(3 * 4) + 1] = 1;
        m[(2 * 4) + 2] = 1;
        m[(1 * 4) + 3] = 1;
        return m;
    }

    private static int[] DistinctQubits(Random random, int n, int k)
    {
        return Enumerable.Range(0, n).OrderBy(_ => random.Next()).Take(k).ToArray();
    }

    [Theory]
    [InlineData(6, 1)]
    [InlineData(10, 2)]
    [InlineData(12, 3)]
    public void RandomGatesOnAnyQubits_MatchTheStateVector(int n, int seed)
    {
        var random = new Random(seed);
        var mps = new MatrixProductState(n);
        using var reference = StateVector.Create(n);
        for (int g = 0; g < 60; g++)
        {
            int k = 1 + random.Next(3);
            var qubits = DistinctQubits(random, n, k);
            var matrix = DenseReference.Flatten(DenseReference.RandomUnitary(1 << k, random));
            mps.ApplyMatrix(qubits, matrix);
            reference.ApplyMatrix(qubits, matrix);
        }

        Assert.True(DenseReference.MaxDistance(mps.ToStateVector(), reference.ToArray()) < Tolerance);
        Assert.Equal(0, mps.DiscardedWeight, 1e-12);
        for (int q = 0; q < n; q++)
        {
            Assert.Equal(reference.ProbabilityOfOne(q), mps.ProbabilityOfOne(q), Tolerance);
        }
    }

    [Theory]
    [InlineData(8, 1)]
    [InlineData(20, 2)]
    public void PlannedFactorisations_EqualTheRunsCount_GateByGate(int n, int seed)
    {
        // The plan follows the qubits' sites without amplitudes; if it drifts from what ApplyMatrix does, a run's
        // progress (and vnq info's estimate from it) measures the wrong work.
        var random = new Random(seed);
        var gates = new List<int[]>();
        for (int g = 0; g < 80; g++)
        {
            gates.Add(DistinctQubits(random, n, 1 + random.Next(3)));
        }

        var plan = MatrixProductState.PlanFactorisations(n, gates);
        var mps = new MatrixProductState(n, maxBond: 8); // truncation changes the bonds, not the factorisations
        for (int g = 0; g < gates.Count; g++)
        {
            int k = gates[g].Length;
            mps.ApplyMatrix(gates[g], DenseReference.Flatten(DenseReference.RandomUnitary(1 << k, random)));
            Assert.Equal(plan[g], mps.Factorisations);
        }

        Assert.True(plan[^1] > gates.Count(g => g.Length > 1), "long-range gates cost their swaps");
    }

    [Fact]
    public void WideGates_OnScatteredQubits_MatchTheStateVector()
    {
        var random = new Random(7);
        const int n = 14;
        var mps = new MatrixProductState(n);
        using var reference = StateVector.Create(n);
        for (int g = 0; g < 12; g++)
        {
            int k = 4 + random.Next(2);
            var qubits = DistinctQubits(random, n, k);
            var matrix = DenseReference.Flatten(DenseReference.RandomUnitary(1 << k, random));
            mps.ApplyMatrix(qubits, matrix);
            reference.ApplyMatrix(qubits, matrix);
        }

        Assert.True(DenseReference.MaxDistance(mps.ToStateVector(), reference.ToArray()) < Tolerance);
    }

    [Fact]
    public void AmplitudesOfGivenBitstrings_MatchTheStateVector()
    {
        var random = new Random(11);
        const int n = 9;
        var mps = new MatrixProductState(n);
        using var reference = StateVector.Create(n);
        for (int g = 0; g < 40; g++)
        {
            int k = 1 + random.Next(2);
            var qubits = DistinctQubits(random, n, k);
            var matrix = DenseReference.Flatten(DenseReference.RandomUnitary(1 << k, random));
            mps.ApplyMatrix(qubits, matrix);
            reference.ApplyMatrix(qubits, matrix);
        }

        var bits = new bool[n];
        for (int index = 0; index < 1 << n; index++)
        {
            for (int q = 0; q < n; q++)
            {
                bits[q] = ((index >> q) & 1) == 1;
            }

            var expected = reference.GetAmplitude(index);
            Assert.True(Complex.Abs(mps.Amplitude(bits) - expected) < Tolerance, $"amplitude {index}");
            Assert.Equal(expected.Magnitude * expected.Magnitude, mps.Probability(bits), Tolerance);
        }
    }

    [Fact]
    public void Measurement_CollapsesLikeTheStateVector()
    {
        var random = new Random(5);
        const int n = 8;
        var mps = new MatrixProductState(n);
        using var reference = StateVector.Create(n);
        for (int g = 0; g < 30; g++)
        {
            var qubits = DistinctQubits(random, n, 2);
            var matrix = DenseReference.Flatten(DenseReference.RandomUnitary(4, random));
            mps.ApplyMatrix(qubits, matrix);
            reference.ApplyMatrix(qubits, matrix);
        }

        // Collapse both on the same outcomes: the MPS draws, the reference is projected the same way.
        foreach (int q in new[] { 3, 0, 7 })
        {
            double p1 = reference.ProbabilityOfOne(q);
            int outcome = mps.Measure(q, 0.5);
            Assert.Equal(0.5 < p1 ? 1 : 0, outcome);
            var amplitudes = reference.ToArray();
            double kept = outcome == 1 ? p1 : 1 - p1;
            for (int i = 0; i < amplitudes.Length; i++)
            {
                amplitudes[i] = ((i >> q) & 1) == outcome ? amplitudes[i] / Math.Sqrt(kept) : Complex.Zero;
            }

            Assert.True(DenseReference.MaxDistance(mps.ToStateVector(), amplitudes) < Tolerance);
            Assert.Equal(outcome, mps.ProbabilityOfOne(q), Tolerance);
            reference.CopyFrom(amplitudes);
        }

        mps.Reset(7, 0.25);
        Assert.Equal(0, mps.ProbabilityOfOne(7), Tolerance);
    }

    [Fact]
    public void Sampling_FollowsTheExactDistribution_AndTheSeedFixesTheCounts()
    {
        var random = new Random(3);
        const int n = 5;
        var mps = new MatrixProductState(n);
        for (int g = 0; g < 20; g++)
        {
            var qubits = DistinctQubits(random, n, 2);
            mps.ApplyMatrix(qubits, DenseReference.Flatten(DenseReference.RandomUnitary(4, random)));
        }

        var exact = mps.ToStateVector().Select(a => a.Magnitude * a.Magnitude).ToArray();
        const int shots = 200_000;
        var counts = SampleCounts(mps, shots, seed: 42);
        Assert.Equal(shots, counts.Values.Sum());
        double chiSquare = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            double expected = exact[i] * shots;
            double observed = counts.GetValueOrDefault(i);
            chiSquare += (observed - expected) * (observed - expected) / expected;
        }

        // 31 degrees of freedom: the 99.99th percentile of χ² is about 71.
        Assert.True(chiSquare < 71, $"χ² = {chiSquare}");
        Assert.Equal(counts, SampleCounts(mps, shots, seed: 42));
        Assert.NotEqual(counts, SampleCounts(mps, shots, seed: 43));
    }

    private static Dictionary<long, int> SampleCounts(MatrixProductState mps, int shots, ulong seed)
    {
        var counts = new Dictionary<long, int>();
        mps.Sample(shots, new SeededRandom(seed), (bits, count) =>
        {
            long index = 0;
            for (int q = 0; q < bits.Length; q++)
            {
                index |= bits[q] ? 1L << q : 0;
            }

            counts[index] = counts.GetValueOrDefault(index) + count;
        });
        return counts;
    }

    [Fact]
    public void Ghz_OnThreeHundredQubits_StaysAtBondTwo_AndSamplesOnlyAllZeroOrAllOne()
    {
        const int n = 300;
        var mps = new MatrixProductState(n);
        mps.Apply1(0, Hadamard);
        for (int q = 1; q < n; q++)
        {
            mps.ApplyMatrix([q - 1, q], Cnot());
        }

        Assert.Equal(2, mps.LargestBond);
        Assert.All(mps.BondDimensions(), b => Assert.Equal(2, b));
        var zeros = new bool[n];
        var ones = Enumerable.Repeat(true, n).ToArray();
        Assert.Equal(0.5, mps.Probability(zeros), Tolerance);
        Assert.Equal(0.5, mps.Probability(ones), Tolerance);
        var flipped = (bool[])zeros.Clone();
        flipped[150] = true;
        Assert.Equal(0, mps.Probability(flipped), Tolerance);

        int allZero = 0, allOne = 0;
        mps.Sample(1000, new SeededRandom(1), (bits, count) =>
        {
            if (bits.IndexOf(true) < 0)
            {
                allZero += count;
            }
            else
            {
                Assert.True(bits.IndexOf(false) < 0, "a GHZ sample mixed zeros and ones");
                allOne += count;
            }
        });
        Assert.Equal(1000, allZero + allOne);
        Assert.InRange(allZero, 400, 600);
    }

    [Fact]
    public void GhzAcrossTheChain_WithLongRangeGates_StaysExact()
    {
        // CNOTs from qubit 0 to every other qubit: each long-range gate swaps qubit 0 along the chain.
        const int n = 120;
        var mps = new MatrixProductState(n);
        mps.Apply1(0, Hadamard);
        for (int q = n - 1; q >= 1; q--)
        {
            mps.ApplyMatrix([0, q], Cnot());
        }

        Assert.Equal(0, mps.DiscardedWeight, 1e-12);
        Assert.Equal(0.5, mps.Probability(new bool[n]), Tolerance);
        Assert.Equal(0.5, mps.Probability(Enumerable.Repeat(true, n).ToArray()), Tolerance);
        for (int q = 0; q < n; q += 17)
        {
            Assert.Equal(0.5, mps.ProbabilityOfOne(q), Tolerance);
        }
    }

    [Fact]
    public void MaxBondOne_OnABellPair_DiscardsHalfTheWeight()
    {
        var mps = new MatrixProductState(2, maxBond: 1);
        mps.Apply1(0, Hadamard);
        mps.ApplyMatrix([0, 1], Cnot());
        Assert.Equal(0.5, mps.DiscardedWeight, 1e-12);
        Assert.Equal(1, mps.LargestBond);

        // What is kept is renormalised: one of |00⟩ or |11⟩ with certainty.
        var state = mps.ToStateVector();
        Assert.Equal(1, state.Sum(a => a.Magnitude * a.Magnitude), 1e-12);
    }

    [Fact]
    public void TruncatedRandomCircuit_FidelityIsBoundedByTheDiscardedWeight()
    {
        var random = new Random(9);
        const int n = 10;
        var exact = new MatrixProductState(n);
        var truncated = new MatrixProductState(n, maxBond: 4);
        for (int g = 0; g < 80; g++)
        {
            var qubits = DistinctQubits(random, n, 2);
            var matrix = DenseReference.Flatten(DenseReference.RandomUnitary(4, random));
            exact.ApplyMatrix(qubits, matrix);
            truncated.ApplyMatrix(qubits, matrix);
        }

        Assert.True(truncated.DiscardedWeight > 0.01);
        Assert.True(truncated.LargestBond <= 4);
        var a = exact.ToStateVector();
        var b = truncated.ToStateVector();
        Complex overlap = 0;
        for (int i = 0; i < a.Length; i++)
        {
            overlap += Complex.Conjugate(a[i]) * b[i];
        }

        double infidelity = 1 - (overlap.Magnitude * overlap.Magnitude);

        // Each split keeps the best rank-χ approximation, so the fidelity loss is at most the sum of the
        // discarded weights (to first order; the runs here are far from saturating it).
        Assert.InRange(infidelity, 0, truncated.DiscardedWeight + 1e-9);
    }

    [Fact]
    public void ExactRun_PastTheBondLimit_IsRefusedWithAHint()
    {
        // 12 qubits of random two-qubit gates reach bond 2^6 = 64 at the middle cut, past a limit of 16.
        var random = new Random(2);
        const int n = 12;
        var mps = new MatrixProductState(n) { ExactLimit = 16 };
        var e = Assert.Throws<StateTooLargeException>(() =>
        {
            for (int layer = 0; layer < 40; layer++)
            {
                for (int q = layer % 2; q + 1 < n; q += 2)
                {
                    mps.ApplyMatrix([q, q + 1], DenseReference.Flatten(DenseReference.RandomUnitary(4, random)));
                }
            }
        });
        Assert.Contains("--max-bond", e.Message);
        Assert.Contains("limit is 16", e.Message);
    }

    [Fact]
    public void BadArguments_AreRefusedClearly()
    {
        var mps = new MatrixProductState(4);
        Assert.Throws<ArgumentOutOfRangeException>(() => mps.Apply1(4, PauliX));
        Assert.Throws<ArgumentException>(() => mps.ApplyMatrix([1, 1], Cnot()));
        Assert.Throws<ArgumentException>(() => mps.ApplyMatrix([0, 1], PauliX));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatrixProductState(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MatrixProductState(3, truncationThreshold: 1));
        Assert.Throws<InvalidOperationException>(() => new MatrixProductState(30).ToStateVector());
    }
}
