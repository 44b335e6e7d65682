using VnQuantum.Qkd.Links;

namespace VnQuantum.Qkd.KeyRates;

/// <summary>The free parameters of the three-intensity, asymmetric-basis decoy BB84 of Lim et al. (2014).</summary>
/// <param name="KeyBasisProbability">q_x: probability that Alice (and Bob) choose the key basis X.</param>
/// <param name="Mu1">Signal intensity μ₁ (mean photons per pulse).</param>
/// <param name="Mu2">Decoy intensity μ₂, with μ₁ &gt; μ₂ + μ₃.</param>
/// <param name="Mu3">Weakest intensity μ₃, with μ₂ &gt; μ₃ ≥ 0 (the paper takes 2×10⁻⁴).</param>
/// <param name="P1">Probability of sending μ₁.</param>
/// <param name="P2">Probability of sending μ₂ (μ₃ takes the rest).</param>
public sealed record DecoySettings(double KeyBasisProbability, double Mu1, double Mu2, double Mu3, double P1, double P2)
{
    public double P3 => 1 - P1 - P2;

    internal bool IsFeasible =>
        KeyBasisProbability is > 0 and < 1 && Mu3 >= 0 && Mu2 > Mu3 && Mu1 > Mu2 + Mu3 && P1 > 0 && P2 > 0 && P3 > 0;
}

/// <summary>The key length of one block and everything that went into it (Lim et al. 2014, Eqs. (1)–(5)).
/// <see cref="UnroundedLengthBits"/> is ℓ before flooring and clamping at 0: how far a block is from giving key.</summary>
public sealed record FiniteKeyResult(
    double KeyLengthBits,
    double PulsesSent,
    double SiftedKeyBits,
    double ObservedErrorRate,
    double VacuumEvents,
    double SinglePhotonEvents,
    double PhaseErrorRate,
    double LeakedBits,
    double EpsilonSecrecy,
    double UnroundedLengthBits)
{
    /// <summary>Secret bits per pulse sent, ℓ/N (0 when no key can be extracted).</summary>
    public double RatePerPulse => KeyLengthBits > 0 ? KeyLengthBits / PulsesSent : 0;
}

/// <summary>
/// Finite-key decoy-state BB84 with three intensities and asymmetric bases, secure against general attacks:
/// Lim, Curty, Walenta, Xu, Zbinden, PRA 89, 022307 (2014). The block is fixed by n_X, the number of sifted bits in the
/// key basis X (not pulses sent); the Z basis serves only to bound the phase errors.
/// </summary>
public static class FiniteKeyDecoyBb84
{
    /// <summary>Lim et al.'s weakest intensity μ₃ = 2×10⁻⁴.</summary>
    public const double PaperMu3 = 2e-4;

