using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Sensing.Tests;

/// <summary>NV-centre magnetometry: Barry et al. (2020) formulas against independent derivations, and the spin Hamiltonian against exact spectra.</summary>
public class NvTests
{
    private const double Gamma = NvConstants.ElectronHzPerTesla;

    [Fact]
    public void ContinuousWave_IsTheSteepestSlopeOfAShotNoiseLimitedLorentzian()
    {
        // Derive eq. (17) independently: photons R·L(ν) with L = 1 − C (Δν/2)²/((ν − ν₀)² + (Δν/2)²); δB = √(R L)/(R |∂L/∂ν| γ)
        // at the best detuning. For small C it is (4/(3√3)) Δν/(γ C √R).
        const double linewidth = 1e6, contrast = 1e-4, rate = 1e10;
        double best = double.PositiveInfinity;
        for (double detuning = 0.01 * linewidth; detuning < 2 * linewidth; detuning += 1e-4 * linewidth)
        {
            double w = linewidth / 2;
            double lorentz = w * w / ((detuning * detuning) + (w * w));
            double level = 1 - (contrast * lorentz);
            double slope = contrast * 2 * detuning * w * w / Math.Pow((detuning * detuning) + (w * w), 2);
            best = Math.Min(best, Math.Sqrt(rate * level) / (rate * slope * Gamma));
        }

        Assert.Equal(1, best / NvMagnetometry.ContinuousWave(linewidth, contrast, rate), 4);

        // The worked figure of docs/sensing.md: 1 MHz, C = 0.01, R = 10¹⁰/s.
        Assert.Equal(2.7462e-8, NvMagnetometry.ContinuousWave(1e6, 0.01, 1e10), 1e-12);
    }

