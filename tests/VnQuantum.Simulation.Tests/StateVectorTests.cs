using System.Numerics;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Testing;

namespace VnQuantum.Simulation.Tests;

public class StateVectorTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<KernelPath, int> PathsAndThreads()
    {
        var data = new TheoryData<KernelPath, int>();
        foreach (var path in AvailablePaths())
        {
            data.Add(path, 1);
            data.Add(path, 3);
        }

        return data;
    }

    internal static IEnumerable<KernelPath> AvailablePaths()
    {
        yield return KernelPath.Scalar;
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
        {
            yield return KernelPath.Vector256;
        }

        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
        {
            yield return KernelPath.Vector512;
        }
    }

    [Fact]
    public void Create_StartsInAllZeroState()
    {
        using var state = StateVector.Create(5);
        Assert.Equal(Complex.One, state.GetAmplitude(0));
        for (long i = 1; i < state.Length; i++)
        {
            Assert.Equal(Complex.Zero, state.GetAmplitude(i));
        }
    }

    [Fact]
    public void Create_TooLarge_SaysHowMuchMemoryItNeeds()
    {
        var e = Assert.Throws<StateTooLargeException>(() => StateVector.Create(40));
        Assert.Contains("16 TiB", e.Message.Replace("16384 GiB", "16 TiB"));
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void Dense1_OnEveryTarget_MatchesKroneckerReference(KernelPath path, int threads)
    {
        var random = new Random(1);
        const int n = 6;
        for (int target = 0; target < n; target++)
        {
            var u = DenseReference.RandomUnitary(2, random);
            var v = DenseReference.RandomState(n, random);
            using var state = StateVector.Create(n, threads: threads, path: path);
            state.CopyFrom(v);
            state.ApplyMatrix1(target, DenseReference.Flatten(u));
            var expected = DenseReference.Apply(DenseReference.Controlled1(n, target, u), v);
            Assert.True(DenseReference.MaxDistance(state.ToArray(), expected) < Tolerance, $"target {target}");
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void ControlledGates_MatchKroneckerReference(KernelPath path, int threads)
    {
        var random = new Random(2);
        const int n = 6;
        int[][] controlSets = [[0], [5], [2, 4], [0, 1, 3]];
        for (int target = 0; target < n; target++)
        {
            foreach (var controls in controlSets.Where(c => !c.Contains(target)))
            {
                var u = DenseReference.RandomUnitary(2, random);
                var v = DenseReference.RandomState(n, random);
                var reference = DenseReference.Controlled1(n, target, u, controls);

                using var state = StateVector.Create(n, threads: threads, path: path);
                state.CopyFrom(v);
                state.ApplyMatrix1(target, DenseReference.Flatten(u), controls);
                Assert.True(DenseReference.MaxDistance(state.ToArray(), DenseReference.Apply(reference, v)) < Tolerance);

                var x = new Complex[,] { { 0, 1 }, { 1, 0 } };
                state.CopyFrom(v);
                state.ApplyX(target, controls);
                Assert.True(DenseReference.MaxDistance(state.ToArray(), DenseReference.Apply(DenseReference.Controlled1(n, target, x, controls), v)) < Tolerance);

                var phase = Complex.FromPolarCoordinates(1, 0.7);
                var p = new Complex[,] { { 1, 0 }, { 0, phase } };
                state.CopyFrom(v);
                state.ApplyPhase(target, phase, controls);
                Assert.True(DenseReference.MaxDistance(state.ToArray(), DenseReference.Apply(DenseReference.Controlled1(n, target, p, controls), v)) < Tolerance);

                var d0 = Complex.FromPolarCoordinates(1, -0.3);
                var d = new Complex[,] { { d0, 0 }, { 0, phase } };
                state.CopyFrom(v);
                state.ApplyDiagonal1(target, d0, phase, controls);
                Assert.True(DenseReference.MaxDistance(state.ToArray(), DenseReference.Apply(DenseReference.Controlled1(n, target, d, controls), v)) < Tolerance);
            }
        }
    }

    [Theory]
    [MemberData(nameof(PathsAndThreads))]
    public void TwoAndMoreQubitMatrices_MatchEmbeddedReference(KernelPath path, int threads)
    {
        var random = new Random(3);
        const int n = 6;
        // Includes every shape of the low-target transposing kernel: one low target (0 or 1, first or not) with one or
        // two high ones, and both low targets with none or one high; partners inside the run (bits 2, 3 free) and
        // outside it (a target on bit 2 or 3).
        int[][] targetSets =
        [
            [0, 1], [1, 0], [5, 0], [2, 4], [3, 5], [0, 2, 5], [4, 1, 3, 0], [5, 4, 3, 2, 1],
            [1, 4], [4, 1, 5], [0, 5, 3], [1, 0, 4], [4, 0, 1], [3, 1, 0], [1, 2, 3], [0, 1, 2], [2, 0], [1, 2],
        ];
        foreach (var targets in targetSets)
        {
            int dim = 1 << targets.Length;
            var u = DenseReference.RandomUnitary(dim, random);
            var v = DenseReference.RandomState(n, random);
            using var state = StateVector.Create(n, threads: threads, path: path);
            state.CopyFrom(v);
            if (targets.Length == 2)
            {
                state.ApplyMatrix2(targets[0], targets[1], DenseReference.Flatten(u));
            }
            else
            {
                state.ApplyMatrix(targets, DenseReference.Flatten(u));
            }

            var expected = DenseReference.Apply(DenseReference.Embed(n, targets, u), v);
            Assert.True(DenseReference.MaxDistance(state.ToArray(), expected) < Tolerance, string.Join(",", targets));
        }

        // A low-target block under a high control, and an 8×8 with a low target under one.
        foreach (var (targets, control) in new[] { (new[] { 0, 4 }, 5), (new[] { 5, 1, 3 }, 4) })
        {
            var u = DenseReference.RandomUnitary(1 << targets.Length, random);
            var v = DenseReference.RandomState(n, random);
            using var state = StateVector.Create(n, threads: threads, path: path);
            state.CopyFrom(v);
            state.ApplyMatrix(targets, DenseReference.Flatten(u), [control]);
            var expected = DenseReference.Apply(DenseReference.Embed(n, targets, u, control), v);
            Assert.True(DenseReference.MaxDistance(state.ToArray(), expected) < Tolerance, $"{string.Join(",", targets)} | {control}");
        }

        // Controlled two-qubit gate and controlled swap.
        var u2 = DenseReference.RandomUnitary(4, random);
        var v2 = DenseReference.RandomState(n, random);
        using var s2 = StateVector.Create(n, threads: threads, path: path);
        s2.CopyFrom(v2);
        s2.ApplyMatrix2(1, 4, DenseReference.Flatten(u2), [0, 5]);
        Assert.True(DenseReference.MaxDistance(s2.ToArray(), DenseReference.Apply(DenseReference.Embed(n, [1, 4], u2, 0, 5), v2)) < Tolerance);

        var swap = new Complex[,] { { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 1 } };
        s2.CopyFrom(v2);
        s2.ApplySwap(3, 0, [2]);
        Assert.True(DenseReference.MaxDistance(s2.ToArray(), DenseReference.Apply(DenseReference.Embed(n, [3, 0], swap, 2), v2)) < Tolerance);
    }

    [Theory]
    [InlineData(Precision.Single, 1)]
    [InlineData(Precision.Single, 3)]
    [InlineData(Precision.Double, 1)]
    [InlineData(Precision.Double, 3)]
    public void LowTargetBlocks_OfThreeToFiveQubits_MatchEmbeddedReference(Precision precision, int threads)
    {
        // The lane-swap kernel's shapes: one, two or three targets below the vector width (qubits 0–2 in single
        // precision, 0–1 in double), first or not, with high targets low and high, under a high control, and
        // states too small to leave free partner qubits (which fall back to the lane kernel).
        var random = new Random(11);
        double tolerance = precision == Precision.Double ? Tolerance : 2e-6;
        (int Qubits, int[] Targets, int[] Controls)[] cases =
        [
            (9, [0, 5, 8], []), (9, [5, 2, 7], []), (9, [1, 0, 6], []), (9, [2, 0, 1], []), (9, [0, 1, 2], [8]),
            (9, [3, 1, 4], []), (9, [8, 7, 0], []), (9, [4, 0, 7, 2], []), (9, [1, 2, 0, 8], []), (9, [2, 6, 1, 0, 5], []),
            (9, [0, 3, 4, 5, 6], [7]), (9, [6, 1, 3], [2]), (5, [0, 1, 2, 3, 4], []), (6, [0, 1, 2, 3], []), (4, [2, 0, 1], []),
        ];
        foreach (var path in AvailablePaths())
        {
            foreach (var (n, targets, controls) in cases)
            {
                var u = DenseReference.RandomUnitary(1 << targets.Length, random);
                var v = DenseReference.RandomState(n, random);
                using var state = StateVector.Create(n, precision, threads, path);
                state.CopyFrom(v);
                state.ApplyMatrix(targets, DenseReference.Flatten(u), controls);
                var expected = DenseReference.Apply(DenseReference.Embed(n, targets, u, controls), v);
                Assert.True(
                    DenseReference.MaxDistance(state.ToArray(), expected) < tolerance,
                    $"{path}, {n} qubits, targets {string.Join(",", targets)} | {string.Join(",", controls)}");
            }
        }
    }

    [Theory]
    [InlineData(Precision.Double)]
    [InlineData(Precision.Single)]
    public void VectorKernels_EqualTheirScalarTwin_ToRounding(Precision precision)
    {
        // Large enough that runs are long and the thread pool splits the work.
        const int n = 16;
        var random = new Random(4);
        var v = DenseReference.RandomState(n, random);
        var u1 = DenseReference.Flatten(DenseReference.RandomUnitary(2, random));
        var u2 = DenseReference.Flatten(DenseReference.RandomUnitary(4, random));
        var u3 = DenseReference.Flatten(DenseReference.RandomUnitary(8, random));
        var u4 = DenseReference.Flatten(DenseReference.RandomUnitary(16, random));
        var phase = Complex.FromPolarCoordinates(1, 0.3);

        Complex[] Run(KernelPath path)
        {
            using var state = StateVector.Create(n, precision, threads: 2, path: path);
            state.CopyFrom(v);
            for (int q = 0; q < n; q++)
            {
                state.ApplyMatrix1(q, u1);
                state.ApplyMatrix2(q, (q + 5) % n, u2);
                state.ApplyMatrix([q, (q + 1) % n, (q + 9) % n], u3);
                state.ApplyMatrix([(q + 2) % n, q, (q + 6) % n, (q + 11) % n], u4);
                state.ApplyPhase(q, phase, [(q + 3) % n]);
                state.ApplyDiagonal1(q, phase, Complex.Conjugate(phase));
                state.ApplyX(q, [(q + 2) % n]);
                state.ApplySwap(q, (q + 7) % n);
                state.ApplyMatrix1((q + 4) % n, u1, [q]);
            }

            return state.ToArray();
        }

        // Pair kernels add in the scalar order (bit-identical); lane kernels add the same terms in another order.
        double tolerance = precision == Precision.Double ? 1e-15 : 1e-7;
        var scalar = Run(KernelPath.Scalar);
        foreach (var path in AvailablePaths().Where(p => p != KernelPath.Scalar))
        {
            var vector = Run(path);
            for (int i = 0; i < scalar.Length; i++)
            {
                Assert.True((scalar[i] - vector[i]).Magnitude < tolerance, $"{path} amplitude {i}: {scalar[i]} vs {vector[i]}");
            }
        }
    }

    [Fact]
    public void SinglePrecision_AgreesWithDoubleToFloatAccuracy()
    {
        var random = new Random(5);
        const int n = 8;
        var v = DenseReference.RandomState(n, random);
        var u = DenseReference.Flatten(DenseReference.RandomUnitary(4, random));
        using var d = StateVector.Create(n, Precision.Double);
        using var s = StateVector.Create(n, Precision.Single);
        d.CopyFrom(v);
        s.CopyFrom(v);
        for (int q = 0; q < n - 1; q++)
        {
            d.ApplyMatrix2(q, q + 1, u);
            s.ApplyMatrix2(q, q + 1, u);
        }

        Assert.True(DenseReference.MaxDistance(d.ToArray(), s.ToArray()) < 1e-5);
        Assert.Equal(1.0, s.NormSquared(), 5);
    }

    [Fact]
    public void Measure_CollapsesAndRenormalises()
    {
        using var state = StateVector.Create(2);
        var h = HalfHadamard();
        state.ApplyMatrix1(0, h);
        state.ApplyX(1, [0]);
        int outcome = state.Measure(0, new SeededRandom(9));
        Assert.Equal(1.0, state.NormSquared(), 12);
        long expected = outcome == 0 ? 0 : 3;
        Assert.Equal(1.0, state.GetAmplitude(expected).Magnitude, 12);
        Assert.Equal(outcome, state.Measure(1, new SeededRandom(10)));
    }

    [Fact]
    public void Sample_FollowsTheBornRule_ChiSquare()
    {
        // A 4-qubit state with uneven probabilities; 200k shots; chi-square with 15 degrees of freedom.
        var random = new Random(6);
        var v = DenseReference.RandomState(4, random);
        using var state = StateVector.Create(4);
        state.CopyFrom(v);
        const int shots = 200_000;
        var samples = state.Sample(shots, new SeededRandom(42));
        var counts = new int[16];
        foreach (long s in samples)
        {
            counts[s]++;
        }

        double chi2 = 0;
        for (int i = 0; i < 16; i++)
        {
            double expected = shots * v[i].Magnitude * v[i].Magnitude;
            chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
        }

        // The 99.9th percentile of chi-square with 15 degrees of freedom is 37.7.
        Assert.True(chi2 < 37.7, $"chi2 = {chi2}");
    }

    [Fact]
    public void Sample_IsReproducibleAndIndependentOfThreadCount()
    {
        const int n = 16;
        var v = DenseReference.RandomState(n, new Random(7));
        long[] Draw(int threads)
        {
            using var state = StateVector.Create(n, threads: threads);
            state.CopyFrom(v);
            return state.Sample(5000, new SeededRandom(123));
        }

        Assert.Equal(Draw(1), Draw(1));
        Assert.Equal(Draw(1), Draw(4));
    }

    [Fact]
    public void Sample_NeverPicksAZeroAmplitude()
    {
        using var state = StateVector.Create(3);
        state.ApplyMatrix1(2, HalfHadamard());
        foreach (long s in state.Sample(10_000, new SeededRandom(1)))
        {
            Assert.True(s is 0 or 4, $"sampled {s}");
        }
    }

    [Fact]
    public void Expectation_OfPauliStrings_MatchesDenseReference()
    {
        var random = new Random(8);
        const int n = 4;
        var v = DenseReference.RandomState(n, random);
        using var state = StateVector.Create(n);
        state.CopyFrom(v);
        var paulis = new Dictionary<char, Complex[,]>
        {
            ['I'] = new Complex[,] { { 1, 0 }, { 0, 1 } },
            ['X'] = new Complex[,] { { 0, 1 }, { 1, 0 } },
            ['Y'] = new Complex[,] { { 0, -Complex.ImaginaryOne }, { Complex.ImaginaryOne, 0 } },
            ['Z'] = new Complex[,] { { 1, 0 }, { 0, -1 } },
        };
        foreach (string label in new[] { "IIIZ", "XIII", "YYII", "XYZI", "ZZZZ", "IYIX", "YIYY" })
        {
            var factors = new Complex[n][,];
            for (int q = 0; q < n; q++)
            {
                factors[q] = paulis[label[n - 1 - q]];
            }

            var pv = DenseReference.Apply(DenseReference.KronAll(factors), v);
            Complex expected = 0;
            for (int i = 0; i < v.Length; i++)
            {
                expected += Complex.Conjugate(v[i]) * pv[i];
            }

            Assert.Equal(expected.Real, state.Expectation(PauliString.Parse(label)), 12);
        }
    }

    [Fact]
    public void MarginalProbabilities_SumOverTheOtherQubits()
    {
        var v = DenseReference.RandomState(5, new Random(9));
        using var state = StateVector.Create(5);
        state.CopyFrom(v);
        var marginal = state.Probabilities([3, 1]);
        for (int j = 0; j < 4; j++)
        {
            double expected = 0;
            for (int i = 0; i < 32; i++)
            {
                int b3 = (i >> 3) & 1, b1 = (i >> 1) & 1;
                if ((b3 | (b1 << 1)) == j)
                {
                    expected += v[i].Magnitude * v[i].Magnitude;
                }
            }

            Assert.Equal(expected, marginal[j], 12);
        }
    }

    [Fact]
    public void Gates_RejectRepeatedOrOutOfRangeQubits()
    {
        using var state = StateVector.Create(3);
        Assert.Throws<ArgumentException>(() => state.ApplyX(1, [1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => state.ApplyX(3));
        Assert.Throws<ArgumentException>(() => state.ApplyMatrix1(0, new Complex[3]));
    }

    [Fact]
    public void SeededRandom_SameSeedSameBits()
    {
        var a = new SeededRandom(77);
        var b = new SeededRandom(77);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }

        Assert.NotEqual(new SeededRandom(1).NextUInt64(), new SeededRandom(2).NextUInt64());
    }

    private static Complex[] HalfHadamard()
    {
        double s = 1 / Math.Sqrt(2);
        return [s, s, s, -s];
    }
}
