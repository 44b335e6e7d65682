namespace VnQuantum.Sensing.Sensors;

/// <summary>
/// Constants of the NV centre's ground state, as compiled by Barry et al., Rev. Mod. Phys. 92, 015004 (2020), Table
/// XIV (from Doherty et al. 2013): g = 2.0028 (Loubser and van Wyk), D = 2.87 GHz; the ¹⁴N set of Felton et al.
/// 2008/2009 (A∥ = −2.14 MHz, A⊥ = −2.70 MHz, quadrupole P = −5.01 MHz; one experiment's values, not mixed with
/// others'); ¹⁵N A∥ = +3.03 MHz, A⊥ = +3.65 MHz; nuclear gyromagnetic ratios γ_n/2π = +3.077 MHz/T (¹⁴N) and
/// −4.316 MHz/T (¹⁵N). μ_B/h from CODATA 2018.
/// </summary>
public static class NvConstants
{
    public const double ZeroFieldSplittingHz = 2.87e9;
    public const double GFactor = 2.0028;

    /// <summary>μ_B/h (Hz/T), CODATA 2018.</summary>
    public const double BohrMagnetonHzPerTesla = 13.99624493e9;

    /// <summary>ħ (J s), exact since 2019.</summary>
    public const double ReducedPlanck = 1.054571817e-34;

    /// <summary>γ_e/2π = g μ_B/h = 28.032 GHz/T for g = 2.0028 (the free electron's 28.025 GHz/T differs in the 4th digit).</summary>
    public const double ElectronHzPerTesla = GFactor * BohrMagnetonHzPerTesla;

    /// <summary>γ_e = 2π · g μ_B/h (rad/s/T).</summary>
    public const double ElectronRadPerSecondPerTesla = 2 * Math.PI * ElectronHzPerTesla;
}

/// <summary>
/// Shot-noise sensitivities of NV magnetometers after Barry et al., Rev. Mod. Phys. 92, 015004 (2020) (which follows
/// Taylor et al., Nat. Phys. 4, 810 (2008)), in T/√Hz. Equation numbers are Barry's. The readout is the weak point of
/// NV sensing: σ_R = √(1 + 1/(C² n_avg)) is 10–80 for single centres and ~100–5000 for ensembles (Barry Table II).
/// </summary>
public static class NvMagnetometry
{
    /// <summary>Eq. (13): σ_R = √(1 + 1/(C² n_avg)), C the fringe contrast and n_avg the photons per centre per readout.</summary>
    public static double ReadoutNoise(double contrast, double photonsPerReadout)
    {
        Require(contrast > 0 && contrast <= 1, nameof(contrast), contrast, "in (0, 1]");
        Require(photonsPerReadout > 0, nameof(photonsPerReadout), photonsPerReadout, "> 0");
        return Math.Sqrt(1 + (1 / (contrast * contrast * photonsPerReadout)));
    }

    /// <summary>Eq. (12): σ_R = √(1 + 2(a + b)/(a − b)²) from the mean photon counts a (m_s = 0) and b (m_s = ±1) per readout.</summary>
    public static double ReadoutNoiseFromCounts(double brightCounts, double darkCounts)
    {
        Require(brightCounts > darkCounts && darkCounts >= 0, nameof(brightCounts), brightCounts, "above the dark counts, which are ≥ 0");
        double difference = brightCounts - darkCounts;
        return Math.Sqrt(1 + (2 * (brightCounts + darkCounts) / (difference * difference)));
    }

    /// <summary>Eq. (10): the spin-projection limit ħ/(Δm_s g μ_B √(N τ)) of N centres interrogated for τ.</summary>
    public static double SpinProjectionLimit(double spins, double interrogationSeconds, int deltaMs = 1)
    {
        Require(spins > 0, nameof(spins), spins, "> 0");
        Require(interrogationSeconds > 0, nameof(interrogationSeconds), interrogationSeconds, "> 0");
        return 1 / (deltaMs * NvConstants.ElectronRadPerSecondPerTesla * Math.Sqrt(spins * interrogationSeconds));
    }

    /// <summary>
    /// Eq. (17), continuous-wave ODMR: (4/(3√3)) (h/(g μ_B)) Δν/(C √R), Δν the linewidth (FWHM, Hz), C the cw contrast
    /// and R the detected photon rate (1/s); 4/(3√3) is the steepest slope of a Lorentzian, at Δν/(2√3) from its centre.
    /// </summary>
    public static double ContinuousWave(double linewidthHz, double contrast, double photonRate)
    {
        Require(linewidthHz > 0, nameof(linewidthHz), linewidthHz, "> 0");
        Require(contrast > 0 && contrast <= 1, nameof(contrast), contrast, "in (0, 1]");
        Require(photonRate > 0, nameof(photonRate), photonRate, "> 0");
        return 4 / (3 * Math.Sqrt(3)) / NvConstants.ElectronHzPerTesla * linewidthHz / (contrast * Math.Sqrt(photonRate));
    }