    [Fact]
    public void ReadoutNoise_FromContrastAndFromCounts_Agree_AndMatchTheWorkedValue()
    {
        // a = n(1 + C), b = n(1 − C) give C = (a − b)/(a + b) and n_avg = (a + b)/2.
        const double n = 0.03, c = 0.2;
        Assert.Equal(NvMagnetometry.ReadoutNoise(c, n), NvMagnetometry.ReadoutNoiseFromCounts(n * (1 + c), n * (1 - c)), 12);
        Assert.Equal(500.001, NvMagnetometry.ReadoutNoise(0.02, 0.01), 3);
        Assert.Throws<ArgumentOutOfRangeException>(() => NvMagnetometry.ReadoutNoise(1.5, 1));
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Ramsey_OptimalInterrogation_IsHalfT2Star_WithoutOverhead(double stretch)
    {
        // Barry et al. appendix, eq. (A44): τ_opt = T2*/2 for p = 1 and p = 2 when t_I = t_R = 0.
        var settings = new NvPulsedSettings(Spins: 1, CoherenceSeconds: 1e-6, Contrast: 0.3, PhotonsPerReadout: 0.1, Stretch: stretch);
        var (tau, _) = NvMagnetometry.Optimum(settings);
        Assert.Equal(0.5e-6, tau, 10);
    }

    [Fact]
    public void Ramsey_OverheadPushesTheOptimumTowardsT2Star_AndEnsemblesScaleAsOneOverRootN()
    {
        // √(τ + t_O) e^(τ/T)/τ is least where 2τ² + (2t_O − T)τ − 2T t_O = 0.
        const double t2 = 1e-6, overhead = 1e-6;
        var settings = new NvPulsedSettings(1, t2, 0.3, 0.1, InitialisationSeconds: overhead / 2, ReadoutSeconds: overhead / 2);
        double expected = (t2 - (2 * overhead) + Math.Sqrt(Math.Pow((2 * overhead) - t2, 2) + (16 * t2 * overhead))) / 4;
        Assert.Equal(expected, NvMagnetometry.Optimum(settings).InterrogationSeconds, 10);
        Assert.Equal(0.7808, expected / t2, 4);

        var ensemble = settings with { Spins = 1e6 };
        Assert.Equal(1e-3, NvMagnetometry.Ramsey(ensemble, 0.5e-6) / NvMagnetometry.Ramsey(settings, 0.5e-6), 12);
        Assert.Equal(Math.PI / 2, NvMagnetometry.Echo(settings, 0.5e-6) / NvMagnetometry.Ramsey(settings, 0.5e-6), 12);
    }

    [Fact]
    public void SpinProjectionLimit_EqualsTheCramerRaoBoundOfTheSpinHamiltonian()
    {
        // Eq. (10) against the QFI of the full spin model (no nucleus, T2* ≫ τ): δB√T = 1/√(F_zz/τ).
        const double tau = 1e-6;
        var f = new NvSpin(NitrogenIsotope.None).FieldFisherMatrix(0, 0, 1e-6, tau, t2Star: 1e3);
        Assert.Equal(NvMagnetometry.SpinProjectionLimit(1, tau), 1 / Math.Sqrt(f[2, 2] / tau), 8);
    }

    [Fact]
    public void AxialField_SplitsTheResonancesByTwiceGammaB()
    {
        var lines = new NvSpin(NitrogenIsotope.None).OdmrLines(0, 0, 1e-3);
        Assert.Equal(2, lines.Count);
        Assert.Equal(NvConstants.ZeroFieldSplittingHz - (Gamma * 1e-3), lines[0].FrequencyHz, 1e-3);
        Assert.Equal(NvConstants.ZeroFieldSplittingHz + (Gamma * 1e-3), lines[1].FrequencyHz, 1e-3);
        Assert.Equal(2.84197e9, lines[0].FrequencyHz, 1e4);
    }

    [Fact]
    public void TransverseField_GivesTheExactSpectrumOfTheSpinOneHamiltonian()
    {
        // E = 0, B ⊥ axis, b = γB: ν₁ = D/2 + √(D²/4 + b²), ν₂ = 2√(D²/4 + b²).
        const double field = 1e-3;
        double d = NvConstants.ZeroFieldSplittingHz, b = Gamma * field;
        var lines = new NvSpin(NitrogenIsotope.None).OdmrLines(field, 0, 0);
        Assert.Equal(2, lines.Count);
        Assert.Equal((d / 2) + Math.Sqrt((d * d / 4) + (b * b)), lines[0].FrequencyHz, 1e-3);
        Assert.Equal(2 * Math.Sqrt((d * d / 4) + (b * b)), lines[1].FrequencyHz, 1e-3);
    }

    [Theory]
    [InlineData(NitrogenIsotope.N14, 3, 2.14e6)]
    [InlineData(NitrogenIsotope.N15, 2, 3.03e6)]
    public void Hyperfine_SplitsEachBranchIntoTwoIPlusOneLines_SpacedByAParallel(NitrogenIsotope isotope, int perBranch, double spacing)
    {
        var lines = new NvSpin(isotope).OdmrLines(0, 0, 1e-3, threshold: 0.1);
        Assert.Equal(2 * perBranch, lines.Count);
        for (int k = 1; k < perBranch; k++)
        {
            // A⊥ shifts the lines only at second order, A⊥²/D ≈ 2.5 kHz.
            Assert.Equal(spacing, lines[k].FrequencyHz - lines[k - 1].FrequencyHz, 2e4);
            Assert.Equal(spacing, lines[perBranch + k].FrequencyHz - lines[perBranch + k - 1].FrequencyHz, 2e4);
        }
    }

    [Fact]
    public void FieldFisherMatrix_AxialComponent_FollowsTheRamseyClosedForm_AndOneAxisIsBlindAcross()
    {
        // (|0⟩ + |+1⟩)/√2 for τ under dephasing T2*: the phase 2πγ b_z τ with contrast e^(−τ/T2*): F_zz = (2πγτ)² e^(−2τ/T2*).
        const double tau = 1e-6, t2 = 2e-6;
        foreach (var isotope in new[] { NitrogenIsotope.None, NitrogenIsotope.N14 })
        {
            var f = new NvSpin(isotope).FieldFisherMatrix(0, 0, 1e-6, tau, t2);
            double expected = Math.Pow(2 * Math.PI * Gamma * tau, 2) * Math.Exp(-2 * tau / t2);
            Assert.Equal(1, f[2, 2] / expected, isotope == NitrogenIsotope.None ? 6 : 2);
            Assert.True(f[0, 0] < 1e-4 * f[2, 2] && f[1, 1] < 1e-4 * f[2, 2], $"{isotope}: transverse {f[0, 0]}, {f[1, 1]} vs axial {f[2, 2]}");
        }
    }

    [Fact]
    public void FourOrientations_SeeEveryComponentEqually()
    {
        // Σ over the ⟨111⟩ axes of a aᵀ = (4/3) I: with N centres, F_lab ≈ (N/3) F_zz I.
        const double tau = 1e-6, t2 = 2e-6, spins = 1e6;
        var spin = new NvSpin(NitrogenIsotope.None);
        var f = spin.EnsembleFieldFisherMatrix([0, 0, 0], tau, t2, spins);
        double single = spin.FieldFisherMatrix(0, 0, 0, tau, t2)[2, 2];
        for (int a = 0; a < 3; a++)
        {
            Assert.Equal(1, f[a, a] / (spins / 3 * single), 4);
            for (int b = 0; b < 3; b++)
            {
                if (a != b)
                {
                    Assert.True(Math.Abs(f[a, b]) < 1e-4 * f[a, a]);
                }
            }
        }
    }
}

public class AcMagnetometryTests
{
    [Fact]
    public void MatchedEchoAndCpmg_RespondWithTwoTOverPi_TheFactorOfBarryEquation28()
    {
        const double t = 10e-6;
        Assert.Equal(2 * t / Math.PI, AcMagnetometry.Response(PulseSequence.HahnEcho, 1 / t, t), 12);
        Assert.Equal(2 * t / Math.PI, AcMagnetometry.Response(PulseSequence.Cpmg(8), 8 / (2 * t), t), 12);

        // Off resonance the signal averages away.
        Assert.True(AcMagnetometry.Response(PulseSequence.Cpmg(8), 1 / t, t) < 0.1 * t);

        // Without noise the matched echo is Barry's eq. (28) with a perfect readout and no decay.
        var quiet = new OrnsteinUhlenbeckNoise(0, 1e-6);
        double eta = AcMagnetometry.Sensitivity(PulseSequence.HahnEcho, quiet, 1 / t, t, NvConstants.ElectronRadPerSecondPerTesla);
        var perfect = new NvPulsedSettings(1, 1e9, 1, 1e18);
        Assert.Equal(1, eta / NvMagnetometry.Echo(perfect, t), 9);
    }

