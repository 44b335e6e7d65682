using VnQuantum.Sensing.Dynamics;
using VnQuantum.Sensing.Sensors;

namespace VnQuantum.Sensing.Design;

/// <summary>One number of a sensor's report, with its unit.</summary>
public sealed record SensorQuantity(string Name, double Value, string Unit);

/// <summary>A line of a plot: x and y values (both drawn on log axes).</summary>
public sealed record SensorSeries(string Label, double[] X, double[] Y, bool Dashed = false);

/// <summary>What a sensor report draws.</summary>
public sealed record SensorPlot(string Title, string XLabel, string YLabel, IReadOnlyList<SensorSeries> Series);

/// <summary>A sensor's report: its numbers, notes on what they assume, and a plot.</summary>
public sealed record SensorResult(string Sensor, IReadOnlyList<SensorQuantity> Quantities, IReadOnlyList<string> Notes, SensorPlot? Plot);

/// <summary>The NV magnetometer a report is asked for.</summary>
/// <param name="Mode">ramsey, echo, cw, vector or ac.</param>
/// <param name="Field">Lab-frame bias field (T) for the vector mode.</param>
/// <param name="InterrogationSeconds">Fixed τ for the vector mode (default T2*/2).</param>
public sealed record NvRequest(
    string Mode,
    double Spins = 1,
    double? T2StarSeconds = null,
    double? T2Seconds = null,
    double Contrast = 0.3,
    double PhotonsPerReadout = 0.1,
    double Stretch = 1,
    double InitialisationSeconds = 0,
    double ReadoutSeconds = 0,
    double? LinewidthHz = null,
    double? PhotonRate = null,
    NitrogenIsotope Isotope = NitrogenIsotope.N14,
    double[]? Field = null,
    double? InterrogationSeconds = null,
    double? AcFrequencyHz = null,
    double? BathCorrelationSeconds = null,
    int MaxPulses = 256);

