using VnQuantum.Qkd.Links;

namespace VnQuantum.Qkd.KeyRates;

/// <summary>
/// Asymptotic key rate of BB84 with weak coherent pulses and decoy states, per pulse sent:
/// R = q·{ −Q_μ·f·h(E_μ) + Q₁·[1 − h(e₁)] } (GLLP with decoy states; Lo, Ma, Chen, PRL 94, 230504 (2005), Eq. (1);
/// Ma, Qi, Zhao, Lo, PRA 72, 012326 (2005)).
/// </summary>
public static class DecoyStateBb84
{
    /// <summary>Sifting factor q of standard BB84 with both bases equally likely.</summary>
    public const double StandardSifting = 0.5;

    /// <summary>
    /// The rate with infinitely many decoys, which pins Y₁ and e₁ at their true values: Q₁ = Y₁·μ·e^(−μ),
    /// e₁ = (Y0/2 + e_d·η)/Y₁. Returns 0 where the formula is negative.
    /// </summary>
    public static double InfiniteDecoyRate(QkdLink link, double mu, double sifting = StandardSifting)
    {
        var model = new ExpectedDetection(link);
        double q1 = model.Yield(1) * mu * Math.Exp(-mu);
        return Rate(link, model, mu, q1, model.PhotonErrorRate(1), sifting);
    }

    /// <summary>
    /// The rate with a vacuum and one weak decoy of intensity ν &lt; μ, from the bounds of Ma et al. (2005):
    /// Y₁ ≥ μ/(μν − ν²)·[Q_ν·e^ν − Q_μ·e^μ·ν²/μ² − (μ² − ν²)/μ²·Y0] and e₁ ≤ (E_ν·Q_ν·e^ν − Y0/2)/(Y₁ᴸ·ν).
    /// As ν → 0 it tends to <see cref="InfiniteDecoyRate"/>.
    /// </summary>
    public static double VacuumWeakDecoyRate(QkdLink link, double mu, double nu, double sifting = StandardSifting)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nu);
        if (nu >= mu)
        {
            throw new ArgumentOutOfRangeException(nameof(nu), nu, "the weak decoy must be dimmer than the signal (ν < μ)");
        }

        var model = new ExpectedDetection(link);

        // The vacuum decoy measures Q_0 and E_0·Q_0 as they are observed (afterpulses included), not the dark counts.
        double y0 = model.Gain(0);
        double e0y0 = model.ErrorGain(0);
        double qMu = model.Gain(mu), qNu = model.Gain(nu);
        double y1 = mu / ((mu * nu) - (nu * nu)) *
            ((qNu * Math.Exp(nu)) - (qMu * Math.Exp(mu) * nu * nu / (mu * mu)) - (((mu * mu) - (nu * nu)) / (mu * mu) * y0));
        if (y1 <= 0)
        {
            return 0;
        }

        double e1 = Math.Min(0.5, ((model.ErrorGain(nu) * Math.Exp(nu)) - e0y0) / (y1 * nu));
        return Rate(link, model, mu, y1 * mu * Math.Exp(-mu), Math.Max(0, e1), sifting);
    }

    /// <summary>The signal intensity that maximises <see cref="InfiniteDecoyRate"/> at this link, and the rate.</summary>
    public static (double Mu, double Rate) OptimalInfiniteDecoy(QkdLink link, double sifting = StandardSifting) =>
        RateOptimizer.Maximize1D(mu => InfiniteDecoyRate(link, mu, sifting), 1e-3, 1.5);

    /// <summary>The signal intensity that maximises <see cref="VacuumWeakDecoyRate"/> for a fixed weak decoy ν.</summary>
    public static (double Mu, double Rate) OptimalVacuumWeakDecoy(QkdLink link, double nu, double sifting = StandardSifting) =>
        RateOptimizer.Maximize1D(mu => VacuumWeakDecoyRate(link, mu, nu, sifting), nu * 1.0001, 1.5);

    /// <summary>The rate of BB84 without decoys (GLLP): only the worst case Q₁ ≥ Q_μ − P_multi bounds the single photons.</summary>
    public static double NoDecoyRate(QkdLink link, double mu, double sifting = StandardSifting)
    {
        var model = new ExpectedDetection(link);
        double qMu = model.Gain(mu);
        double multiPhoton = 1 - Math.Exp(-mu) - (mu * Math.Exp(-mu));
        double q1 = qMu - multiPhoton;
        if (q1 <= 0)
        {
            return 0;
        }

        // GLLP: all errors attributed to the single photons that Eve could not split.
        double e1 = Math.Min(0.5, model.ErrorGain(mu) / q1);
        return Rate(link, model, mu, q1, e1, sifting);
    }

    private static double Rate(QkdLink link, ExpectedDetection model, double mu, double q1, double e1, double sifting)
    {
        double qMu = model.Gain(mu);
        double eMu = model.ErrorRate(mu);
        double r = sifting * ((-qMu * link.ErrorCorrectionInefficiency * BinaryEntropy.Of(eMu)) + (q1 * (1 - BinaryEntropy.Of(e1))));
        return double.IsFinite(r) && r > 0 ? r : 0;
    }
}
