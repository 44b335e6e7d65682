namespace VnQuantum.Qkd.Links;

/// <summary>
/// A point-to-point QKD link: fibre, Bob's detectors and the imperfections that set the error rate. Intensities are
/// not part of the link; each protocol chooses (or optimises) its own.
/// </summary>
/// <param name="Fiber">The fibre between Alice and Bob.</param>
/// <param name="Detector">Bob's detection system.</param>
/// <param name="MisalignmentError">Probability e_d that a photon reaches the wrong detector (optical misalignment,
/// polarisation drift, interferometer visibility), in [0, 0.5].</param>
/// <param name="ErrorCorrectionInefficiency">f ≥ 1: bits leaked by error correction per Shannon limit n·h(E).</param>
/// <param name="RepetitionRateHz">Source pulse rate in Hz, &gt; 0; turns rates per pulse into bits per second.</param>
public sealed record QkdLink(
    FiberChannel Fiber,
    ThresholdDetector Detector,
    double MisalignmentError,
    double ErrorCorrectionInefficiency,
    double RepetitionRateHz)
{
    /// <summary>
    /// The parameters of the GYS experiment (Gobby, Yuan, Shields, APL 84, 3762 (2004)) as used by Ma, Qi, Zhao and Lo,
    /// PRA 72, 012326 (2005), Table I: 0.21 dB/km, η_Bob = 4.5 %, Y0 = 1.7×10⁻⁶, e_detector = 3.3 %, f = 1.22,
    /// 2 MHz pulses.
    /// </summary>
    public static QkdLink Gys(double lengthKm) => new(
        new FiberChannel(lengthKm, 0.21),
        new ThresholdDetector(0.045, ThresholdDetector.DarkCountForBackgroundYield(1.7e-6)),
        MisalignmentError: 0.033,
        ErrorCorrectionInefficiency: 1.22,
        RepetitionRateHz: 2e6);

    /// <summary>
    /// The simulation parameters of Lim, Curty, Walenta, Xu and Zbinden, PRA 89, 022307 (2014), Sec. IV: 0.2 dB/km,
    /// η_Bob = 10 %, p_dc = 6×10⁻⁷, p_ap = 4×10⁻², e_mis = 5×10⁻³, f_EC = 1.16. The paper gives no pulse rate; 1 GHz here.
    /// </summary>
    public static QkdLink Lim2014(double lengthKm) => new(
        new FiberChannel(lengthKm, 0.2),
        new ThresholdDetector(0.10, 6e-7, AfterpulseProbability: 0.04),
        MisalignmentError: 5e-3,
        ErrorCorrectionInefficiency: 1.16,
        RepetitionRateHz: 1e9);

    /// <summary>
    /// A link with superconducting nanowire detectors (SNSPD class): 80 % efficiency, 10⁻⁸ dark counts per gate,
    /// 20 ns dead time, no afterpulsing, 1 % misalignment, f = 1.1, 1 GHz, 0.2 dB/km.
    /// </summary>
    public static QkdLink Snspd(double lengthKm) => new(
        new FiberChannel(lengthKm, 0.2),
        new ThresholdDetector(0.80, 1e-8, DeadTimeSeconds: 20e-9),
        MisalignmentError: 0.01,
        ErrorCorrectionInefficiency: 1.1,
        RepetitionRateHz: 1e9);

    /// <summary>Total transmittance η_sys = η_fibre · η_Bob from Alice's output to a click.</summary>
    public double SystemTransmittance => Fiber.Transmittance * Detector.Efficiency;

    /// <summary>The same link with another fibre length.</summary>
    public QkdLink WithLength(double lengthKm) => this with { Fiber = Fiber.WithLength(lengthKm) };

    /// <summary>Every problem with the parameters, each naming its field and unit; empty when the link is valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        Check(problems, Fiber.LengthKm >= 0 && double.IsFinite(Fiber.LengthKm), "fiber.lengthKm", "must be a finite length ≥ 0 km", Fiber.LengthKm);
        Check(problems, Fiber.LossDbPerKm >= 0 && double.IsFinite(Fiber.LossDbPerKm), "fiber.lossDbPerKm", "must be ≥ 0 dB/km", Fiber.LossDbPerKm);
        Check(problems, Detector.Efficiency > 0 && Detector.Efficiency <= 1, "detector.efficiency", "must be in (0, 1]", Detector.Efficiency);
        Check(problems, Detector.DarkCountProbability >= 0 && Detector.DarkCountProbability < 1, "detector.darkCountProbability", "must be a probability in [0, 1)", Detector.DarkCountProbability);
        Check(problems, Detector.DeadTimeSeconds >= 0 && double.IsFinite(Detector.DeadTimeSeconds), "detector.deadTimeSeconds", "must be ≥ 0 s", Detector.DeadTimeSeconds);
        Check(problems, Detector.AfterpulseProbability >= 0 && Detector.AfterpulseProbability < 1, "detector.afterpulseProbability", "must be a probability in [0, 1)", Detector.AfterpulseProbability);
        Check(problems, MisalignmentError >= 0 && MisalignmentError <= 0.5, "misalignmentError", "must be in [0, 0.5]", MisalignmentError);
        Check(problems, ErrorCorrectionInefficiency >= 1 && double.IsFinite(ErrorCorrectionInefficiency), "errorCorrectionInefficiency", "must be ≥ 1 (1 is the Shannon limit)", ErrorCorrectionInefficiency);
        Check(problems, RepetitionRateHz > 0 && double.IsFinite(RepetitionRateHz), "repetitionRateHz", "must be > 0 Hz", RepetitionRateHz);
        return problems;
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem when the link is invalid.</summary>
    public QkdLink EnsureValid()
    {
        var problems = Validate();
        return problems.Count == 0 ? this : throw new ArgumentException("invalid link: " + string.Join("; ", problems));
    }

    private static void Check(List<string> problems, bool ok, string field, string rule, double value)
    {
        if (!ok)
        {
            problems.Add($"{field} {rule} (got {value.ToString("G", System.Globalization.CultureInfo.InvariantCulture)})");
        }
    }
}
