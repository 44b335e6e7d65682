using VnQuantum.Sensing.Estimation;
using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Sensing.Tests;

public class ClockAndBayesTests
{
    [Fact]
    public void LineshapeConstants_AreOneOverTwoPiForRamsey_And0264ForRabi()
    {
        Assert.Equal(1 / (2 * Math.PI), AtomicClock.LineshapeConstant(ClockInterrogation.Ramsey), 8);

        // Rabi π pulse at half maximum: 0.264 in the clock literature (Peik et al. 2006; Ludlow et al., RMP 87, 637 (2015)).
        Assert.Equal(0.264, AtomicClock.LineshapeConstant(ClockInterrogation.Rabi), 3);
    }

    [Fact]
    public void CaesiumFountain_AtProjectionNoise_AveragesDownAsOneOverRootTau()
    {
        // σ_y(1 s) = 1/(2π ν₀ T) √(T_c/N) = 3.46·10⁻¹⁴ for T = 0.5 s, N = 10⁶, T_c = 1 s; Santarelli et al., PRL 82, 4619
        // (1999) measured 4·10⁻¹⁴ τ^(−1/2) with 6·10⁵ atoms (the formula gives 4.5·10⁻¹⁴ there).
        var fountain = new AtomicClockSettings(9_192_631_770, 0.5, 1e6, 1.0);
        Assert.Equal(3.4627e-14, AtomicClock.AllanDeviation(fountain, 1), 1e-18);
        Assert.Equal(AtomicClock.AllanDeviation(fountain, 1) / 10, AtomicClock.AllanDeviation(fountain, 100), 1e-20);
        Assert.Throws<ArgumentOutOfRangeException>(() => AtomicClock.AllanDeviation(fountain, 0.5));
        Assert.Throws<ArgumentException>(() => AtomicClock.PerCycle(fountain with { CycleSeconds = 0.1 }));
    }

    [Fact]
    public void SimulatedClock_AllanDeviationOfItsReadings_MatchesTheProjectionNoiseFormula()
    {
        // Binomial atom counts per cycle, turned into frequency: the overlapping Allan deviation of the record must
        // follow K/(ν₀T√N)·√(T_c/τ) within its statistical scatter (≈ 1/√(2M/m)).
        var clock = new AtomicClockSettings(429e12, 0.1, 1000, 0.5);
        var readings = AtomicClock.SimulateReadings(clock, 20000, seed: 11);
        foreach (var (m, tolerance) in new[] { (1, 0.03), (10, 0.08), (100, 0.25) })
        {
            double measured = Allan.Overlapping(readings, clock.CycleSeconds, m);
            double expected = AtomicClock.AllanDeviation(clock, m * clock.CycleSeconds);
            Assert.True(Math.Abs((measured / expected) - 1) < tolerance, $"m = {m}: {measured:G4} vs {expected:G4}");
        }

        Assert.Equal(readings, AtomicClock.SimulateReadings(clock, 20000, seed: 11));
        Assert.Equal(0, Allan.Overlapping(new double[100], 1, 5));
    }

    [Fact]
    public void AdaptiveParticleFilter_LearnsTheFrequencyExponentiallyFast_AndBeatsFixedTimes()
    {
        const double truth = 1.2345;
        var adaptive = AdaptiveRamsey.Run(truth, 0, 3, double.PositiveInfinity, experiments: 100, particles: 2000, seed: 3);
        var fixedTimes = AdaptiveRamsey.Run(truth, 0, 3, double.PositiveInfinity, experiments: 100, particles: 2000, seed: 3, fixedSeconds: 1);
        double error = Math.Abs(adaptive[^1].Estimate - truth);
        Assert.True(error < 1e-3, $"adaptive error {error}");
        Assert.True(error < 5 * adaptive[^1].StandardDeviation + 1e-9, $"error {error} vs posterior σ {adaptive[^1].StandardDeviation}");
        Assert.True(adaptive[^1].StandardDeviation < fixedTimes[^1].StandardDeviation / 10, $"{adaptive[^1].StandardDeviation} vs fixed {fixedTimes[^1].StandardDeviation}");

        // Exponential narrowing: the posterior width falls by more than 10³ in 100 shots.
        Assert.True(adaptive[^1].StandardDeviation < adaptive[0].StandardDeviation / 1e3);

        // Same seed, same run.
        Assert.Equal(adaptive, AdaptiveRamsey.Run(truth, 0, 3, double.PositiveInfinity, experiments: 100, particles: 2000, seed: 3));
    }

    [Fact]
    public void ParticleFilter_WithDecoherence_StillConverges()
    {
        const double truth = 2.0;
        var run = AdaptiveRamsey.Run(truth, 0, 5, t2Seconds: 50, experiments: 200, particles: 2000, seed: 5, maximumSeconds: 50);
        Assert.True(Math.Abs(run[^1].Estimate - truth) < 0.01, $"{run[^1].Estimate}");
    }
}
