namespace VnQuantum.Sensing.Sensors;

/// <summary>A classical dephasing noise spectrum S(ω) (rad²/s), two-sided convention S(ω) = ∫ C(τ) e^(iωτ) dτ.</summary>
public abstract record NoiseSpectrum
{
    public abstract double At(double omega);
}

/// <summary>
/// Ornstein–Uhlenbeck noise: correlation b² e^(−|τ|/τ_c), spectrum 2b²τ_c/(1 + ω²τ_c²) (a Lorentzian; the spin bath of
/// an NV centre is often modelled so).
/// </summary>
public sealed record OrnsteinUhlenbeckNoise(double Amplitude, double CorrelationSeconds) : NoiseSpectrum
{
    public override double At(double omega) => 2 * Amplitude * Amplitude * CorrelationSeconds / (1 + (omega * omega * CorrelationSeconds * CorrelationSeconds));
}

/// <summary>1/f noise: S(ω) = A/|ω|.</summary>
public sealed record OneOverFNoise(double Strength) : NoiseSpectrum
{
    public override double At(double omega) => Strength / Math.Abs(omega);
}

/// <summary>
/// A dephasing-protection sequence as the times of its π pulses, in fractions of the total time t (Ramsey/free
/// induction: none; Hahn echo: ½; CPMG-n: (2k−1)/(2n); XY-n has the CPMG timing, and for classical dephasing noise the
/// same filter).
/// </summary>
public sealed record PulseSequence(string Name, IReadOnlyList<double> PulseFractions)
{
    public static PulseSequence FreeInduction { get; } = new("free induction (Ramsey)", []);

    public static PulseSequence HahnEcho { get; } = new("Hahn echo", [0.5]);

    public static PulseSequence Cpmg(int pulses) =>
        pulses < 1 ? throw new ArgumentOutOfRangeException(nameof(pulses), pulses, "CPMG needs at least one π pulse.")
            : new PulseSequence($"CPMG-{pulses}", [.. Enumerable.Range(1, pulses).Select(k => ((2.0 * k) - 1) / (2 * pulses))]);

    /// <summary>XY-n: the pulses alternate between x and y axes with CPMG timing (robust to pulse errors); for classical dephasing noise its filter is CPMG's.</summary>
    public static PulseSequence Xy(int pulses) => Cpmg(pulses) with { Name = $"XY-{pulses}" };
}

/// <summary>
/// The filter-function formalism (Cywiński, Lutchyn, Nave and Das Sarma, PRB 77, 174509 (2008)): a sequence turns the
/// noise into the decay W(t) = e^(−χ(t)), χ(t) = (1/π) ∫₀^∞ S(ω) F(ωt)/ω² dω, where F(ωt) = (ω²/2)|∫₀^t y(t′) e^(iωt′) dt′|²
/// and y = ±1 flips at every π pulse (free induction: F = 2 sin²(ωt/2); Hahn echo: 8 sin⁴(ωt/4)). The integral is taken
/// numerically on a logarithmic grid (checked against the closed forms for Ornstein–Uhlenbeck noise).
/// </summary>
public static class FilterFunctions
{
    /// <summary>F(ωt) for a sequence, from the times its sign flips.</summary>
    public static double Filter(PulseSequence sequence, double omega, double t)
    {
        ArgumentNullException.ThrowIfNull(sequence);
        if (omega == 0)
        {
            return 0;
        }

        // ∫ y e^(iωt′) over the segments between flips, sign alternating.
        double re = 0, im = 0;
        double start = 0;
        double sign = 1;
        foreach (double edge in sequence.PulseFractions.Append(1.0))
        {
            double a = start * t, b = edge * t;
            re += sign * (Math.Sin(omega * b) - Math.Sin(omega * a)) / omega;
            im += sign * (Math.Cos(omega * a) - Math.Cos(omega * b)) / omega;
            sign = -sign;
            start = edge;
        }

        return omega * omega / 2 * ((re * re) + (im * im));
    }

    /// <summary>χ(t): the decay exponent of the coherence after the sequence.</summary>
    public static double Decay(NoiseSpectrum noise, PulseSequence sequence, double t, int pointsPerDecade = 4000)
    {
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(sequence);
        if (!(t > 0))
        {
            return 0;
        }

        // ∫ S F/ω² dω = ∫ S F/ω du with u = ln ω, from 10⁻¹²/t (a spectrum's weight may sit far below 1/t, as for
        // quasi-static noise; free induction under 1/f noise diverges logarithmically there, a physical infrared
        // cut-off) to 10⁴(n+1)/t (above, S F/ω² falls at least as 1/ω²), by Simpson's rule.
        double lo = Math.Log(1e-12 / t), hi = Math.Log(1e4 * (sequence.PulseFractions.Count + 1) / t);
        int steps = (int)Math.Ceiling((hi - lo) / Math.Log(10) * pointsPerDecade);
        steps += steps % 2;
        double h = (hi - lo) / steps;
        double sum = 0;
        for (int i = 0; i <= steps; i++)
        {
            double omega = Math.Exp(lo + (i * h));
            double f = noise.At(omega) * Filter(sequence, omega, t) / omega;
            sum += (i == 0 || i == steps ? 1 : i % 2 == 1 ? 4 : 2) * f;
        }

        return sum * h / 3 / Math.PI;
    }

    /// <summary>The coherence time: the t at which χ(t) = 1 (bisection on a logarithmic scale).</summary>
    public static double CoherenceTime(NoiseSpectrum noise, PulseSequence sequence, double guessSeconds)
    {
        double lo = guessSeconds, hi = guessSeconds;
        while (Decay(noise, sequence, lo, 400) > 1)
        {
            lo /= 2;
        }

        while (Decay(noise, sequence, hi, 400) < 1)
        {
            hi *= 2;
        }

        for (int i = 0; i < 60; i++)
        {
            double mid = Math.Sqrt(lo * hi);
            if (Decay(noise, sequence, mid, 400) < 1)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Sqrt(lo * hi);
    }

    /// <summary>Closed form for Ornstein–Uhlenbeck noise, free induction: b²τ_c²(t/τ_c − 1 + e^(−t/τ_c)).</summary>
    public static double OrnsteinUhlenbeckFreeInduction(OrnsteinUhlenbeckNoise noise, double t)
    {
        ArgumentNullException.ThrowIfNull(noise);
        double x = t / noise.CorrelationSeconds, b2 = noise.Amplitude * noise.Amplitude, tc2 = noise.CorrelationSeconds * noise.CorrelationSeconds;
        return b2 * tc2 * (x - 1 + Math.Exp(-x));
    }

    /// <summary>Closed form for Ornstein–Uhlenbeck noise, Hahn echo: b²τ_c²(t/τ_c − 3 + 4e^(−t/2τ_c) − e^(−t/τ_c)).</summary>
    public static double OrnsteinUhlenbeckEcho(OrnsteinUhlenbeckNoise noise, double t)
    {
        ArgumentNullException.ThrowIfNull(noise);
        double x = t / noise.CorrelationSeconds, b2 = noise.Amplitude * noise.Amplitude, tc2 = noise.CorrelationSeconds * noise.CorrelationSeconds;
        return b2 * tc2 * (x - 3 + (4 * Math.Exp(-x / 2)) - Math.Exp(-x));
    }
}
