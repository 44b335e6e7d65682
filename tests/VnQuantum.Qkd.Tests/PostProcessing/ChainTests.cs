using VnQuantum.Qkd.Links;
using VnQuantum.Qkd.LinkSimulation;
using VnQuantum.Qkd.PostProcessing;
using VnQuantum.Qkd.Tests.LinkSimulation;
using Xunit.Abstractions;

namespace VnQuantum.Qkd.Tests.PostProcessing;

public sealed class ChainTests(ITestOutputHelper output)
{
    private static ChainResult RunChain(double eve, ulong seed = 7, Func<int, byte[], byte[]>? inTransit = null, long pulses = 120_000_000, Reconciliation method = Reconciliation.Cascade)
    {
        var record = LinkSimulator.Run(new LinkSimulationOptions(QkdLink.Lim2014(25), LinkSimulatorTests.Settings, pulses, seed, eve));
        using var preShared = TestKeys.Random(1 << 16, 1234);
        return PostProcessingChain.Run(record, LinkSimulatorTests.Settings, new ChainOptions(Seed: seed, Method: method), new AuthenticationKeyPool(preShared), new AuthenticationKeyPool(preShared), inTransit);
    }

    [Fact]
    public void HonestLink_WithLdpc_GivesIdenticalKeys()
    {
        using var result = RunChain(0, method: Reconciliation.Ldpc);
        output.WriteLine($"LDPC: sifted {result.SiftedKeyBits}, QBER {result.KeyQber:P2}, leaked {result.LeakedBits}, f {result.ReconciliationEfficiency:F3}, final {result.FinalKeyBits}, messages {result.Messages}");
        Assert.False(result.Aborted, result.AbortReason);
        Assert.True(result.AliceKey!.BitsEqual(result.BobKey!));
        Assert.InRange(result.ReconciliationEfficiency, 1.0, 1.4);
    }

    [Fact]
    public void HonestLink_GivesIdenticalSecretKeysAtBothEnds()
    {
        using var result = RunChain(0);
        output.WriteLine($"sifted {result.SiftedKeyBits}, QBER {result.KeyQber:P2}, leaked {result.LeakedBits}, f {result.ReconciliationEfficiency:F3}, final {result.FinalKeyBits}, auth {result.AuthenticationBitsConsumed}, messages {result.Messages}");
        Assert.False(result.Aborted, result.AbortReason);
        Assert.True(result.AliceKey!.BitsEqual(result.BobKey!));
        Assert.True(result.FinalKeyBits > result.SiftedKeyBits / 10);
        Assert.True(result.NetKeyBits > 0);
        Assert.InRange(result.ReconciliationEfficiency, 1.0, 1.3);
    }

    [Fact]
    public void SameSeed_SameKey()
    {
        using var a = RunChain(0, seed: 21, pulses: 120_000_000);
        using var b = RunChain(0, seed: 21, pulses: 120_000_000);
        Assert.False(a.Aborted, a.AbortReason);
        Assert.True(a.AliceKey!.BitsEqual(b.AliceKey!));
    }

    [Fact]
    public void PartialInterceptResend_ShrinksTheKey()
    {
        using var honest = RunChain(0);
        using var attacked = RunChain(0.1);
        output.WriteLine($"honest {honest.FinalKeyBits} bits at {honest.TestQber:P2}; Eve on 10 %: {attacked.FinalKeyBits} bits at {attacked.TestQber:P2} ({attacked.AbortReason})");
        Assert.True(attacked.TestQber > honest.TestQber + 0.015);
        Assert.True(attacked.FinalKeyBits < honest.FinalKeyBits);
    }

    [Fact]
    public void FullInterceptResend_AbortsTheChain()
    {
        using var result = RunChain(1.0, pulses: 120_000_000);
        output.WriteLine(result.AbortReason);
        Assert.True(result.Aborted);
        Assert.Null(result.AliceKey);
        Assert.InRange(result.TestQber, 0.2, 0.3);
    }

    [Fact]
    public void TamperedMessage_StopsTheChainLoudly()
    {
        Assert.Throws<AuthenticationFailedException>(() => RunChain(0, pulses: 120_000_000, inTransit: (i, bytes) =>
        {
            if (i == 5 && bytes.Length > 0)
            {
                bytes[0] ^= 1;
            }

            return bytes;
        }));
    }
}
