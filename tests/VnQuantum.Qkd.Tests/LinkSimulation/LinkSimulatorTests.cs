using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using VnQuantum.Qkd.LinkSimulation;
using Xunit.Abstractions;

namespace VnQuantum.Qkd.Tests.LinkSimulation;

public sealed class LinkSimulatorTests(ITestOutputHelper output)
{
    // Optimal for the Lim et al. link at 25 km and n_X ≈ 5×10⁵ (FiniteKeyDecoyBb84.Optimize).
    internal static readonly DecoySettings Settings = new(0.745, 0.44, 0.193, 2e-4, 0.162, 0.562);

    [Fact]
    public void GainAndQber_AgreeWithTheAnalyticModel()
    {
        var link = QkdLink.Lim2014(40) with { Detector = new ThresholdDetector(0.1, 6e-6) };
        const long pulses = 60_000_000;
        var record = LinkSimulator.Run(new LinkSimulationOptions(link, Settings, pulses, Seed: 11));
        var model = new ExpectedDetection(link);
        double[] mu = [Settings.Mu1, Settings.Mu2, Settings.Mu3];
        double[] p = [Settings.P1, Settings.P2, Settings.P3];
        for (int k = 0; k < 3; k++)
        {
            long clicks = 0, matched = 0, errors = 0;
            foreach (var d in record.Detections)
            {
                if (d.Intensity != k)
                {
                    continue;
                }

                clicks++;
                if (d.AliceBasis == d.BobBasis)
                {
                    matched++;
                    errors += d.AliceBit != d.BobBit ? 1 : 0;
                }
            }

            double sent = pulses * p[k];
            double gain = clicks / sent, expectedGain = model.Gain(mu[k]);
            double sigmaGain = Math.Sqrt(expectedGain * (1 - expectedGain) / sent);
            double qber = errors / (double)matched, expectedQber = model.ErrorRate(mu[k]);
            double sigmaQber = Math.Sqrt(expectedQber * (1 - expectedQber) / matched);
            output.WriteLine($"μ={mu[k]}: gain {gain:E4} vs {expectedGain:E4} ({(gain - expectedGain) / sigmaGain:F2}σ), QBER {qber:F4} vs {expectedQber:F4} ({(qber - expectedQber) / sigmaQber:F2}σ)");
            Assert.True(Math.Abs(gain - expectedGain) < 5 * sigmaGain, $"gain of intensity {k}");
            Assert.True(Math.Abs(qber - expectedQber) < 5 * sigmaQber, $"QBER of intensity {k}");
        }
    }

    [Fact]
    public void SameSeed_SameDetections_OnAnyThreadCount()
    {
        var options = new LinkSimulationOptions(QkdLink.Gys(10), Settings, 3 * LinkSimulator.BatchPulses / 2, Seed: 5, EveInterceptFraction: 0.1);
        var one = LinkSimulator.Run(options with { Threads = 1 });
        var two = LinkSimulator.Run(options with { Threads = 2 });
        Assert.Equal(one.Detections, two.Detections);
        Assert.NotEqual(one.Detections, LinkSimulator.Run(options with { Seed = 6 }).Detections);
    }

    [Fact]
    public void InterceptResend_AddsAQuarterOfTheInterceptedFractionToTheQber()
    {
        var link = QkdLink.Snspd(10) with { MisalignmentError = 0.0 };
        var record = LinkSimulator.Run(new LinkSimulationOptions(link, Settings, 10_000_000, Seed: 3, EveInterceptFraction: 1.0));
        long matched = 0, errors = 0;
        foreach (var d in record.Detections)
        {
            if (d.AliceBasis == d.BobBasis)
            {
                matched++;
                errors += d.AliceBit != d.BobBit ? 1 : 0;
            }
        }

        output.WriteLine($"QBER under full intercept–resend: {errors / (double)matched:F4}");
        Assert.InRange(errors / (double)matched, 0.24, 0.26);
    }

    [Fact]
    public void InvalidOptions_AreRejectedWithTheFieldName()
    {
        var ex = Assert.Throws<ArgumentException>(() => LinkSimulator.Run(new LinkSimulationOptions(QkdLink.Gys(-1), Settings, 10, 1)));
        Assert.Contains("fiber.lengthKm", ex.Message);
    }
}