    /// <summary>
    /// Eq. (18), pulsed ODMR with a π pulse of length T2*: (8/(3√3)) ħ/(g μ_B C √𝒩) √(t_I + T2* + t_R)/T2*, 𝒩 the photons
    /// detected per readout from the whole ensemble.
    /// </summary>
    public static double PulsedOdmr(double contrast, double photonsPerReadout, double t2Star, double initialisationSeconds = 0, double readoutSeconds = 0)
    {
        Require(contrast > 0 && contrast <= 1, nameof(contrast), contrast, "in (0, 1]");
        Require(photonsPerReadout > 0, nameof(photonsPerReadout), photonsPerReadout, "> 0");
        Require(t2Star > 0, nameof(t2Star), t2Star, "> 0");
        return 8 / (3 * Math.Sqrt(3)) / (NvConstants.ElectronRadPerSecondPerTesla * contrast * Math.Sqrt(photonsPerReadout))
            * Math.Sqrt(initialisationSeconds + t2Star + readoutSeconds) / t2Star;
    }

    /// <summary>
    /// Eq. (15), Ramsey: ħ/(Δm_s g μ_B √(N τ)) · e^((τ/T2*)^p) · σ_R · √((t_I + τ + t_R)/τ) (spin projection, dephasing,
    /// readout, overhead).
    /// </summary>
    public static double Ramsey(NvPulsedSettings settings, double interrogationSeconds) =>
        Pulsed(settings, interrogationSeconds, 1);

    /// <summary>
    /// Eq. (28), Hahn echo for an AC field phase-locked to the sequence (amplitude at SNR 1, the convention of Taylor
    /// et al. 2008): the Ramsey form with π/2 in front and T2 (the echo coherence time) in place of T2*.
    /// </summary>
    public static double Echo(NvPulsedSettings settings, double interrogationSeconds) =>
        Pulsed(settings, interrogationSeconds, Math.PI / 2);

    /// <summary>The interrogation time τ that minimises <see cref="Ramsey"/> (or <see cref="Echo"/>), by golden section on log τ.</summary>
    public static (double InterrogationSeconds, double Sensitivity) Optimum(NvPulsedSettings settings, bool echo = false, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Func<double, double> eta = echo ? t => Echo(settings, t) : t => Ramsey(settings, t);
        double tau = Math.Exp(GoldenSection.Minimum(x => eta(Math.Exp(x)), Math.Log(1e-4 * settings.CoherenceSeconds), Math.Log(10 * settings.CoherenceSeconds), 200, 1e-12, cancel));
        return (tau, eta(tau));
    }

    private static double Pulsed(NvPulsedSettings settings, double tau, double prefactor)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Require(tau > 0, nameof(tau), tau, "> 0");
        double dephasing = Math.Exp(Math.Pow(tau / settings.CoherenceSeconds, settings.Stretch));
        double overhead = Math.Sqrt((settings.InitialisationSeconds + tau + settings.ReadoutSeconds) / tau);
        return prefactor * SpinProjectionLimit(settings.Spins, tau, settings.DeltaMs) * dephasing
            * ReadoutNoise(settings.Contrast, settings.PhotonsPerReadout) * overhead;
    }

    private static void Require(bool condition, string name, double value, string rule)
    {
        if (!condition)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be {rule}");
        }
    }
}

/// <summary>A pulsed NV magnetometer (Ramsey with T2*, or echo with T2).</summary>
/// <param name="Spins">NV centres read together (1 for a single centre).</param>
/// <param name="CoherenceSeconds">T2* for Ramsey, T2 for echo.</param>
/// <param name="Stretch">p in e^(−(τ/T)^p): 1 for a Lorentzian line, 2 for a Gaussian one.</param>
/// <param name="Contrast">Fringe contrast C = (a − b)/(a + b).</param>
/// <param name="PhotonsPerReadout">n_avg, photons per centre per readout.</param>
/// <param name="DeltaMs">1 for single-quantum (0 ↔ ±1), 2 for double-quantum (−1 ↔ +1) interferometry.</param>
public sealed record NvPulsedSettings(
    double Spins,
    double CoherenceSeconds,
    double Contrast,
    double PhotonsPerReadout,
    double Stretch = 1,
    double InitialisationSeconds = 0,
    double ReadoutSeconds = 0,
    int DeltaMs = 1)
{
    public void Validate()
    {
        var problems = new List<string>();
        if (!(Spins > 0))
        {
            problems.Add($"spins must be > 0 (got {Spins})");
        }

        if (!(CoherenceSeconds > 0))
        {
            problems.Add($"the coherence time must be > 0 (got {CoherenceSeconds} s)");
        }

        if (!(Contrast > 0 && Contrast <= 1))
        {
            problems.Add($"contrast must be in (0, 1] (got {Contrast})");
        }

        if (!(PhotonsPerReadout > 0))
        {
            problems.Add($"photons per readout must be > 0 (got {PhotonsPerReadout})");
        }

        if (!(Stretch >= 1 && Stretch <= 2))
        {
            problems.Add($"stretch must be in [1, 2] (got {Stretch})");
        }

        if (!(InitialisationSeconds >= 0) || !(ReadoutSeconds >= 0))
        {
            problems.Add("initialisation and readout times must be ≥ 0");
        }

        if (DeltaMs is not (1 or 2))
        {
            problems.Add($"Δm_s must be 1 or 2 (got {DeltaMs})");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
    }
}