    [Fact]
    public void BestCpmg_UnderAStrongSlowBath_UsesManyPulses_AndBeatsTheEcho()
    {
        // A slow Ornstein–Uhlenbeck bath (b = 2π·50 kHz, τ_c = 100 µs) and a 200 kHz field: the echo (n = 1) is
        // dephased, more pulses filter the bath and interrogate longer.
        var bath = new OrnsteinUhlenbeckNoise(2 * Math.PI * 50e3, 100e-6);
        const double f = 200e3;
        double gamma = NvConstants.ElectronRadPerSecondPerTesla;
        var best = AcMagnetometry.BestCpmg(bath, f, gamma, maxPulses: 128);
        double echo = AcMagnetometry.Sensitivity(PulseSequence.Cpmg(1), bath, f, 1 / (2 * f), gamma);
        Assert.True(best.Pulses > 4, $"{best.Pulses} pulses");
        Assert.True(best.Sensitivity < echo / 2, $"{best.Sensitivity} vs echo {echo}");
        Assert.InRange(best.Decay, 0.05, 1);
    }

    [Fact]
    public void ACancelledEvaluation_StopsTheOptimiser()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var request = new VnQuantum.Sensing.Design.NvRequest("ramsey", T2StarSeconds: 1e-6);
        Assert.Throws<OperationCanceledException>(() => VnQuantum.Sensing.Design.SensorEvaluation.Nv(request, cancel.Token));
        Assert.True(VnQuantum.Sensing.Design.SensorEvaluation.Nv(request).Quantities.Count > 0);
    }
}
