using VnQuantum.Qkd.Links;

namespace VnQuantum.Qkd.KeyRates;

/// <summary>
/// Twin-field QKD (Lucamarini, Yuan, Dynes, Shields, Nature 557, 400 (2018)) in the sending-or-not-sending protocol of
/// Wang, Yu and Hu, PRA 98, 062323 (2018), asymptotic with infinitely many decoys. Alice and Bob each send a phase-
/// randomised coherent pulse of intensity μ with probability ε (or nothing) to Charlie in the middle; a window with
/// exactly one click is an effective event. The rate per window pair is
/// R = 2ε(1−ε)·μ·e^(−μ)·s₁·[1 − h(e₁ᵖʰ)] − f·S_Z·h(E_Z), with s₁ and e₁ᵖʰ the single-photon yield and phase-flip rate
/// (known exactly with infinite decoys), S_Z the effective-event rate and E_Z its bit-error rate. Each arm has half the
/// fibre, so the rate scales as √η.
/// </summary>
public static class SendingOrNotSendingTfQkd
{
    /// <summary>The rate for sending probability <paramref name="sendProbability"/> and intensity <paramref name="mu"/>.
    /// <see cref="QkdLink.MisalignmentError"/> is the single-photon interference misalignment e_d.</summary>
    public static double Rate(QkdLink link, double sendProbability, double mu)
    {
        double eps = sendProbability;
        double eta = ArmTransmittance(link);
        double pd = link.Detector.DarkCountProbability;

        // Single photon from one arm: it clicks the right detector w.p. 1 − e_d, the wrong one w.p. e_d; a dark count
        // in the other detector spoils the event, and with the photon lost only one dark count must fire.
        double s1 = (eta * (1 - pd)) + ((1 - eta) * 2 * pd * (1 - pd));
        double e1 = ((eta * link.MisalignmentError * (1 - pd)) + ((1 - eta) * pd * (1 - pd))) / s1;

        double oneSends = OneClickProbability(eta * mu, 0, pd);
        double bothSend = OneClickProbability(eta * mu, eta * mu, pd);
        double noneSends = OneClickProbability(0, 0, pd);
        double sZ = (2 * eps * (1 - eps) * oneSends) + (eps * eps * bothSend) + ((1 - eps) * (1 - eps) * noneSends);
        double eZ = ((eps * eps * bothSend) + ((1 - eps) * (1 - eps) * noneSends)) / sZ;

        double n1 = 2 * eps * (1 - eps) * mu * Math.Exp(-mu) * s1;
        double r = (n1 * (1 - BinaryEntropy.Of(e1))) - (link.ErrorCorrectionInefficiency * sZ * BinaryEntropy.Of(eZ));
        return double.IsFinite(r) && r > 0 ? r : 0;
    }

    /// <summary>Maximises <see cref="Rate"/> over ε ∈ (0, 1/2) (on a log scale: it falls to 10⁻⁵ at large e_d) and μ.</summary>
    public static (double SendProbability, double Mu, double Rate) Optimal(QkdLink link)
    {
        double bestRate = 0, bestEps = 0.1, bestMu = 0.3;
        // A coarse grid in (log ε, μ) finds the hump, then Nelder–Mead polishes it.
        for (double logEps = -6; logEps <= Math.Log10(0.5); logEps += 0.25)
        {
            for (double mu = 0.02; mu <= 1.0; mu += 0.04)
            {
                double r = Rate(link, Math.Pow(10, logEps), mu);
                if (r > bestRate)
                {
                    (bestRate, bestEps, bestMu) = (r, Math.Pow(10, logEps), mu);
                }
            }
        }

        if (bestRate <= 0)
        {
            return (bestEps, bestMu, 0);
        }

        var (x, value) = RateOptimizer.MaximizeNd(
            v => Rate(link, Math.Min(0.5, Math.Pow(10, v[0])), Math.Abs(v[1])),
            [Math.Log10(bestEps), bestMu]);
        return value > bestRate ? (Math.Min(0.5, Math.Pow(10, x[0])), Math.Abs(x[1]), value) : (bestEps, bestMu, bestRate);
    }

    /// <summary>Transmittance of one arm (half the fibre) times the detector efficiency.</summary>
    public static double ArmTransmittance(QkdLink link) =>
        link.Fiber.WithLength(link.Fiber.LengthKm / 2).Transmittance * link.Detector.Efficiency;

    /// <summary>
    /// Probability that exactly one of Charlie's two detectors clicks when phase-randomised coherent states with mean
    /// photon numbers <paramref name="a"/> and <paramref name="b"/> (already attenuated) meet at the beam splitter.
    /// The relative phase θ is uniform; the detectors then see Poisson means (a + b ± 2√(ab)·cos θ)/2. The periodic
    /// integrand makes the trapezoid rule converge exponentially.
    /// </summary>
    internal static double OneClickProbability(double a, double b, double darkCount)
    {
        const int points = 64;
        double sum = 0;
        for (int i = 0; i < points; i++)
        {
            double cross = 2 * Math.Sqrt(a * b) * Math.Cos(2 * Math.PI * i / points);
            double silent0 = (1 - darkCount) * Math.Exp(-(a + b + cross) / 2);
            double silent1 = (1 - darkCount) * Math.Exp(-(a + b - cross) / 2);
            sum += (silent0 * (1 - silent1)) + (silent1 * (1 - silent0));
        }

        return sum / points;
    }
}