/// <summary>
/// The sensors' reports, shared by <c>vnq sense …</c>, <c>vnq sense run sensor.json</c> and the hub: each takes a
/// validated request and returns numbers with units, notes and a plot. No physics lives here, only the choice of what
/// to compute and report.
/// </summary>
public static class SensorEvaluation
{
    /// <param name="cancel">Stops the optimisation (a web request's deadline); throws <see cref="OperationCanceledException"/>.</param>
    public static SensorResult Nv(NvRequest request, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        switch (request.Mode)
        {
            case "ramsey":
            case "echo":
                {
                    bool echo = request.Mode == "echo";
                    double coherence = (echo ? request.T2Seconds : request.T2StarSeconds)
                        ?? throw new ArgumentException(echo ? "echo needs t2 (the echo coherence time)" : "ramsey needs t2star");
                    var settings = new NvPulsedSettings(request.Spins, coherence, request.Contrast, request.PhotonsPerReadout, request.Stretch, request.InitialisationSeconds, request.ReadoutSeconds);
                    var (tau, eta) = NvMagnetometry.Optimum(settings, echo, cancel);
                    double projection = (echo ? Math.PI / 2 : 1) * NvMagnetometry.SpinProjectionLimit(request.Spins, tau);
                    var taus = Enumerable.Range(0, 160).Select(i => coherence * Math.Pow(10, -3 + (i * 3.6 / 159))).ToArray();
                    var plot = new SensorPlot(
                        echo ? "NV Hahn-echo (AC) sensitivity against interrogation time" : "NV Ramsey (DC) sensitivity against interrogation time",
                        "interrogation time τ (s)",
                        "η (T/√Hz)",
                        [
                            new SensorSeries("this magnetometer", taus, [.. taus.Select(t => echo ? NvMagnetometry.Echo(settings, t) : NvMagnetometry.Ramsey(settings, t))]),
                            new SensorSeries("spin-projection limit (same N, no readout noise or overhead)", taus, [.. taus.Select(t => (echo ? Math.PI / 2 : 1) * NvMagnetometry.SpinProjectionLimit(request.Spins, t))], Dashed: true),
                        ]);
                    return new SensorResult(
                        "nv " + request.Mode,
                        [
                            new("best interrogation time τ", tau, "s"),
                            new("sensitivity η", eta, "T/√Hz"),
                            new("spin-projection limit at τ", projection, "T/√Hz"),
                            new("readout noise σ_R", NvMagnetometry.ReadoutNoise(request.Contrast, request.PhotonsPerReadout), ""),
                            new("× spin-projection limit", eta / projection, ""),
                        ],
                        [
                            echo ? "Barry et al., RMP 92, 015004 (2020), eq. (28): AC amplitude at SNR 1, field phase-locked to the echo." : "Barry et al., RMP 92, 015004 (2020), eq. (15): spin projection × dephasing × readout × overhead.",
                            $"γ_e/2π = {NvConstants.ElectronHzPerTesla / 1e9:0.0000} GHz/T (g = {NvConstants.GFactor}).",
                        ],
                        plot);
                }

            case "cw":
                {
                    double linewidth = request.LinewidthHz ?? throw new ArgumentException("cw needs linewidth");
                    double rate = request.PhotonRate ?? throw new ArgumentException("cw needs photonRate");
                    return new SensorResult(
                        "nv cw",
                        [new("sensitivity η", NvMagnetometry.ContinuousWave(linewidth, request.Contrast, rate), "T/√Hz")],
                        ["Barry et al. (2020) eq. (17): shot-noise-limited CW-ODMR on the steepest slope of a Lorentzian line."],
                        null);
                }

            case "vector":
                {
                    double t2 = request.T2StarSeconds ?? throw new ArgumentException("vector needs t2star");
                    double tau = request.InterrogationSeconds ?? (t2 / 2);
                    var field = request.Field ?? [0, 0, 0];
                    var spin = new NvSpin(request.Isotope);
                    var fisher = spin.EnsembleFieldFisherMatrix(field, tau, t2, request.Spins);

                    // Per second of sensing, with the readout's noise σ_R² dividing the information (as in eq. 15).
                    double sigma = NvMagnetometry.ReadoutNoise(request.Contrast, request.PhotonsPerReadout);
                    double perSecond = 1 / (tau + request.InitialisationSeconds + request.ReadoutSeconds) / (sigma * sigma);
                    var information = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(3, 3, (a, b) => fisher[a, b] * perSecond);
                    var covariance = information.Inverse();
                    return new SensorResult(
                        "nv vector",
                        [
                            new("interrogation time τ", tau, "s"),
                            new("δB_x√T", Math.Sqrt(covariance[0, 0]), "T/√Hz"),
                            new("δB_y√T", Math.Sqrt(covariance[1, 1]), "T/√Hz"),
                            new("δB_z√T", Math.Sqrt(covariance[2, 2]), "T/√Hz"),
                            new("readout noise σ_R", sigma, ""),
                        ],
                        [
                            "Quantum Cramér–Rao bound from the 3×3 QFI matrix of the full spin Hamiltonian (D, Zeeman, hyperfine), centres equally on the four ⟨111⟩ axes.",
                            "Ramsey probe (|0⟩ + |+1⟩)/√2 with the nucleus unpolarised; readout noise divides the information by σ_R².",
                        ],
                        null);
                }

            case "ac":
                {
                    double t2 = request.T2StarSeconds ?? throw new ArgumentException("ac needs t2star (it sets the bath's strength, b = √2/T2*)");
                    double f = request.AcFrequencyHz ?? throw new ArgumentException("ac needs acFrequency");
                    double correlation = request.BathCorrelationSeconds ?? throw new ArgumentException("ac needs bathCorrelation (the bath's correlation time)");
                    var bath = new OrnsteinUhlenbeckNoise(Math.Sqrt(2) / t2, correlation);
                    double sigma = NvMagnetometry.ReadoutNoise(request.Contrast, request.PhotonsPerReadout);
                    double overhead = request.InitialisationSeconds + request.ReadoutSeconds;
                    var best = AcMagnetometry.BestCpmg(bath, f, NvConstants.ElectronRadPerSecondPerTesla, request.MaxPulses, 1 / sigma, overhead, request.Spins);
                    double echo = AcMagnetometry.Sensitivity(PulseSequence.HahnEcho, bath, f, 1 / f, NvConstants.ElectronRadPerSecondPerTesla, 1 / sigma, overhead, request.Spins);
                    return new SensorResult(
                        "nv ac",
                        [
                            new("best CPMG pulses n", best.Pulses, ""),
                            new("interrogation time t = n/(2f)", best.InterrogationSeconds, "s"),
                            new("coherence left e^(−χ)", best.Decay, ""),
                            new("sensitivity η", best.Sensitivity, "T/√Hz"),
                            new("Hahn echo matched to f (for comparison)", echo, "T/√Hz"),
                            new("readout noise σ_R", sigma, ""),
                        ],
                        [
                            "Filter functions (Cywiński et al., PRB 77, 174509 (2008)) for an Ornstein–Uhlenbeck bath with b = √2/T2* and the given correlation time; field phase-locked to CPMG-n matched to f.",
                            .. (best.AtPulseLimit ? new[] { $"The most pulses tried ({best.Pulses}) won: raise maxPulses (--max-pulses) to look further." } : []),
                        ],
                        null);
                }

            default:
                throw new ArgumentException($"mode '{request.Mode}' is not one of ramsey, echo, cw, vector, ac");
        }
    }

