using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using Xunit.Abstractions;

namespace VnQuantum.Qkd.Tests.KeyRates;

public sealed class FiniteKeyDecoyBb84Tests(ITestOutputHelper output)
{
    private static double MaxDistance(double blockBits, double epsSec = 1e-10) =>
        RateOptimizer.MaximumDistance(l => FiniteKeyDecoyBb84.Optimize(QkdLink.Lim2014(l), blockBits, epsSec, 1e-15).Result.RatePerPulse, 400);

    [Fact]
    public void SmallestBlock_ReachesLimEtAlsDistance()
    {
        // Lim et al. (2014), Sec. IV: "with n_X = 10^4 … up to 135 km".
        double lMax = MaxDistance(1e4);
        output.WriteLine($"n_X = 1e4: L_max = {lMax:F1} km");
        Assert.InRange(lMax, 133, 137);
    }

    [Fact]
    public void RateAt100Km_Block1e9Over1e7_MatchesLimEtAl()
    {
        // Lim et al. (2014), Sec. IV: at 100 km the rate with n_X = 10^9 is about 1.75 times that with 10^7.
        double r9 = FiniteKeyDecoyBb84.Optimize(QkdLink.Lim2014(100), 1e9, 1e-10, 1e-15, secrecyPerKeyBit: 1e-15).Result.RatePerPulse;
        double r7 = FiniteKeyDecoyBb84.Optimize(QkdLink.Lim2014(100), 1e7, 1e-10, 1e-15, secrecyPerKeyBit: 1e-15).Result.RatePerPulse;
        output.WriteLine($"R(1e9)/R(1e7) at 100 km = {r9 / r7:F3}");
        Assert.InRange(r9 / r7, 1.65, 1.90);
    }

    [Fact]
    public void MaximumDistance_ShrinksWithTheBlock_AndStaysBelowTheAsymptote()
    {
        double previous = double.PositiveInfinity;
        foreach (double n in new[] { 1e9, 1e7, 1e5, 1e4 })
        {
            double lMax = MaxDistance(n);
            output.WriteLine($"n_X = {n:E0}: L_max = {lMax:F1} km");
            Assert.True(lMax < previous, $"n_X = {n}: {lMax} km is not shorter than {previous} km");
            previous = lMax;
        }

        var link = QkdLink.Lim2014(80);
        var (_, finite) = FiniteKeyDecoyBb84.Optimize(link, 1e9, 1e-10, 1e-15);
        double asymptotic = DecoyStateBb84.OptimalInfiniteDecoy(link, sifting: 1).Rate;
        Assert.True(finite.RatePerPulse < asymptotic, $"{finite.RatePerPulse} ≥ {asymptotic}");
    }

    [Fact]
    public void KeyLength_GrowsWithTheBlock_AndNeedsAMinimumBlock()
    {
        var s = new DecoySettings(0.7, 0.45, 0.2, 2e-4, 0.2, 0.55);
        var link = QkdLink.Lim2014(50);
        Assert.Equal(0, FiniteKeyDecoyBb84.KeyLength(link, s, 100, 1e-10, 1e-15).KeyLengthBits);
        double small = FiniteKeyDecoyBb84.KeyLength(link, s, 1e6, 1e-10, 1e-15).KeyLengthBits / 1e6;
        double large = FiniteKeyDecoyBb84.KeyLength(link, s, 1e8, 1e-10, 1e-15).KeyLengthBits / 1e8;
        Assert.True(large > small && small > 0, $"{small} {large}");
    }

    [Fact]
    public void Infeasible_Intensities_AreRejected() =>
        Assert.Throws<ArgumentException>(() => FiniteKeyDecoyBb84.KeyLength(QkdLink.Lim2014(10), new DecoySettings(0.8, 0.3, 0.29, 0.02, 0.5, 0.3), 1e6, 1e-10, 1e-15));
}
