namespace VnQuantum.Sensing.Estimation;

/// <summary>
/// A particle filter (sequential Monte Carlo) over an unknown precession frequency ω, as QInfer does it (Granade et
/// al., New J. Phys. 14, 103013 (2012)): weights multiplied by the likelihood of each outcome, the Liu–West resampler
/// (a = 0.98, h = √(1 − a²), which keeps the mean and variance) when the effective sample size 1/Σw² falls below half
/// the particles, and the particle guess heuristic for the next experiment: t = 1/|ω₁ − ω₂| for two particles drawn
/// from the posterior. Likelihood of a Ramsey shot with coherence time T2: P(0 | ω, t) = (1 + e^(−t/T2) cos ωt)/2.
/// Seeded: the same seed gives the same run.
/// </summary>
public sealed class FrequencyParticleFilter
{
    private const double LiuWestA = 0.98;

    private readonly double[] _particles;
    private readonly double[] _weights;
    private readonly double _t2;
    private readonly Random _random;

    public FrequencyParticleFilter(int particles, double lowerRadPerSecond, double upperRadPerSecond, double t2Seconds, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(particles, 2);
        ArgumentNullException.ThrowIfNull(random);
        if (!(upperRadPerSecond > lowerRadPerSecond))
        {
            throw new ArgumentOutOfRangeException(nameof(upperRadPerSecond), "the prior interval must have upper > lower");
        }

        if (!(t2Seconds > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(t2Seconds), t2Seconds, "T2 must be > 0 (use +∞ for none)");
        }

        _random = random;
        _t2 = t2Seconds;
        _particles = new double[particles];
        _weights = new double[particles];
        for (int i = 0; i < particles; i++)
        {
            _particles[i] = lowerRadPerSecond + ((upperRadPerSecond - lowerRadPerSecond) * random.NextDouble());
            _weights[i] = 1.0 / particles;
        }
    }

    /// <summary>Resamplings so far.</summary>
    public int Resamplings { get; private set; }

    public double Mean
    {
        get
        {
            double mean = 0;
            for (int i = 0; i < _particles.Length; i++)
            {
                mean += _weights[i] * _particles[i];
            }

            return mean;
        }
    }

    public double StandardDeviation
    {
        get
        {
            double mean = Mean, variance = 0;
            for (int i = 0; i < _particles.Length; i++)
            {
                variance += _weights[i] * (_particles[i] - mean) * (_particles[i] - mean);
            }

            return Math.Sqrt(variance);
        }
    }

    /// <summary>P(outcome 0 | ω, t).</summary>
    public double Likelihood(double omega, double t) => (1 + (Math.Exp(-t / _t2) * Math.Cos(omega * t))) / 2;

    /// <summary>Bayes' rule for one outcome (0 or 1) of a shot of length t; resamples when the weights degenerate.</summary>
    public void Update(int outcome, double t)
    {
        double total = 0;
        for (int i = 0; i < _particles.Length; i++)
        {
            double p0 = Likelihood(_particles[i], t);
            _weights[i] *= outcome == 0 ? p0 : 1 - p0;
            total += _weights[i];
        }

        if (!(total > 0))
        {
            throw new InvalidOperationException("every particle has zero weight: the outcome is impossible under the prior");
        }

        double squares = 0;
        for (int i = 0; i < _weights.Length; i++)
        {
            _weights[i] /= total;
            squares += _weights[i] * _weights[i];
        }

        if (1 / squares < 0.5 * _particles.Length)
        {
            Resample();
        }
    }

    /// <summary>The particle guess heuristic: t = 1/|ω₁ − ω₂| for two particles drawn by weight.</summary>
    public double NextTime()
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double a = _particles[Draw()], b = _particles[Draw()];
            if (a != b)
            {
                return 1 / Math.Abs(a - b);
            }
        }

        return 1 / Math.Max(StandardDeviation, 1e-300);
    }

    private void Resample()
    {
        // Liu–West: parents drawn by weight, shrunk towards the mean by a, jittered by h·σ: mean and variance kept.
        double mean = Mean, sigma = StandardDeviation, h = Math.Sqrt(1 - (LiuWestA * LiuWestA));
        var fresh = new double[_particles.Length];
        for (int i = 0; i < fresh.Length; i++)
        {
            fresh[i] = (LiuWestA * _particles[Draw()]) + ((1 - LiuWestA) * mean) + (h * sigma * Gaussian());
        }

        Array.Copy(fresh, _particles, fresh.Length);
        Array.Fill(_weights, 1.0 / _weights.Length);
        Resamplings++;
    }

    private int Draw()
    {
        double u = _random.NextDouble(), cumulative = 0;
        for (int i = 0; i < _weights.Length; i++)
        {
            cumulative += _weights[i];
            if (u < cumulative)
            {
                return i;
            }
        }

        return _weights.Length - 1;
    }

    private double Gaussian()
    {
        double u1 = 1 - _random.NextDouble(), u2 = _random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}

/// <summary>One experiment of <see cref="AdaptiveRamsey.Run"/>.</summary>
public sealed record RamseyExperiment(int Index, double Seconds, int Outcome, double Estimate, double StandardDeviation, double TotalSeconds);

/// <summary>
/// A simulated experiment loop that learns a frequency from single Ramsey shots: the particle filter chooses each
/// interrogation time (the particle guess heuristic), a seeded simulator of the true system answers, and the
/// posterior narrows exponentially in the number of shots (error ∝ 1/T_total, Heisenberg-like in time) where fixed
/// times only average down as T_total^(−1/2).
/// </summary>
public static class AdaptiveRamsey
{
    /// <param name="trueOmega">The frequency the simulated system has (rad/s).</param>
    /// <param name="fixedSeconds">When set, every shot uses this time instead of the heuristic (the non-adaptive baseline).</param>
    public static IReadOnlyList<RamseyExperiment> Run(
        double trueOmega,
        double lowerRadPerSecond,
        double upperRadPerSecond,
        double t2Seconds,
        int experiments,
        int particles = 2000,
        int seed = 1,
        double? fixedSeconds = null,
        double maximumSeconds = double.PositiveInfinity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(experiments);
        var random = new Random(seed);
        var system = new Random(unchecked(seed * 7919) + 1);
        var filter = new FrequencyParticleFilter(particles, lowerRadPerSecond, upperRadPerSecond, t2Seconds, random);
        var history = new List<RamseyExperiment>(experiments);
        double total = 0;
        for (int k = 0; k < experiments; k++)
        {
            double t = Math.Min(fixedSeconds ?? filter.NextTime(), maximumSeconds);
            int outcome = system.NextDouble() < filter.Likelihood(trueOmega, t) ? 0 : 1;
            filter.Update(outcome, t);
            total += t;
            history.Add(new RamseyExperiment(k, t, outcome, filter.Mean, filter.StandardDeviation, total));
        }

        return history;
    }
}
