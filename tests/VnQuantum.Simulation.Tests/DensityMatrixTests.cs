using System.Numerics;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;
using VnQuantum.Testing;

namespace VnQuantum.Simulation.Tests;

public class DensityMatrixTests
{
    private const double Tolerance = 1e-11;

    [Fact]
    public void KrausSet_NotComplete_IsRefusedWithTheDeviation()
    {
        var e = Assert.Throws<ArgumentException>(() => KrausChannel.FromOperators([[1, 0, 0, 0.9]], "leaky"));
        Assert.Contains("not complete", e.Message);
        Assert.Contains("'leaky'", e.Message);
        Assert.Contains("(1,1)", e.Message);
    }

    [Fact]
    public void KrausSet_WrongSize_IsRefused()
    {
        var e = Assert.Throws<ArgumentException>(() => KrausChannel.FromOperators([[1, 0, 0]]));
        Assert.Contains("3 entries", e.Message);
    }

    public static TheoryData<int, KernelPath> ThreadsAndPaths()
    {
        var data = new TheoryData<int, KernelPath>();
        foreach (var path in StateVectorTests.AvailablePaths())
        {
            data.Add(1, path);
            data.Add(3, path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ThreadsAndPaths))]
    public void RandomGatesAndChannels_MatchDenseReference(int threads, KernelPath path)
    {
        const int n = 4;
        var random = new Random(7);
        var channels = new[]
        {
            KrausChannel.AmplitudeDamping(0.3),
            KrausChannel.PhaseDamping(0.2),
            KrausChannel.ThermalRelaxation(50, 40, 7, excitedPopulation: 0.1),
            KrausChannel.Depolarizing(0.2),
            KrausChannel.Depolarizing(0.3, 2),
            KrausChannel.Pauli(1, [0, 0.1, 0.05, 0.02]),
            KrausChannel.Pauli(2, [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07]),
        };

        using var rho = DensityMatrix.Create(n, threads: threads, path: path);
        var psi = DenseReference.RandomState(n, random);
        rho.SetPureState(psi);
        var reference = Outer(psi);
        for (int step = 0; step < 40; step++)
        {
            int kind = random.Next(4);
            int a = random.Next(n);
            int b = (a + 1 + random.Next(n - 1)) % n;
            switch (kind)
            {
                case 0:
                    {
                        var u = DenseReference.RandomUnitary(2, random);
                        rho.ApplyMatrix([a], DenseReference.Flatten(u));
                        reference = Conjugate(DenseReference.Embed(n, [a], u), reference);
                        break;
                    }

                case 1:
                    {
                        var u = DenseReference.RandomUnitary(4, random);
                        int c = Enumerable.Range(0, n).First(q => q != a && q != b);
                        rho.ApplyMatrix([a, b], DenseReference.Flatten(u), [c]);
                        reference = Conjugate(DenseReference.Embed(n, [a, b], u, c), reference);
                        break;
                    }

                case 2:
                    {
                        var channel = channels[random.Next(channels.Length)];
                        int[] qubits = channel.QubitCount == 1 ? [a] : [a, b];
                        rho.ApplyChannel(channel, qubits);
                        reference = ApplyChannel(n, qubits, channel, reference);
                        break;
                    }

                default:
                    rho.ApplyX(a, [b]);
                    rho.ApplyDiagonal1(b, Complex.FromPolarCoordinates(1, 0.3), Complex.FromPolarCoordinates(1, -1.1));
                    rho.ApplySwap(a, b);
                    reference = Conjugate(DenseReference.Embed(n, [a], new Complex[,] { { 0, 1 }, { 1, 0 } }, b), reference);
                    reference = Conjugate(DenseReference.Embed(n, [b], new Complex[,] { { Complex.FromPolarCoordinates(1, 0.3), 0 }, { 0, Complex.FromPolarCoordinates(1, -1.1) } }), reference);
                    reference = Conjugate(DenseReference.Embed(n, [a, b], new Complex[,] { { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 1 } }), reference);
                    break;
            }
        }

        var actual = rho.ToArray();
        for (int r = 0; r < 1 << n; r++)
        {
            for (int c = 0; c < 1 << n; c++)
            {
                Assert.True((actual[r, c] - reference[r, c]).Magnitude < Tolerance, $"ρ[{r},{c}] = {actual[r, c]}, expected {reference[r, c]}");
            }
        }

        Assert.Equal(1, rho.Trace(), 10);
    }

    [Fact]
    public void AmplitudeDamping_RepeatedGivesTheT1DecayCurve()
    {
        // |1⟩ relaxing through k steps of γ: P(1) = (1 − γ)^k = e^(−k·dt/T1) with γ = 1 − e^(−dt/T1).
        const double t1 = 50e-6, dt = 1e-6;
        using var rho = DensityMatrix.Create(1);
        rho.ApplyX(0);
        var channel = KrausChannel.ThermalRelaxation(t1, 2 * t1, dt);
        for (int k = 1; k <= 100; k++)
        {
            rho.ApplyChannel(channel, [0]);
            Assert.Equal(Math.Exp(-k * dt / t1), rho.ProbabilityOfOne(0), 12);
        }
    }

