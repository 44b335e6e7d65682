using VnQuantum.Qkd.Links;

namespace VnQuantum.Qkd.KeyRates;

/// <summary>Where the entangled-pair source sits on a BBM92 link.</summary>
public enum SourcePosition
{
    /// <summary>Half the fibre on each side.</summary>
    Middle,

    /// <summary>At Alice: her photons see no fibre, Bob's see all of it.</summary>
    AtAlice,
}

/// <summary>
/// BBM92 (entanglement-based BB84) with a parametric down-conversion source that emits multiple pairs, in the model of
/// Ma, Fung and Lo, PRA 76, 012307 (2007): photon-pair statistics P(n) = (n+1)·λⁿ/(1+λ)^(n+2) with mean pair number
/// μ = 2λ, threshold detectors with squashing, and the key rate R = q·Q_λ·{1 − f·h(E_λ) − h(E_λ)} per pulse (the source
/// is basis-independent, so the phase-error rate equals the bit-error rate).
/// </summary>
public static class EntanglementBasedBb84
{
    /// <summary>The coincidence gain Q_λ and error rate E_λ (closed forms, Ma–Fung–Lo Sec. III).</summary>
    public static (double Gain, double ErrorRate) Detection(QkdLink link, SourcePosition position, double meanPairNumber)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(meanPairNumber);
        var (etaA, etaB) = ArmTransmittances(link, position);
        double y0 = link.Detector.BackgroundYield;
        double lambda = meanPairNumber / 2;
        double a = 1 + (etaA * lambda), b = 1 + (etaB * lambda), ab = 1 + (etaA * lambda) + (etaB * lambda) - (etaA * etaB * lambda);
        double gain = 1 - ((1 - y0) / (a * a)) - ((1 - y0) / (b * b)) + ((1 - y0) * (1 - y0) / (ab * ab));
        double errorGain = (0.5 * gain) - (2 * (0.5 - link.MisalignmentError) * etaA * etaB * lambda * (1 + lambda) / (a * b * ab));
        return (gain, errorGain / gain);
    }

    /// <summary>The asymptotic key rate per pulse, 0 where negative.</summary>
    public static double Rate(QkdLink link, SourcePosition position, double meanPairNumber, double sifting = DecoyStateBb84.StandardSifting)
    {
        var (q, e) = Detection(link, position, meanPairNumber);
        double r = sifting * q * (1 - (link.ErrorCorrectionInefficiency * BinaryEntropy.Of(e)) - BinaryEntropy.Of(e));
        return double.IsFinite(r) && r > 0 ? r : 0;
    }

    /// <summary>The mean pair number μ = 2λ that maximises <see cref="Rate"/>, and the rate.</summary>
    public static (double MeanPairNumber, double Rate) Optimal(QkdLink link, SourcePosition position) =>
        RateOptimizer.Maximize1D(mu => Rate(link, position, mu), 1e-4, 1.0);

    /// <summary>η_A and η_B: channel transmittance times detector efficiency on each side.</summary>
    public static (double Alice, double Bob) ArmTransmittances(QkdLink link, SourcePosition position)
    {
        double eta = link.Detector.Efficiency;
        return position switch
        {
            SourcePosition.Middle => (eta * link.Fiber.WithLength(link.Fiber.LengthKm / 2).Transmittance, eta * link.Fiber.WithLength(link.Fiber.LengthKm / 2).Transmittance),
            SourcePosition.AtAlice => (eta, eta * link.Fiber.Transmittance),
            _ => throw new ArgumentOutOfRangeException(nameof(position)),
        };
    }
}
