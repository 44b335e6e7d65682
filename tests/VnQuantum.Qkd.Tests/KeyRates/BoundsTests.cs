using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using Xunit.Abstractions;

namespace VnQuantum.Qkd.Tests.KeyRates;

public sealed class BoundsTests(ITestOutputHelper output)
{
    public static TheoryData<string> Links => ["gys", "lim", "snspd"];

    private static QkdLink Link(string name, double km) => name switch
    {
        "gys" => QkdLink.Gys(km),
        "lim" => QkdLink.Lim2014(km),
        _ => QkdLink.Snspd(km),
    };

    [Theory]
    [MemberData(nameof(Links))]
    public void PointToPointProtocols_NeverExceedPlob(string name)
    {
        for (double km = 0; km <= 300; km += 5)
        {
            var link = Link(name, km);
            double plob = RepeaterlessBound.Plob(link.Fiber.Transmittance);
            double bb84 = DecoyStateBb84.OptimalInfiniteDecoy(link, sifting: 1).Rate;
            double middle = EntanglementBasedBb84.Optimal(link, SourcePosition.Middle).Rate;
            double end = EntanglementBasedBb84.Optimal(link, SourcePosition.AtAlice).Rate;
            Assert.True(bb84 <= plob, $"{name} {km} km: BB84 {bb84} > PLOB {plob}");
            Assert.True(middle <= plob && end <= plob, $"{name} {km} km: BBM92 {middle}/{end} > PLOB {plob}");
        }
    }

    [Fact]
    public void TwinField_StaysBelowTheRelayBound_AndCrossesPlob()
    {
        double crossing = double.NaN;
        for (double km = 0; km <= 600; km += 10)
        {
            var link = QkdLink.Snspd(km) with { MisalignmentError = 0.03 };
            double tf = SendingOrNotSendingTfQkd.Optimal(link).Rate;
            double eta = link.Fiber.Transmittance;
            Assert.True(tf <= RepeaterlessBound.SingleRelay(eta), $"{km} km: TF {tf} above the single-relay bound");
            if (double.IsNaN(crossing) && tf > RepeaterlessBound.Plob(eta))
            {
                crossing = km;
            }
        }

        output.WriteLine($"SNS TF-QKD first beats PLOB at {crossing} km");
        Assert.InRange(crossing, 150, 450);
        Assert.True(SendingOrNotSendingTfQkd.Optimal(QkdLink.Snspd(20)).Rate < RepeaterlessBound.Plob(QkdLink.Snspd(20).Fiber.Transmittance));
    }

    [Theory]
    [InlineData(0.15, 700)]
    [InlineData(0.25, 600)]
    [InlineData(0.35, 500)]
    public void SendingOrNotSending_ToleratesLargeMisalignment_AsWangYuHuReport(double misalignment, double beyondKm)
    {
        // Wang, Yu, Hu (2018), abstract: secure distance beyond 700/600/500 km at 15/25/35 % misalignment
        // (η_d = 0.8, p_d = 1e-11, f = 1.1, 0.2 dB/km).
        var link = new QkdLink(new FiberChannel(0), new ThresholdDetector(0.8, 1e-11), misalignment, 1.1, 1e9);
        double lMax = RateOptimizer.MaximumDistance(l => SendingOrNotSendingTfQkd.Optimal(link.WithLength(l)).Rate, 2000);
        output.WriteLine($"e_d = {misalignment}: L_max = {lMax:F0} km");
        Assert.True(lMax > beyondKm, $"{lMax} km");
        Assert.True(lMax < beyondKm + 150, $"{lMax} km");
    }

    [Theory]
    [InlineData(SourcePosition.Middle, 30.0)]
    [InlineData(SourcePosition.AtAlice, 30.0)]
    [InlineData(SourcePosition.Middle, 150.0)]
    public void Bbm92_ClosedFormEqualsThePairNumberSum(SourcePosition position, double km)
    {
        var link = QkdLink.Gys(km);
        const double mu = 0.3;
        double lambda = mu / 2;
        var (etaA, etaB) = EntanglementBasedBb84.ArmTransmittances(link, position);
        double y0 = link.Detector.BackgroundYield;
        double gain = 0;
        for (int n = 0; n < 200; n++)
        {
            double pn = (n + 1) * Math.Pow(lambda, n) / Math.Pow(1 + lambda, n + 2);
            gain += pn * (1 - ((1 - y0) * Math.Pow(1 - etaA, n))) * (1 - ((1 - y0) * Math.Pow(1 - etaB, n)));
        }

        Assert.Equal(gain, EntanglementBasedBb84.Detection(link, position, mu).Gain, gain * 1e-7);
    }

    [Fact]
    public void Bbm92_SourceInTheMiddle_ToleratesMoreLoss()
    {
        double middle = RateOptimizer.MaximumDistance(l => EntanglementBasedBb84.Optimal(QkdLink.Gys(l), SourcePosition.Middle).Rate);
        double end = RateOptimizer.MaximumDistance(l => EntanglementBasedBb84.Optimal(QkdLink.Gys(l), SourcePosition.AtAlice).Rate);
        output.WriteLine($"BBM92 GYS: source in the middle {middle:F1} km, at Alice {end:F1} km");
        Assert.True(middle > end + 20);
    }

    [Fact]
    public void Plob_IsAbout1Point44Eta_AtHighLoss()
    {
        Assert.Equal(1.0, RepeaterlessBound.Plob(0.5), 12);
        Assert.Equal(1e-6 / Math.Log(2), RepeaterlessBound.Plob(1e-6), 1e-12);
    }
}