    /// <summary>
    /// ℓ = s_X,0 + s_X,1·(1 − h(φ_X)) − λ_EC − 6·log₂(21/ε_sec) − log₂(2/ε_cor), Eq. (1), for the expected statistics of
    /// a block of <paramref name="keyBasisBits"/> X-basis detections on <paramref name="link"/>. The counts come from
    /// the link model (n_X,k = N·q_x²·p_k·R_k, m_X,k = N·q_x²·p_k·e_k) and λ_EC = f·n_X·h(E_X).
    /// </summary>
    public static FiniteKeyResult KeyLength(QkdLink link, DecoySettings s, double keyBasisBits, double epsilonSecrecy, double epsilonCorrectness)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyBasisBits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilonSecrecy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epsilonCorrectness);
        if (!s.IsFeasible)
        {
            throw new ArgumentException("decoy settings need 0 < q_x < 1, μ1 > μ2 + μ3, μ2 > μ3 ≥ 0 and probabilities in (0, 1)", nameof(s));
        }

        var model = new ExpectedDetection(link);
        double[] mu = [s.Mu1, s.Mu2, s.Mu3];
        double[] p = [s.P1, s.P2, s.P3];
        double qx = s.KeyBasisProbability, qz = 1 - qx;
        double detectPerPulseX = 0;
        for (int k = 0; k < 3; k++)
        {
            detectPerPulseX += qx * qx * p[k] * model.Gain(mu[k]);
        }

        double pulses = keyBasisBits / detectPerPulseX;
        var nX = new double[3];
        var nZ = new double[3];
        var mX = new double[3];
        var mZ = new double[3];
        for (int k = 0; k < 3; k++)
        {
            nX[k] = pulses * qx * qx * p[k] * model.Gain(mu[k]);
            mX[k] = pulses * qx * qx * p[k] * model.ErrorGain(mu[k]);
            nZ[k] = pulses * qz * qz * p[k] * model.Gain(mu[k]);
            mZ[k] = pulses * qz * qz * p[k] * model.ErrorGain(mu[k]);
        }

        double errorRateX = (mX[0] + mX[1] + mX[2]) / keyBasisBits;
        return FromCounts(s, nX, nZ, mZ, errorRateX, link.ErrorCorrectionInefficiency * keyBasisBits * BinaryEntropy.Of(errorRateX), epsilonSecrecy, epsilonCorrectness, pulses);
    }

    /// <summary>
    /// The key length from observed counts (the chain's parameter estimation uses this): per intensity k, the X-basis
    /// detections n_X,k, the Z-basis detections n_Z,k and Z-basis errors m_Z,k, plus the bits leaked by error correction.
    /// </summary>
    public static FiniteKeyResult FromCounts(
        DecoySettings s,
        ReadOnlySpan<double> nX,
        ReadOnlySpan<double> nZ,
        ReadOnlySpan<double> mZ,
        double observedErrorRateX,
        double leakedBits,
        double epsilonSecrecy,
        double epsilonCorrectness,
        double pulsesSent)
    {
        double[] mu = [s.Mu1, s.Mu2, s.Mu3];
        double[] p = [s.P1, s.P2, s.P3];
        double lnTerm = Math.Log(21 / epsilonSecrecy);
        double nXTotal = nX[0] + nX[1] + nX[2];
        double nZTotal = nZ[0] + nZ[1] + nZ[2];
        double mZTotal = mZ[0] + mZ[1] + mZ[2];

        var (sX0, sX1) = VacuumAndSinglePhoton(mu, p, nX, nXTotal, lnTerm);
        var (_, sZ1) = VacuumAndSinglePhoton(mu, p, nZ, nZTotal, lnTerm);

        // Eq. (4): upper bound on single-photon errors in Z.
        double tau1 = Tau(1, mu, p);
        double deltaM = Math.Sqrt(mZTotal / 2 * lnTerm);
        double mZPlus2 = Math.Exp(mu[1]) / p[1] * (mZ[1] + deltaM);
        double mZMinus3 = Math.Exp(mu[2]) / p[2] * (mZ[2] - deltaM);
        double vZ1 = tau1 * (mZPlus2 - mZMinus3) / (mu[1] - mu[2]);

        double phase = 0.5;
        if (sZ1 > 0 && sX1 > 0)
        {
            double b = Math.Clamp(vZ1 / sZ1, 0, 0.5);
            phase = Math.Min(0.5, b + Gamma(epsilonSecrecy, b, sZ1, sX1));
        }

        double ell = sX0 + (sX1 * (1 - BinaryEntropy.Of(phase))) - leakedBits
            - (6 * Math.Log2(21 / epsilonSecrecy)) - Math.Log2(2 / epsilonCorrectness);
        double raw = double.IsNaN(ell) ? double.NegativeInfinity : ell;
        if (sX1 <= 0 || double.IsNaN(ell))
        {
            ell = 0;
        }

        return new FiniteKeyResult(Math.Max(0, Math.Floor(ell)), pulsesSent, nXTotal, observedErrorRateX, sX0, sX1, phase, leakedBits, epsilonSecrecy, raw);
    }

    /// <summary>
    /// Maximises the rate per pulse ℓ/N over (q_x, μ₁, μ₂, p₁, p₂) with μ₃ fixed, as Lim et al. do for their Fig. 1.
    /// With <paramref name="secrecyPerKeyBit"/> set, ε_sec = κ·ℓ (the paper's κ = 10⁻¹⁵), found by fixed point.
    /// </summary>
    public static (DecoySettings Settings, FiniteKeyResult Result) Optimize(
        QkdLink link,
        double keyBasisBits,
        double epsilonSecrecy,
        double epsilonCorrectness,
        double mu3 = PaperMu3,
        DecoySettings? start = null,
        double? secrecyPerKeyBit = null)
    {
        if (secrecyPerKeyBit is double k && start is null)
        {
            // ε_sec = κ·ℓ makes the landscape ragged where ℓ is small; a fixed ε of the right size finds the hump first.
            start = Optimize(link, keyBasisBits, k * keyBasisBits / 10, epsilonCorrectness, mu3).Settings;
        }

        start ??= new DecoySettings(0.9, 0.5, 0.1, mu3, 0.6, 0.3);
        double[] x0 = ToCoordinates(start);
        FiniteKeyResult Evaluate(DecoySettings s)
        {
            if (secrecyPerKeyBit is not double kappa)
            {
                return KeyLength(link, s, keyBasisBits, epsilonSecrecy, epsilonCorrectness);
            }

            // ε_sec = κ·ℓ: iterate; ℓ moves by O(log ℓ) per step, so a few rounds settle it.
            double eps = kappa * keyBasisBits;
            FiniteKeyResult r = KeyLength(link, s, keyBasisBits, eps, epsilonCorrectness);
            for (int i = 0; i < 6 && r.KeyLengthBits > 0; i++)
            {
                eps = kappa * r.KeyLengthBits;
                r = KeyLength(link, s, keyBasisBits, eps, epsilonCorrectness);
            }

            return r;
        }

        double Objective(double[] x)
        {
            var s = FromCoordinates(x, mu3);
            if (!s.IsFeasible)
            {
                return double.NegativeInfinity;
            }

            var r = Evaluate(s);
            // Below zero the rate is flat; the unrounded length per sifted bit (shifted below every positive rate)
            // still points the simplex uphill. Dividing by N instead would reward sending more pulses.
            return r.KeyLengthBits > 0 ? r.RatePerPulse : (r.UnroundedLengthBits / keyBasisBits) - 1;
        }

        // The landscape has flat regions and ridges at small blocks; a few starts spread over the box find the hump.
        DecoySettings[] starts =
        [
            start,
            new(0.7, 0.4, 0.2, mu3, 0.4, 0.4),
            new(0.95, 0.6, 0.15, mu3, 0.8, 0.15),
            new(0.5, 0.3, 0.1, mu3, 0.3, 0.5),
        ];
        double[] best = x0;
        double bestValue = double.NegativeInfinity;
        foreach (var candidate in starts)
        {
            var (x, value) = RateOptimizer.MaximizeNd(Objective, ToCoordinates(candidate));
            if (value > bestValue)
            {
                (best, bestValue) = (x, value);
            }
        }

        var settings = FromCoordinates(best, mu3);
        return (settings, Evaluate(settings));
    }

    /// <summary>
    /// Settings for a run of <paramref name="pulses"/> pulses: optimised for a 10⁶-bit block, the block this pulse
    /// budget gives is estimated from them, then the settings are optimised again for that block. Also returns the
    /// estimated n_X (sifted key-basis bits); below 10³ no finite-key block is meaningful and the first settings stand.
    /// </summary>
    public static (DecoySettings Settings, double KeyBasisBits) OptimizeForPulses(QkdLink link, double pulses, double epsilonSecrecy = 1e-10, double epsilonCorrectness = 1e-15)
    {
        var (settings, expected) = Optimize(link, 1e6, epsilonSecrecy, epsilonCorrectness);
        double keyBasisBits = pulses / expected.PulsesSent * 1e6;
        if (keyBasisBits >= 1e3)
        {
            (settings, _) = Optimize(link, keyBasisBits, epsilonSecrecy, epsilonCorrectness, start: settings);
        }

        return (settings, keyBasisBits);
    }

    /// <summary>τ_n = Σ_k e^(−μ_k)·μ_kⁿ·p_k/n!: the probability that Alice sends n photons.</summary>
    internal static double Tau(int n, ReadOnlySpan<double> mu, ReadOnlySpan<double> p)
    {
        double sum = 0, factorial = 1;
        for (int i = 2; i <= n; i++)
        {
            factorial *= i;
        }

        for (int k = 0; k < mu.Length; k++)
        {
            sum += Math.Exp(-mu[k]) * Math.Pow(mu[k], n) * p[k] / factorial;
        }

        return sum;
    }

    /// <summary>γ(a, b, c, d) of Eq. (5), the random-sampling correction of the phase-error rate.</summary>
    internal static double Gamma(double a, double b, double c, double d)
    {
        if (b <= 0 || b >= 1)
        {
            return 0;
        }

        double inner = (c + d) / (c * d * (1 - b) * b) * (21.0 * 21.0 / (a * a));
        return Math.Sqrt((c + d) * (1 - b) * b / (c * d * Math.Log(2)) * Math.Log2(inner));
    }

    /// <summary>Eqs. (2) and (3): lower bounds on the vacuum and single-photon events in one basis.</summary>
    private static (double Vacuum, double SinglePhoton) VacuumAndSinglePhoton(double[] mu, double[] p, ReadOnlySpan<double> n, double total, double lnTerm)
    {
        double delta = Math.Sqrt(total / 2 * lnTerm);
        var minus = new double[3];
        var plus = new double[3];
        for (int k = 0; k < 3; k++)
        {
            minus[k] = Math.Exp(mu[k]) / p[k] * (n[k] - delta);
            plus[k] = Math.Exp(mu[k]) / p[k] * (n[k] + delta);
        }

        double Minus(int k) => minus[k];
        double Plus(int k) => plus[k];
        double tau0 = Tau(0, mu, p), tau1 = Tau(1, mu, p);
        double s0 = Math.Max(0, tau0 * ((mu[1] * Minus(2)) - (mu[2] * Plus(1))) / (mu[1] - mu[2]));
        double s1 = tau1 * mu[0] * (Minus(1) - Plus(2) - (((mu[1] * mu[1]) - (mu[2] * mu[2])) / (mu[0] * mu[0]) * (Plus(0) - (s0 / tau0))))
            / ((mu[0] * (mu[1] - mu[2])) - (mu[1] * mu[1]) + (mu[2] * mu[2]));
        return (s0, s1);
    }

    // Unconstrained coordinates: q_x and the probabilities through logistic maps, μ₁ ∈ (0, 1.5), μ₂ ∈ (μ₃, μ₁ − μ₃).
    private static double[] ToCoordinates(DecoySettings s) =>
    [
        RateOptimizer.Logit(s.KeyBasisProbability),
        RateOptimizer.Logit(s.Mu1 / 1.5),
        RateOptimizer.Logit((s.Mu2 - s.Mu3) / (s.Mu1 - (2 * s.Mu3))),
        RateOptimizer.Logit(s.P1),
        RateOptimizer.Logit(s.P2 / (1 - s.P1)),
    ];

    private static DecoySettings FromCoordinates(double[] x, double mu3)
    {
        double mu1 = 1.5 * RateOptimizer.Logistic(x[1]);
        double mu2 = mu3 + ((mu1 - (2 * mu3)) * RateOptimizer.Logistic(x[2]));
        double p1 = RateOptimizer.Logistic(x[3]);
        double p2 = (1 - p1) * RateOptimizer.Logistic(x[4]);
        return new DecoySettings(RateOptimizer.Logistic(x[0]), mu1, mu2, mu3, p1, p2);
    }
}
