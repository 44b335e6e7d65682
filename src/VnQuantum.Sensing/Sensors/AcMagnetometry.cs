namespace VnQuantum.Sensing.Sensors;

/// <summary>The best dynamical-decoupling design for an AC field found by <see cref="AcMagnetometry.BestCpmg"/>.</summary>
/// <param name="AtPulseLimit">True when the most pulses tried won: more might do better still.</param>
public sealed record AcDesign(int Pulses, double InterrogationSeconds, double Response, double Decay, double Sensitivity, bool AtPulseLimit = false);

/// <summary>
/// AC magnetometry with dynamical decoupling on the filter-function formalism (Cywiński et al., PRB 77, 174509 (2008);
/// Degen, Reinhard and Cappellaro, RMP 89, 035002 (2017), sec. VI): a field b cos(2πf t + α) phase-locked to the
/// sequence adds the phase γ b ∫ y(t′) cos(2πf t′ + α) dt′, at best γ b R with R = |∫₀ᵗ y e^(i2πf t′) dt′| = √(2F(ωt))/ω,
/// while the noise takes e^(−χ(t)). For N spins, contrast C and dead time per shot:
/// η = √(t + t_dead) / (γ R e^(−χ(t)) C √N) in T/√Hz. A Hahn echo matched to f = 1/t gives R = 2t/π, the π/2 of
/// Taylor et al. (2008) and Barry et al. eq. (28); CPMG-n matched to f = n/(2t) keeps R = 2t/π over a longer t.
/// </summary>
public static class AcMagnetometry
{
    /// <summary>R = |∫₀ᵗ y(t′) e^(i2πf t′) dt′| (seconds): the phase per unit γb for the best field phase.</summary>
    public static double Response(PulseSequence sequence, double acFrequencyHz, double t)
    {
        double omega = 2 * Math.PI * acFrequencyHz;
        return Math.Sqrt(2 * FilterFunctions.Filter(sequence, omega, t)) / omega;
    }

    /// <summary>η (T/√Hz) of a sequence of length t for an AC field at f, under <paramref name="noise"/> (rad²/s spectrum of the detuning).</summary>
    public static double Sensitivity(PulseSequence sequence, NoiseSpectrum noise, double acFrequencyHz, double t, double gyromagnetic, double contrast = 1, double deadTimeSeconds = 0, double spins = 1)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        ArgumentNullException.ThrowIfNull(noise);
        if (!(acFrequencyHz > 0) || !(t > 0) || !(gyromagnetic > 0) || !(contrast > 0 && contrast <= 1) || !(deadTimeSeconds >= 0) || !(spins > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(acFrequencyHz), "the AC frequency, time, γ and spins must be > 0, the contrast in (0, 1] and the dead time ≥ 0");
        }

        double decay = Math.Exp(-FilterFunctions.Decay(noise, sequence, t));
        return Math.Sqrt(t + deadTimeSeconds) / (gyromagnetic * Response(sequence, acFrequencyHz, t) * decay * contrast * Math.Sqrt(spins));
    }

    /// <summary>
    /// The CPMG-n matched to the field (t = n/(2f)) that gives the least η, for n = 1 … <paramref name="maxPulses"/>:
    /// more pulses filter more noise and interrogate longer, until the noise left (or the dead time) wins.
    /// </summary>
    public static AcDesign BestCpmg(NoiseSpectrum noise, double acFrequencyHz, double gyromagnetic, int maxPulses = 256, double contrast = 1, double deadTimeSeconds = 0, double spins = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPulses, 1);
        AcDesign? best = null;
        int last = 0;
        for (int n = 1; n <= maxPulses; n = n < 8 ? n + 1 : (int)Math.Ceiling(n * 1.25))
        {
            last = n;
            var sequence = PulseSequence.Cpmg(n);
            double t = n / (2 * acFrequencyHz);
            double eta = Sensitivity(sequence, noise, acFrequencyHz, t, gyromagnetic, contrast, deadTimeSeconds, spins);
            if (best is null || eta < best.Sensitivity)
            {
                best = new AcDesign(n, t, Response(sequence, acFrequencyHz, t), Math.Exp(-FilterFunctions.Decay(noise, sequence, t)), eta);
            }
        }

        return best! with { AtPulseLimit = best!.Pulses == last };
    }
}