    /// <summary>The clock's projection-noise Allan deviation, with an optional seeded simulated record to compare.</summary>
    public static SensorResult Clock(AtomicClockSettings settings, int simulatedCycles = 0, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(settings);
        double perCycle = AtomicClock.PerCycle(settings);
        var taus = Enumerable.Range(0, 60).Select(i => settings.CycleSeconds * Math.Pow(10, i * 5.0 / 59)).ToArray();
        var series = new List<SensorSeries> { new("projection-noise limit K/(ν₀T√N)·√(T_c/τ)", taus, [.. taus.Select(t => AtomicClock.AllanDeviation(settings, t))]) };
        if (simulatedCycles > 0)
        {
            var readings = AtomicClock.SimulateReadings(settings, simulatedCycles, seed);
            var ms = Enumerable.Range(0, 40).Select(i => (int)Math.Round(Math.Pow(10, i * 0.1))).Distinct().Where(m => 2 * m < simulatedCycles / 4).ToArray();
            series.Add(new SensorSeries($"simulated clock ({simulatedCycles} cycles, seed {seed})", [.. ms.Select(m => m * settings.CycleSeconds)], [.. ms.Select(m => Allan.Overlapping(readings, settings.CycleSeconds, m))], Dashed: true));
        }

        return new SensorResult(
            "clock",
            [
                new("line-shape constant K", AtomicClock.LineshapeConstant(settings.Interrogation), ""),
                new("per cycle δν/ν₀", perCycle, ""),
                new("σ_y at τ = 1 s (the coefficient of τ^(−1/2))", AtomicClock.AllanDeviation(settings, Math.Max(1, settings.CycleSeconds)) * Math.Sqrt(Math.Max(1, settings.CycleSeconds)), ""),
                new("σ_y(1 day)", AtomicClock.AllanDeviation(settings, 86400), ""),
            ],
            ["Itano et al., PRA 47, 3554 (1993): white frequency noise from projection noise; no Dick effect or local-oscillator noise."],
            new SensorPlot("Allan deviation at the quantum projection noise limit", "averaging time τ (s)", "σ_y(τ)", series));
    }

