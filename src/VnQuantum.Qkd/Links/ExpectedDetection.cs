namespace VnQuantum.Qkd.Links;

/// <summary>
/// What Bob expects to see when Alice sends weak coherent pulses through a <see cref="QkdLink"/>: the gain (probability
/// of a click per pulse) and the error probability per pulse, the inputs of every prepare-and-measure key-rate formula.
/// </summary>
/// <remarks>
/// Without afterpulses and dead time this is the model of Ma, Qi, Zhao and Lo, PRA 72, 012326 (2005), Eqs. (9)–(12),
/// written exactly for threshold detectors: Q_μ = 1 − (1 − Y0)·e^(−ημ), E_μ·Q_μ = Y0/2 + e_d·(1 − e^(−ημ)), and for an
/// n-photon state Y_n = 1 − (1 − Y0)(1 − η)ⁿ (the papers drop the O(Y0·η) cross term). Afterpulses follow Lim et al.
/// (2014): the click probability becomes Q(1 + p_ap) and each afterpulse is a random bit, adding p_ap·Q/2 errors. A
/// non-zero dead time τ multiplies both by the non-paralysable live fraction 1/(1 + rate·Q·τ).
/// </remarks>
public readonly struct ExpectedDetection
{
    private readonly double _eta;
    private readonly double _y0;
    private readonly double _misalignment;
    private readonly double _afterpulse;
    private readonly double _deadTimePulses;

    public ExpectedDetection(QkdLink link)
    {
        _eta = link.SystemTransmittance;
        _y0 = link.Detector.BackgroundYield;
        _misalignment = link.MisalignmentError;
        _afterpulse = link.Detector.AfterpulseProbability;
        _deadTimePulses = link.Detector.DeadTimeSeconds * link.RepetitionRateHz;
    }

    /// <summary>η_sys: fibre transmittance times Bob's efficiency.</summary>
    public double Transmittance => _eta;

    /// <summary>Y0: background yield of a vacuum pulse.</summary>
    public double BackgroundYield => _y0;

    /// <summary>Q_μ: probability of a click for a pulse of mean photon number <paramref name="mu"/>.</summary>
    public double Gain(double mu)
    {
        double raw = RawGain(mu) * (1 + _afterpulse);
        return raw * LiveFraction(raw);
    }

    /// <summary>E_μ·Q_μ: probability of a click with a wrong bit, for mean photon number <paramref name="mu"/>.</summary>
    public double ErrorGain(double mu)
    {
        double q = RawGain(mu);
        double raw = q * (1 + _afterpulse);
        double errors = (_y0 / 2) + (_misalignment * (1.0 - Math.Exp(-_eta * mu))) + (_afterpulse * q / 2);
        return errors * LiveFraction(raw);
    }

    /// <summary>E_μ: quantum bit error rate of the clicks for mean photon number <paramref name="mu"/>.</summary>
    public double ErrorRate(double mu) => ErrorGain(mu) / Gain(mu);

    /// <summary>Y_n: the yield of an n-photon state (probability of a click given n photons left Alice), afterpulses
    /// included as in <see cref="Gain"/>, so that Q_μ = Σ P_μ(n)·Y_n. Dead time is left out: it makes the yield
    /// depend on the intensity, which no decoy bound allows (see docs/qkd.md).</summary>
    public double Yield(int photons) => RawYield(photons) * (1 + _afterpulse);

    /// <summary>e_n: the bit error rate of n-photon states (an afterpulse is a random bit).</summary>
    public double PhotonErrorRate(int photons) =>
        ((_y0 / 2) + (_misalignment * (1.0 - Math.Pow(1.0 - _eta, photons))) + (_afterpulse * RawYield(photons) / 2)) / Yield(photons);

    private double RawYield(int photons) => 1.0 - ((1.0 - _y0) * Math.Pow(1.0 - _eta, photons));

    private double RawGain(double mu) => 1.0 - ((1.0 - _y0) * Math.Exp(-_eta * mu));

    private double LiveFraction(double clickProbability) => 1.0 / (1.0 + (_deadTimePulses * clickProbability));
}
