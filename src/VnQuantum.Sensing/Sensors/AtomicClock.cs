namespace VnQuantum.Sensing.Sensors;

/// <summary>How the clock transition is interrogated each cycle.</summary>
public enum ClockInterrogation
{
    /// <summary>Two short π/2 pulses separated by the free time T: P = (1 + cos 2πδT)/2.</summary>
    Ramsey,

    /// <summary>One π pulse of length T: the Rabi line shape.</summary>
    Rabi,
}

/// <summary>An atomic clock at the quantum projection noise limit.</summary>
/// <param name="TransitionHz">ν₀ of the clock transition.</param>
/// <param name="InterrogationSeconds">T: Ramsey free time or Rabi pulse length.</param>
/// <param name="Atoms">N uncorrelated atoms read per cycle.</param>
/// <param name="CycleSeconds">T_c, the whole cycle (preparation, interrogation, detection; ≥ T).</param>
public sealed record AtomicClockSettings(double TransitionHz, double InterrogationSeconds, double Atoms, double CycleSeconds, ClockInterrogation Interrogation = ClockInterrogation.Ramsey)
{
    public void Validate()
    {
        var problems = new List<string>();
        if (!(TransitionHz > 0))
        {
            problems.Add($"the transition frequency must be > 0 (got {TransitionHz} Hz)");
        }

        if (!(InterrogationSeconds > 0))
        {
            problems.Add($"the interrogation time must be > 0 (got {InterrogationSeconds} s)");
        }

        if (!(Atoms >= 1))
        {
            problems.Add($"atoms must be ≥ 1 (got {Atoms})");
        }

        if (!(CycleSeconds >= InterrogationSeconds))
        {
            problems.Add($"the cycle ({CycleSeconds} s) must last at least the interrogation ({InterrogationSeconds} s)");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }
    }
}

/// <summary>
/// Quantum projection noise (Itano et al., PRA 47, 3554 (1993)): N atoms measured at excitation probability p scatter
/// by √(p(1−p)/N), so one cycle fixes the frequency to δν = √(p(1−p)/N)/|∂P/∂ν| = K/(T√N), and locking for τ ≫ T_c
/// averages white frequency noise to σ_y(τ) = K/(ν₀ T √N) · √(T_c/τ). K = 1/(2π) for Ramsey at any fringe point;
/// for a Rabi π pulse at half maximum K ≈ 0.264 (computed here from the line shape).
/// </summary>
public static class AtomicClock
{
    /// <summary>K of δν = K/(T√N) at the half-maximum operating point, from the line shape.</summary>
    public static double LineshapeConstant(ClockInterrogation interrogation)
    {
        // Work with T = 1: find δ where P(δ) = P(0)/2, then K = √(p(1−p))/|P′(δ)|.
        double Probability(double d) => interrogation == ClockInterrogation.Ramsey
            ? (1 + Math.Cos(2 * Math.PI * d)) / 2
            : RabiProbability(d);
        double peak = Probability(0);
        double lo = 0, hi = interrogation == ClockInterrogation.Ramsey ? 0.5 : 0.8;
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            (lo, hi) = Probability(mid) > peak / 2 ? (mid, hi) : (lo, mid);
        }

        double delta = (lo + hi) / 2, h = 1e-6;
        double p = Probability(delta);
        double slope = (Probability(delta + h) - Probability(delta - h)) / (2 * h);
        return Math.Sqrt(p * (1 - p)) / Math.Abs(slope);
    }

    /// <summary>The fractional frequency uncertainty of one cycle, K/(ν₀ T √N).</summary>
    public static double PerCycle(AtomicClockSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return LineshapeConstant(settings.Interrogation) / (settings.TransitionHz * settings.InterrogationSeconds * Math.Sqrt(settings.Atoms));
    }

    /// <summary>σ_y(τ) = per-cycle · √(T_c/τ), for τ ≥ T_c.</summary>
    public static double AllanDeviation(AtomicClockSettings settings, double averagingSeconds)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!(averagingSeconds >= settings.CycleSeconds))
        {
            throw new ArgumentOutOfRangeException(nameof(averagingSeconds), averagingSeconds, $"the averaging time must be at least one cycle ({settings.CycleSeconds} s)");
        }

        return PerCycle(settings) * Math.Sqrt(settings.CycleSeconds / averagingSeconds);
    }

    /// <summary>
    /// A seeded record of fractional frequency readings, one per cycle, of a clock locked at the half-maximum point:
    /// each cycle counts excited atoms (binomial), and the count's departure from N·p is turned into a frequency
    /// through the line's slope. Feed it to <see cref="Allan.Overlapping"/> to see the τ^(−1/2) law emerge.
    /// </summary>
    public static double[] SimulateReadings(AtomicClockSettings settings, int cycles, int seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var random = new Random(seed);
        double k = LineshapeConstant(settings.Interrogation);

        // δν = (n/N − p)/|∂P/∂ν|, with |∂P/∂ν| = √(p(1−p))/(K/T) and p = ½ at half maximum of a unit-peak line
        // (Ramsey; Rabi's peak is 1 too).
        const double p = 0.5;
        double slope = Math.Sqrt(p * (1 - p)) * settings.InterrogationSeconds / k;
        var readings = new double[cycles];
        int atoms = (int)Math.Round(settings.Atoms);
        for (int c = 0; c < cycles; c++)
        {
            int excited = MathNet.Numerics.Distributions.Binomial.Sample(random, p, atoms);
            readings[c] = ((double)excited / atoms - p) / slope / settings.TransitionHz;
        }

        return readings;
    }

    private static double RabiProbability(double detuning)
    {
        // π pulse of length 1: Ω = π; P = Ω²/(Ω² + Δ²) sin²(√(Ω² + Δ²)/2) with Δ = 2πδ.
        double omega = Math.PI, delta = 2 * Math.PI * detuning;
        double generalised = Math.Sqrt((omega * omega) + (delta * delta));
        double s = Math.Sin(generalised / 2);
        return omega * omega / (generalised * generalised) * s * s;
    }
}

/// <summary>The Allan deviation of fractional frequency data.</summary>
public static class Allan
{
    /// <summary>
    /// The overlapping Allan deviation at τ = m·τ₀ of readings y spaced τ₀ apart (IEEE 1139):
    /// σ²(τ) = Σ_k (x_(k+2m) − 2x_(k+m) + x_k)² / (2τ²(M − 2m)), with x the phase, x_k = τ₀ Σ_(i&lt;k) y_i.
    /// </summary>
    public static double Overlapping(ReadOnlySpan<double> readings, double spacingSeconds, int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        int points = readings.Length + 1;
        if (points - (2 * m) < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(m), m, $"{readings.Length} readings are too few for τ = {m}·τ₀");
        }

        var phase = new double[points];
        for (int i = 0; i < readings.Length; i++)
        {
            phase[i + 1] = phase[i] + (readings[i] * spacingSeconds);
        }

        double sum = 0;
        for (int k = 0; k + (2 * m) < points; k++)
        {
            double d = phase[k + (2 * m)] - (2 * phase[k + m]) + phase[k];
            sum += d * d;
        }

        double tau = m * spacingSeconds;
        return Math.Sqrt(sum / (2 * tau * tau * (points - (2 * m))));
    }
}
