using System.Text.Json;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Qkd.Tests.KeyRates;

public sealed class RegistryTests
{
    [Fact]
    public void EveryPreset_IsAValidLink_AtItsLength()
    {
        Assert.Equal(["gys", "lim2014", "snspd"], LinkPresets.Names);
        foreach (var preset in LinkPresets.All)
        {
            var link = LinkPresets.Create(preset.Name, 42);
            Assert.Empty(link.Validate());
            Assert.Equal(42, link.Fiber.LengthKm);
        }

        Assert.Equal(QkdLink.Lim2014(10), LinkPresets.Create("lim2014", 10));
    }

    [Fact]
    public void UnknownNames_AreOneErrorListingTheKnownOnes()
    {
        var preset = Assert.Throws<ArgumentException>(() => LinkPresets.Find("lim2041"));
        Assert.StartsWith("unknown link preset 'lim2041' (known: gys, lim2014, snspd)", preset.Message);
        var protocol = Assert.Throws<ArgumentException>(() => KeyRateProtocols.Find("e91"));
        Assert.StartsWith($"unknown protocol 'e91' (known: {string.Join(", ", KeyRateProtocols.Names)})", protocol.Message);
        Assert.False(LinkPresets.IsKnown(null));
    }

    [Fact]
    public void Protocols_DispatchToTheirModels()
    {
        var link = QkdLink.Lim2014(50);
        Assert.Equal(DecoyStateBb84.OptimalInfiniteDecoy(link).Rate, KeyRateProtocols.Find("bb84-decoy").Evaluate(link).RatePerPulse);
        Assert.Equal(DecoyStateBb84.OptimalVacuumWeakDecoy(link, 0.05).Rate, KeyRateProtocols.Find("bb84-vacuum-weak").Evaluate(link).RatePerPulse);
        Assert.Equal(EntanglementBasedBb84.Optimal(link, SourcePosition.Middle).Rate, KeyRateProtocols.Find("bbm92-middle").Evaluate(link).RatePerPulse);
        Assert.Equal(EntanglementBasedBb84.Optimal(link, SourcePosition.AtAlice).Rate, KeyRateProtocols.Find("bbm92-end").Evaluate(link).RatePerPulse);
        Assert.Equal(SendingOrNotSendingTfQkd.Optimal(link).Rate, KeyRateProtocols.Find("tf-sns").Evaluate(link).RatePerPulse);
        var finite = KeyRateProtocols.Find("bb84-finite");
        Assert.True(finite.IsFiniteKey);
        Assert.Equal(FiniteKeyDecoyBb84.Optimize(link, 1e6, 1e-10, 1e-15).Result.RatePerPulse, finite.Evaluate(link, new FiniteKeyBlock(1e6)).RatePerPulse);

        // A larger block gives more key per pulse; the asymptotic protocols ignore the block.
        Assert.True(finite.Evaluate(link, new FiniteKeyBlock(1e9)).RatePerPulse > finite.Evaluate(link, new FiniteKeyBlock(1e6)).RatePerPulse);
        Assert.Equal(KeyRateProtocols.Find("bb84-decoy").Evaluate(link, new FiniteKeyBlock(1e4)), KeyRateProtocols.Find("bb84-decoy").Evaluate(link, new FiniteKeyBlock(1e9)), new PointComparer());
    }

    [Fact]
    public void Overrides_ChangeOnlyTheFieldsGiven_AndNameTheBadOne()
    {
        var link = LinkPresets.ApplyOverrides(QkdLink.Gys(10), """{ "fiber": { "lossDbPerKm": 0.17 }, /* a comment */ "repetitionRateHz": 1e9, }""");
        Assert.Equal(QkdLink.Gys(10) with { Fiber = new FiberChannel(10, 0.17), RepetitionRateHz = 1e9 }, link);
        Assert.Equal("detector.efficiency must be a number, not string", Assert.Throws<FormatException>(() => LinkPresets.ApplyOverrides(link, """{ "detector": { "efficiency": "high" } }""")).Message);
        Assert.Equal("fiber must be an object, not number", Assert.Throws<FormatException>(() => LinkPresets.ApplyOverrides(link, """{ "fiber": 3 }""")).Message);
        Assert.Throws<FormatException>(() => LinkPresets.ApplyOverrides(link, "[1]"));
        var json = Assert.ThrowsAny<JsonException>(() => LinkPresets.ApplyOverrides(link, "{\n  \"fiber\": {,\n}"));
        Assert.Equal(1, json.LineNumber);
    }

    private sealed class PointComparer : IEqualityComparer<KeyRatePoint>
    {
        public bool Equals(KeyRatePoint? x, KeyRatePoint? y) => x!.RatePerPulse == y!.RatePerPulse && x.Parameters.SequenceEqual(y.Parameters);

        public int GetHashCode(KeyRatePoint obj) => obj.RatePerPulse.GetHashCode();
    }
}
