using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Sensing.Tests;

public class FilterFunctionTests
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(1.0)]
    [InlineData(2.0)]
    [InlineData(7.0)]
    public void GeneralFilter_EqualsTheTextbookOnes(double omegaT)
    {
        const double t = 1.0;
        Assert.Equal(2 * Math.Pow(Math.Sin(omegaT / 2), 2), FilterFunctions.Filter(PulseSequence.FreeInduction, omegaT / t, t), 12);
        Assert.Equal(8 * Math.Pow(Math.Sin(omegaT / 4), 4), FilterFunctions.Filter(PulseSequence.HahnEcho, omegaT / t, t), 12);
        Assert.Equal(FilterFunctions.Filter(PulseSequence.HahnEcho, omegaT, t), FilterFunctions.Filter(PulseSequence.Cpmg(1), omegaT, t), 12);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(1.0)]
    [InlineData(10.0)]
    public void OrnsteinUhlenbeckDecay_MatchesTheClosedForms(double tOverTc)
    {
        var noise = new OrnsteinUhlenbeckNoise(Amplitude: 2e5, CorrelationSeconds: 1e-5);
        double t = tOverTc * noise.CorrelationSeconds;
        double fid = FilterFunctions.OrnsteinUhlenbeckFreeInduction(noise, t);
        double echo = FilterFunctions.OrnsteinUhlenbeckEcho(noise, t);
        Assert.Equal(fid, FilterFunctions.Decay(noise, PulseSequence.FreeInduction, t), fid * 1e-4);
        Assert.Equal(echo, FilterFunctions.Decay(noise, PulseSequence.HahnEcho, t), echo * 1e-4);
        Assert.True(echo < fid);
    }

    [Fact]
    public void MorePulses_ProtectLonger_AgainstSlowNoise()
    {
        var noise = new OrnsteinUhlenbeckNoise(Amplitude: 1e5, CorrelationSeconds: 1e-4);
        double fid = FilterFunctions.CoherenceTime(noise, PulseSequence.FreeInduction, 1e-5);
        double echo = FilterFunctions.CoherenceTime(noise, PulseSequence.HahnEcho, 1e-5);
        double cpmg8 = FilterFunctions.CoherenceTime(noise, PulseSequence.Cpmg(8), 1e-5);
        Assert.True(fid < echo && echo < cpmg8, $"{fid} {echo} {cpmg8}");

        // Quasi-static limit (τ_c ≫ t): free induction is Gaussian, χ = b²t²/2, so T2* = √2/b.
        var slow = new OrnsteinUhlenbeckNoise(Amplitude: 1e5, CorrelationSeconds: 1);
        Assert.Equal(Math.Sqrt(2) / 1e5, FilterFunctions.CoherenceTime(slow, PulseSequence.FreeInduction, 1e-5), 1e-8);
    }

    [Fact]
    public void OneOverFNoise_EchoDecayGrowsAsTSquared()
    {
        // For 1/f noise the echo exponent scales as t² (Cywiński et al. 2008, Sec. IV).
        var noise = new OneOverFNoise(Strength: 1e6);
        double a = FilterFunctions.Decay(noise, PulseSequence.HahnEcho, 1e-5);
        double b = FilterFunctions.Decay(noise, PulseSequence.HahnEcho, 2e-5);
        Assert.Equal(2, Math.Log2(b / a), 2);
    }
}
