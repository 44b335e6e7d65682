using VnQuantum.Qkd.PostProcessing;
using VnQuantum.Qkd.PostProcessing.Ldpc;
using VnQuantum.Randomness;
using Xunit.Abstractions;

namespace VnQuantum.Qkd.Tests.PostProcessing;

public sealed class LdpcTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.02, 1.15)]
    [InlineData(0.05, 1.15)]
    public void RateAdaptive_CorrectsTheFrame_AndLeaksSyndromeMinusPunctured(double qber, double target)
    {
        var ensemble = RateAdaptiveLdpc.ChooseEnsemble(qber, target, DegreeDistribution.Published);
        var code = new RateAdaptiveLdpc(ensemble, 1 << 14, seed: 3);
        int ok = 0;
        const int frames = 6;
        double f = 0;
        for (int frame = 0; frame < frames; frame++)
        {
            var (alice, bob, errors) = TestKeys.NoisyFrame(code.PayloadBits, qber, (ulong)(frame + 10));

            var channel = TestKeys.Channel();
            var result = code.Reconcile(alice, bob, qber, target, (ulong)frame, new VnQuantum.Randomness.SeededRandom((ulong)frame + 500), channel);
            Assert.Equal(ParityCheckRows(code) - result.Punctured, result.LeakedBits);
            Assert.True(channel.PayloadBytes * 8 >= result.LeakedBits);
            Assert.Equal(code.Modulated, result.Punctured + result.Shortened);
            if (result.Success)
            {
                ok++;
                Assert.Equal(alice, bob);
                f += result.Efficiency(errors / (double)alice.Length);
            }
        }

        output.WriteLine($"QBER {qber}: mother rate {code.MotherRate:F3}, {ok}/{frames} frames decoded, mean f {f / Math.Max(ok, 1):F3}");
        Assert.True(ok >= frames - 1, $"{ok}/{frames}");
    }

    [Fact]
    public void Ensembles_HaveTheirDesignRate()
    {
        foreach (var e in DegreeDistribution.Published)
        {
            var h = ParityCheckMatrix.Random(e, 20_000, 1);
            Assert.InRange(h.Rate, e.DesignRate - 0.01, e.DesignRate + 0.01);
        }
    }

    private static int ParityCheckRows(RateAdaptiveLdpc code) =>
        (int)Math.Round((1 - code.MotherRate) * code.CodeLength);
}