    /// <summary>Ramsey frequency sensitivity (see <see cref="Sensors.Ramsey"/>).</summary>
    public static SensorResult Ramsey(RamseySensor sensor, double? gyromagnetic = null)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var problems = sensor.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", problems));
        }

        var best = Sensors.Ramsey.Optimum(sensor);
        var quantities = new List<SensorQuantity>
        {
            new("best interrogation time t*", best.InterrogationSeconds, "s"),
            new("frequency sensitivity δω√T", best.Sensitivity, "rad/s/√Hz"),
            new("standard quantum limit (same t, N)", best.StandardQuantumLimit, "rad/s/√Hz"),
            new("Heisenberg limit (same t, N)", best.HeisenbergLimit, "rad/s/√Hz"),
            new("× SQL", best.OverSql, ""),
        };
        if (gyromagnetic is double g)
        {
            quantities.Insert(2, new("field sensitivity δB√T", best.Sensitivity / g, "T/√Hz"));
        }

        return new SensorResult("ramsey", quantities, ["Dephasing e^(−(t/T2*)^p), contrast and dead time per shot (docs/sensing.md)."], null);
    }

    /// <summary>A probe state of N spins under independent dephasing γ: product, ghz (closed forms), squeezed or optimal (Dicke-block optimisations).</summary>
    public static SensorResult Probe(string state, int spins, double dephasingRate, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(state);
        var product = EntangledProbes.Optimum(ProbeState.Product, spins, dephasingRate);
        switch (state)
        {
            case "product":
            case "ghz":
                {
                    var r = EntangledProbes.Optimum(state == "ghz" ? ProbeState.Ghz : ProbeState.Product, spins, dephasingRate);
                    return new SensorResult(
                        "probe " + state,
                        [
                            new("best interrogation time t", r.OptimalSeconds, "s"),
                            new("δω√T", r.Sensitivity, "rad/s/√Hz"),
                            new("unentangled (SQL under this noise)", product.Sensitivity, "rad/s/√Hz"),
                            new("bound √(2γ/N)", r.AsymptoticBound, "rad/s/√Hz"),
                            new("noiseless Heisenberg √(2γ)/N", r.NoiselessHeisenberg, "rad/s/√Hz"),
                        ],
                        ["Huelga et al., PRL 79, 3865 (1997); Escher et al., Nat. Phys. 7, 406 (2011)."],
                        null);
                }

            case "squeezed":
                {
                    var r = SqueezedProbe.Optimise(spins, new SpinEnsembleNoise(Dephasing: dephasingRate), progress: progress);
                    return new SensorResult(
                        "probe squeezed",
                        [
                            new("one-axis twisting μ", r.Twisting, "rad"),
                            new("best interrogation time t", r.OptimalSeconds, "s"),
                            new("Wineland ξ² at the readout", r.WinelandParameter, ""),
                            new("δω√T", r.Sensitivity, "rad/s/√Hz"),
                            new("unentangled (SQL under this noise)", r.CoherentSensitivity, "rad/s/√Hz"),
                            new("bound √(2γ/N)", r.AsymptoticBound, "rad/s/√Hz"),
                            new("gain over unentangled (≤ √e)", r.GainOverCoherent, ""),
                        ],
                        ["Kitagawa–Ueda one-axis twisting, evolved with the Dicke-block master equation under local dephasing (Shammah et al. 2018)."],
                        null);
                }

            case "optimal":
                {
                    var r = SymmetricProbe.Optimise(spins, dephasingRate);
                    return new SensorResult(
                        "probe optimal",
                        [
                            new("best interrogation time t", r.OptimalSeconds, "s"),
                            new("δω√T", r.Sensitivity, "rad/s/√Hz"),
                            new("unentangled (SQL under this noise)", r.ProductSensitivity, "rad/s/√Hz"),
                            new("GHZ", r.GhzSensitivity, "rad/s/√Hz"),
                            new("bound √(2γ/N)", r.Bound, "rad/s/√Hz"),
                            new("gain over unentangled (≤ √e)", r.GainOverProduct, ""),
                        ],
                        ["Direct optimisation over real symmetric states (Nelder–Mead from the coherent state and GHZ), QFI from the Dicke-block master equation; Demkowicz-Dobrzański et al., Nat. Commun. 3, 1063 (2012)."],
                        null);
                }

            default:
                throw new ArgumentException($"state '{state}' is not one of product, ghz, squeezed, optimal");
        }
    }
}
