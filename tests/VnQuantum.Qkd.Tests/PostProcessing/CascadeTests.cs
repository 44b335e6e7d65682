using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.PostProcessing;
using Xunit.Abstractions;

namespace VnQuantum.Qkd.Tests.PostProcessing;

public sealed class CascadeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(CascadeVariant.Original, 0.01)]
    [InlineData(CascadeVariant.Original, 0.05)]
    [InlineData(CascadeVariant.Option7, 0.01)]
    [InlineData(CascadeVariant.Option7, 0.02)]
    [InlineData(CascadeVariant.Option7, 0.05)]
    [InlineData(CascadeVariant.Yan, 0.02)]
    public void Reconcile_CorrectsEveryError_AndLeakCountsTheParitiesSent(CascadeVariant variant, double qber)
    {
        const int n = 10_000;
        double totalF = 0;
        int failures = 0, runs = 20;
        for (int run = 0; run < runs; run++)
        {
            using var alice = TestKeys.Random(n, (ulong)(run + 1));
            using var bob = TestKeys.Noisy(alice, qber, (ulong)(run + 1000));
            double actual = bob.HammingDistance(alice) / (double)n;
            var channel = TestKeys.Channel();
            var result = Cascade.Reconcile(alice, bob, qber, variant, (ulong)run, channel);
            failures += bob.BitsEqual(alice) ? 0 : 1;
            totalF += result.Efficiency(n, actual);

            // Every disclosed parity is one bit in a message; the messages carry at least that many bits.
            Assert.True(channel.PayloadBytes * 8 >= result.LeakedBits);
        }

        output.WriteLine($"{variant} QBER {qber}: mean f = {totalF / runs:F3}, frame errors {failures}/{runs}");
        Assert.True(failures <= 1, $"{failures} frames left with errors");
        Assert.InRange(totalF / runs, 1.0, variant == CascadeVariant.Original ? 1.35 : 1.25);
    }

    [Fact]
    public void BlockSizes_FollowThePublishedSchedules()
    {
        Assert.Equal([73, 146, 292, 584], Cascade.BlockSizes(CascadeVariant.Original, 0.01, 100_000));
        var option7 = Cascade.BlockSizes(CascadeVariant.Option7, 0.02, 100_000);
        Assert.Equal(14, option7.Length);
        Assert.Equal(64, option7[0]);
        Assert.Equal(256, option7[1]);
        Assert.Equal(50_000, option7[13]);
        Assert.Equal(0.5, BinaryEntropy.Of(0.5) / 2);
    }
}