    [Fact]
    public void ThermalRelaxation_CoherenceDecaysWithT2()
    {
        const double t1 = 80, t2 = 30, time = 12;
        using var rho = DensityMatrix.Create(1);
        double h = 1 / Math.Sqrt(2);
        rho.ApplyMatrix([0], [h, h, h, -h]);
        rho.ApplyChannel(KrausChannel.ThermalRelaxation(t1, t2, time), [0]);
        Assert.Equal(0.5 * Math.Exp(-time / t2), rho[0, 1].Magnitude, 12);
        Assert.Equal(0.5 * Math.Exp(-time / t1), rho[1, 1].Real, 12);
    }

    [Fact]
    public void ThermalRelaxation_T2BeyondTwiceT1_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KrausChannel.ThermalRelaxation(10, 25, 1));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    [InlineData(0.5)]
    [InlineData(1.0)]
    public void DepolarizedBellState_HasTheTextbookFidelity(double lambda)
    {
        double h = 1 / Math.Sqrt(2);
        Complex[] bell = [h, 0, 0, h];

        using var two = DensityMatrix.Create(2);
        two.SetPureState(bell);
        two.ApplyChannel(KrausChannel.Depolarizing(lambda, 2), [0, 1]);
        Assert.Equal(1 - (0.75 * lambda), two.Fidelity(bell), 12);

        // Local depolarizing on each qubit: only the undisturbed part keeps the Bell state.
        using var local = DensityMatrix.Create(2);
        local.SetPureState(bell);
        local.ApplyChannel(KrausChannel.Depolarizing(lambda), [0]);
        local.ApplyChannel(KrausChannel.Depolarizing(lambda), [1]);
        double keep = (1 - lambda) * (1 - lambda);
        Assert.Equal(keep + ((1 - keep) / 4), local.Fidelity(bell), 12);
        Assert.Equal(keep, local.Expectation(PauliString.Parse("XX")), 12);
    }

    [Fact]
    public void Measure_CollapsesAndReset_ReturnsToZero()
    {
        using var rho = DensityMatrix.Create(2);
        double h = 1 / Math.Sqrt(2);
        rho.SetPureState([h, 0, 0, h]);
        int outcome = rho.Measure(0, new SeededRandom(3));
        Assert.Equal(outcome, rho.ProbabilityOfOne(1), 12);
        Assert.Equal(1, rho.Purity(), 12);
        rho.Reset(0);
        rho.Reset(1);
        Assert.Equal(1, rho[0, 0].Real, 12);
        Assert.Equal(1, rho.Purity(), 12);
    }

    [Fact]
    public void Sample_FollowsTheDiagonal()
    {
        using var rho = DensityMatrix.Create(2);
        rho.ApplyChannel(KrausChannel.Depolarizing(1), [0]); // λ = 1: qubit 0 fully mixed
        var samples = rho.Sample(20000, new SeededRandom(11));
        double ones = samples.Count(s => s == 1) / 20000.0;
        Assert.InRange(ones, 0.48, 0.52);
        Assert.DoesNotContain(samples, s => s >= 2);
    }

    [Fact]
    public void ReducedDensityMatrix_OfABellPair_IsMaximallyMixed()
    {
        using var state = StateVector.Create(3);
        double h = 1 / Math.Sqrt(2);
        state.ApplyMatrix1(2, [h, h, h, -h]);
        state.ApplyX(0, [2]);
        var one = state.ReducedDensityMatrix([0]);
        Assert.Equal(0.5, one[0].Real, 12);
        Assert.Equal(0.5, one[3].Real, 12);
        Assert.Equal(0, one[1].Magnitude, 12);
        var pair = state.ReducedDensityMatrix([0, 2]);
        Assert.Equal(0.5, pair[(3 * 4) + 0].Real, 12); // ⟨11|ρ|00⟩ with index bit 0 = qubit 0, bit 1 = qubit 2
    }

    private static Complex[,] Outer(Complex[] psi)
    {
        var m = new Complex[psi.Length, psi.Length];
        for (int r = 0; r < psi.Length; r++)
        {
            for (int c = 0; c < psi.Length; c++)
            {
                m[r, c] = psi[r] * Complex.Conjugate(psi[c]);
            }
        }

        return m;
    }

    private static Complex[,] Conjugate(Complex[,] u, Complex[,] rho) =>
        DenseReference.Multiply(DenseReference.Multiply(u, rho), Adjoint(u));

    private static Complex[,] Adjoint(Complex[,] u)
    {
        int d = u.GetLength(0);
        var a = new Complex[d, d];
        for (int r = 0; r < d; r++)
        {
            for (int c = 0; c < d; c++)
            {
                a[r, c] = Complex.Conjugate(u[c, r]);
            }
        }

        return a;
    }

    private static Complex[,] ApplyChannel(int n, int[] qubits, KrausChannel channel, Complex[,] rho)
    {
        int d = 1 << n;
        var sum = new Complex[d, d];
        int kd = 1 << channel.QubitCount;
        foreach (var k in channel.Operators)
        {
            var small = new Complex[kd, kd];
            for (int r = 0; r < kd; r++)
            {
                for (int c = 0; c < kd; c++)
                {
                    small[r, c] = k[(r * kd) + c];
                }
            }

            var term = Conjugate(DenseReference.Embed(n, qubits, small), rho);
            for (int r = 0; r < d; r++)
            {
                for (int c = 0; c < d; c++)
                {
                    sum[r, c] += term[r, c];
                }
            }
        }

        return sum;
    }
}
