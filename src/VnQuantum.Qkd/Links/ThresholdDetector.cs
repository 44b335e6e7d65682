namespace VnQuantum.Qkd.Links;

/// <summary>
/// Bob's detection system: two threshold (click / no-click) detectors behind a passive or active basis choice.
/// </summary>
/// <param name="Efficiency">Bob's total efficiency η_Bob in (0, 1]: internal optical transmittance times the quantum
/// efficiency of a detector.</param>
/// <param name="DarkCountProbability">Probability p_dc that one detector clicks in a gate with no photon, in [0, 1).</param>
/// <param name="DeadTimeSeconds">Time a detector stays blind after a click, ≥ 0 (0: none).</param>
/// <param name="AfterpulseProbability">Probability p_ap that a click is followed by a spurious click in a later
/// gate, in [0, 1). Modelled as in Lim et al., PRA 89, 022307 (2014), Sec. IV: detection D(1+p_ap), errors +p_ap·D/2.</param>
public sealed record ThresholdDetector(
    double Efficiency,
    double DarkCountProbability,
    double DeadTimeSeconds = 0,
    double AfterpulseProbability = 0)
{
    /// <summary>
    /// The background yield Y0: the probability that at least one of the two detectors clicks on a vacuum pulse,
    /// 1 − (1 − p_dc)².
    /// </summary>
    public double BackgroundYield => 1.0 - ((1.0 - DarkCountProbability) * (1.0 - DarkCountProbability));

    /// <summary>The dark-count probability per detector that gives a background yield <paramref name="y0"/>.</summary>
    public static double DarkCountForBackgroundYield(double y0) => 1.0 - Math.Sqrt(1.0 - y0);
}
