using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using Xunit.Abstractions;

namespace VnQuantum.Qkd.Tests.KeyRates;

public sealed class DecoyStateBb84Tests(ITestOutputHelper output)
{
    [Fact]
    public void Gys_InfiniteDecoy_MaximumDistanceMatchesMaEtAl()
    {
        // Ma, Qi, Zhao, Lo (2005): 142.05 km for infinite decoys with the GYS set, μ near 0.48.
        double lMaxFixed = RateOptimizer.MaximumDistance(l => DecoyStateBb84.InfiniteDecoyRate(QkdLink.Gys(l), 0.48));
        double lMax = RateOptimizer.MaximumDistance(l => DecoyStateBb84.OptimalInfiniteDecoy(QkdLink.Gys(l)).Rate);
        var (mu, _) = DecoyStateBb84.OptimalInfiniteDecoy(QkdLink.Gys(50));
        output.WriteLine($"L_max(μ=0.48) = {lMaxFixed:F2} km, L_max(optimal μ) = {lMax:F2} km, μ_opt(50 km) = {mu:F3}");
        Assert.InRange(lMaxFixed, 141.75, 142.35);
        Assert.InRange(lMax, lMaxFixed, 142.5);
        Assert.InRange(mu, 0.46, 0.50);
    }

    [Fact]
    public void Gys_VacuumWeakDecoy_MaximumDistanceMatchesMaEtAl()
    {
        // Ma et al. (2005): 140.55 km with a vacuum and a weak decoy.
        double lMax = RateOptimizer.MaximumDistance(l => DecoyStateBb84.VacuumWeakDecoyRate(QkdLink.Gys(l), 0.48, 0.05));
        output.WriteLine($"vacuum + weak (μ = 0.48, ν = 0.05): L_max = {lMax:F2} km");
        Assert.InRange(lMax, 140.3, 140.9);
    }

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(60.0, false)]
    [InlineData(120.0, false)]
    [InlineData(50.0, true)]
    [InlineData(100.0, true)]
    public void VacuumWeakDecoy_TendsToInfiniteDecoy_AsTheDecoyDims(double km, bool afterpulses)
    {
        // The Lim et al. link has 4 % afterpulses: the single-photon model must include them as the gain does.
        var link = afterpulses ? QkdLink.Lim2014(km) : QkdLink.Gys(km);
        double infinite = DecoyStateBb84.InfiniteDecoyRate(link, 0.48);
        double previous = 0;
        foreach (double nu in new[] { 0.2, 0.1, 0.05, 0.01, 0.001 })
        {
            double rate = DecoyStateBb84.VacuumWeakDecoyRate(link, 0.48, nu);
            Assert.True(rate >= previous && rate <= infinite * (1 + 1e-9), $"ν={nu}: {rate} vs {infinite}");
            previous = rate;
        }

        Assert.Equal(infinite, previous, infinite * 0.02);
    }

    [Fact]
    public void NoDecoy_IsFarWorseThanDecoy()
    {
        double lNoDecoy = RateOptimizer.MaximumDistance(l => RateOptimizer.Maximize1D(m => DecoyStateBb84.NoDecoyRate(QkdLink.Gys(l), m), 1e-4, 1).Value);
        output.WriteLine($"GLLP without decoys: L_max = {lNoDecoy:F1} km");
        Assert.InRange(lNoDecoy, 5, 60);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ExpectedDetection_SinglePhotonYieldAndGainAgreeWithThePhotonNumberSum(bool afterpulses)
    {
        var model = new ExpectedDetection(afterpulses ? QkdLink.Lim2014(40) : QkdLink.Gys(40));
        const double mu = 0.6;
        double gain = 0, errors = 0, p = Math.Exp(-mu);
        for (int n = 0; n < 40; n++)
        {
            gain += p * model.Yield(n);
            errors += p * model.Yield(n) * model.PhotonErrorRate(n);
            p *= mu / (n + 1);
        }

        Assert.Equal(model.Gain(mu), gain, 1e-15);
        Assert.Equal(model.ErrorGain(mu), errors, 1e-15);
    }

    [Fact]
    public void Validate_NamesTheFieldAndUnit()
    {
        var bad = QkdLink.Gys(-3) with { Detector = new ThresholdDetector(1.2, 1e-6), MisalignmentError = 0.033 };
        var problems = bad.Validate();
        Assert.Contains(problems, p => p.Contains("fiber.lengthKm") && p.Contains("-3"));
        Assert.Contains(problems, p => p.Contains("detector.efficiency") && p.Contains("1.2"));
        Assert.Throws<ArgumentException>(() => bad.EnsureValid());
        Assert.Empty(QkdLink.Gys(10).Validate());
    }
}
