using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Sensing;
using VnQuantum.Sensing.Estimation;
using VnQuantum.Sensing.Sensors;
using VnQuantum.Sensing.States;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;

namespace VnQuantum.Sensing.Tests;

public class SensingTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(40)]
    public void Qfi_OfCssGhzAndDicke_IsNThenNSquaredThenHalfNNPlusTwo(int n)
    {
        var spin = new CollectiveSpin(n);
        Assert.Equal(n, FisherInformation.PureUnitary(spin.CoherentX(), spin.Jz), 8);
        Assert.Equal((double)n * n, FisherInformation.PureUnitary(spin.Ghz(), spin.Jz), 8);
        if (n % 2 == 0)
        {
            Assert.Equal(n * (n + 2) / 2.0, FisherInformation.PureUnitary(spin.Dicke(0), spin.Jx), 8);
        }
    }

    [Fact]
    public void PureAndMixedFormulas_AgreeWithTheGenerator_AndFiniteDifferencesWithExactDerivatives()
    {
        var spin = new CollectiveSpin(6);
        var psi = spin.OneAxisTwisted(0.3);
        var jz = Matrix<Complex>.Build.DenseOfRowMajor(spin.Dimension, spin.Dimension, spin.Jz);
        var derivative = jz * MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.DenseOfArray(psi) * new Complex(0, -1);
        double byGenerator = FisherInformation.PureUnitary(psi, spin.Jz);
        Assert.Equal(byGenerator, FisherInformation.Pure(psi, derivative.ToArray()), 9);

        // As a mixed state: ρ = |ψ⟩⟨ψ|, ∂ρ = −i[J_z, ρ] exactly, or by central differences of e^(−iθJ_z) ρ e^(iθJ_z).
        var rho = FisherInformation.Projector(psi);
        var exact = ((jz * rho) - (rho * jz)) * new Complex(0, -1);
        Assert.Equal(byGenerator, FisherInformation.Mixed(rho, exact), 7);
        Matrix<Complex> Family(double theta)
        {
            var u = Matrix<Complex>.Build.DenseOfDiagonalArray(Enumerable.Range(0, spin.Dimension).Select(k => Complex.FromPolarCoordinates(1, -theta * (k - spin.J))).ToArray());
            return u * rho * u.ConjugateTranspose();
        }

        var numeric = FisherInformation.Derivative(Family, 0);
        Assert.True((numeric - exact).FrobeniusNorm() < 1e-8);
        Assert.Equal(byGenerator, FisherInformation.Mixed(rho, numeric), 6);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.6)]
    [InlineData(0.1)]
    public void DephasedQubit_HasQfiEtaSquared_AndRamseyReadoutReachesIt(double eta)
    {
        const double phi = 0.7;
        Matrix<Complex> Rho(double p) => Matrix<Complex>.Build.DenseOfArray(new Complex[,]
        {
            { 0.5, 0.5 * eta * Complex.FromPolarCoordinates(1, -p) },
            { 0.5 * eta * Complex.FromPolarCoordinates(1, p), 0.5 },
        });
        var d = FisherInformation.Derivative(Rho, phi);
        Assert.Equal(eta * eta, FisherInformation.Mixed(Rho(phi), d), 6);

        // Measuring along the direction orthogonal to the Bloch vector gives F_c = QFI.
        double angle = phi + (Math.PI / 2);
        var plus = Matrix<Complex>.Build.DenseOfArray(new Complex[,] { { 0.5, 0.5 * Complex.FromPolarCoordinates(1, -angle) }, { 0.5 * Complex.FromPolarCoordinates(1, angle), 0.5 } });
        var minus = Matrix<Complex>.Build.DenseIdentity(2) - plus;
        Assert.Equal(eta * eta, FisherInformation.Classical([plus, minus], Rho(phi), d), 6);
        Assert.Equal(1 / Math.Sqrt(100 * eta * eta), FisherInformation.CramerRao(eta * eta, 100), 12);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void GhzAndProductUnderLocalDephasing_MatchTheClosedForms_OnTheFullDensityMatrix(int n)
    {
        // Each spin's coherence e^(−γt): phase damping λ = 1 − e^(−2γt). The frequency QFI of the dephased state
        // (∂ρ/∂ω = −it[J_z, ρ], as dephasing commutes with the rotation) against N²t²e^(−2Nγt) and Nt²e^(−2γt).
        const double gamma = 1e3, t = 2e-4;
        var channel = KrausChannel.PhaseDamping(1 - Math.Exp(-2 * gamma * t));
        foreach (var state in new[] { ProbeState.Ghz, ProbeState.Product })
        {
            using var rho = DensityMatrix.Create(n, threads: 1);
            double h = 1 / Math.Sqrt(2);
            if (state == ProbeState.Ghz)
            {
                rho.ApplyMatrix([0], [h, h, h, -h]);
                for (int q = 1; q < n; q++)
                {
                    rho.ApplyX(q, [0]);
                }
            }
            else
            {
                for (int q = 0; q < n; q++)
                {
                    rho.ApplyMatrix([q], [h, h, h, -h]);
                }
            }

            for (int q = 0; q < n; q++)
            {
                rho.ApplyChannel(channel, [q]);
            }

            var array = rho.ToArray();
            int dim = 1 << n;
            var m = Matrix<Complex>.Build.Dense(dim, dim, (r, c) => array[r, c]);
            var jz = Matrix<Complex>.Build.DenseOfDiagonalArray(Enumerable.Range(0, dim).Select(i => (Complex)((n / 2.0) - int.PopCount(i))).ToArray());
            var derivative = ((jz * m) - (m * jz)) * new Complex(0, -t);
            double expected = EntangledProbes.FisherPerShot(state, n, gamma, t);
            Assert.Equal(expected, FisherInformation.Mixed(m, derivative), expected * 1e-6);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    [InlineData(100)]
    public void Ghz_BuysNothingUnderLocalDephasing_AndNoStateBeatsTheBound(int n)
    {
        const double gamma = 500;
        var ghz = EntangledProbes.Optimum(ProbeState.Ghz, n, gamma);
        var product = EntangledProbes.Optimum(ProbeState.Product, n, gamma);
        Assert.Equal(product.Sensitivity, ghz.Sensitivity, product.Sensitivity * 1e-12); // Huelga et al. 1997
        Assert.Equal(Math.Sqrt(2 * Math.E * gamma / n), product.Sensitivity, product.Sensitivity * 1e-12);
        Assert.Equal(Math.Sqrt(Math.E), product.Sensitivity / product.AsymptoticBound, 12);

        // The closed-form optimum is the numerical one.
        double best = double.PositiveInfinity;
        for (double t = ghz.OptimalSeconds / 20; t < ghz.OptimalSeconds * 20; t *= 1.001)
        {
            best = Math.Min(best, 1 / Math.Sqrt(EntangledProbes.FisherPerShot(ProbeState.Ghz, n, gamma, t) / t));
        }

        Assert.Equal(ghz.Sensitivity, best, ghz.Sensitivity * 1e-5);
    }

    [Fact]
    public void Ramsey_OptimumIsHalfT2_AndDeadTimePushesItLater()
    {
        var sensor = new RamseySensor(T2StarSeconds: 2e-6);
        var best = Ramsey.Optimum(sensor);
        Assert.Equal(1e-6, best.InterrogationSeconds, 1e-11);
        Assert.Equal(Math.Sqrt(2 * Math.E / 2e-6), best.Sensitivity, best.Sensitivity * 1e-9);
        Assert.Equal(Math.Sqrt(Math.E), best.OverSql, 7); // the optimum is flat: t is found to about 1e-8
        var withDeadTime = Ramsey.Optimum(sensor with { DeadTimeSeconds = 5e-6, Contrast = 0.03, Spins = 1e6 });
        Assert.True(withDeadTime.InterrogationSeconds > 1e-6);
        Assert.Equal(1e3, withDeadTime.StandardQuantumLimit / withDeadTime.HeisenbergLimit, 6); // √N between SQL and HL
        Assert.Empty(sensor.Validate());
        Assert.Contains("contrast must be in (0, 1]", new RamseySensor(1e-6, Contrast: 2).Validate());
    }

    [Fact]
    public void OneAxisTwisting_SqueezesBelowTheSql_AsKitagawaAndUeda()
    {
        double Best(int n)
        {
            var spin = new CollectiveSpin(n);
            double best = double.PositiveInfinity;
            for (double mu = 1e-3; mu < 1.0; mu *= 1.05)
            {
                best = Math.Min(best, spin.WinelandParameter(spin.OneAxisTwisted(mu)));
            }

            return best;
        }

        Assert.Equal(1, new CollectiveSpin(20).WinelandParameter(new CollectiveSpin(20).CoherentX()), 9);
        double xi20 = Best(20), xi100 = Best(100);
        Assert.True(xi20 < 1 && xi100 < xi20, $"{xi20}, {xi100}");

        // Kitagawa–Ueda: the optimum falls as N^(−2/3) (their ξ² ≈ ½(N/2)^(−2/3) for large N, with corrections).
        Assert.InRange(Math.Log(xi20 / xi100) / Math.Log(5), 0.45, 0.8);
    }

    [Theory]
    [InlineData("2 us", 2e-6)]
    [InlineData("2us", 2e-6)]
    [InlineData("1.5 ms", 1.5e-3)]
    [InlineData("40ns", 4e-8)]
    public void Units_ReadTimes(string text, double seconds) => Assert.Equal(seconds, Units.Seconds(text, "t2star"), 15);

    [Fact]
    public void Units_RefuseAMissingOrUnknownUnit_NamingTheField()
    {
        Assert.Equal(1e3, Units.PerSecond("1e3/s", "dephasing"));
        Assert.Equal(5e3, Units.PerSecond("5 kHz", "dephasing"));
        Assert.Contains("t2star: '2' has no unit", Assert.Throws<FormatException>(() => Units.Seconds("2", "t2star")).Message);
        Assert.Contains("t2star: unknown unit 'furlongs'", Assert.Throws<FormatException>(() => Units.Seconds("2 furlongs", "t2star")).Message);
    }
}
