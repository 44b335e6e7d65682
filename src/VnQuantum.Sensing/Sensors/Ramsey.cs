namespace VnQuantum.Sensing.Sensors;

/// <summary>A Ramsey frequency sensor: its decoherence, readout and duty cycle.</summary>
/// <param name="T2StarSeconds">Coherence time T2*.</param>
/// <param name="Stretch">Exponent p of the decay e^(−(t/T2*)^p): 1 exponential (Markovian dephasing), 2 Gaussian (quasi-static noise).</param>
/// <param name="Contrast">Readout contrast C in (0, 1]: the fraction of the ideal signal the measurement keeps (1 = projective, photon-shot-noise-free).</param>
/// <param name="DeadTimeSeconds">Time per shot spent outside the interrogation (initialisation, readout).</param>
/// <param name="Spins">Independent spins measured in parallel (an ensemble), N ≥ 1.</param>
public sealed record RamseySensor(double T2StarSeconds, double Stretch = 1, double Contrast = 1, double DeadTimeSeconds = 0, double Spins = 1)
{
    /// <summary>Every problem with the parameters, naming the field.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!(T2StarSeconds > 0))
        {
            problems.Add("t2star must be > 0");
        }

        if (!(Stretch is >= 0.5 and <= 3))
        {
            problems.Add("stretch must be within 0.5…3");
        }

        if (!(Contrast is > 0 and <= 1))
        {
            problems.Add("contrast must be in (0, 1]");
        }

        if (!(DeadTimeSeconds >= 0))
        {
            problems.Add("deadTime must be ≥ 0");
        }

        if (!(Spins >= 1))
        {
            problems.Add("spins must be ≥ 1");
        }

        return problems;
    }
}

/// <summary>A sensitivity at one interrogation time, with the limits it is measured against.</summary>
/// <param name="Sensitivity">δω·√T in rad/s/√Hz: the smallest angular-frequency shift resolved in one second of averaging.</param>
/// <param name="StandardQuantumLimit">The same for N independent, noiseless, perfectly read spins at this t and duty cycle: 1/(t√N)·√((t+t_d)/1 s).</param>
/// <param name="HeisenbergLimit">The same with N-fold entanglement and no noise: 1/(tN)·√(t+t_d).</param>
public sealed record RamseyPoint(double InterrogationSeconds, double Sensitivity, double StandardQuantumLimit, double HeisenbergLimit)
{
    public double OverSql => Sensitivity / StandardQuantumLimit;
}

/// <summary>
/// Ramsey sensitivity (Degen, Reinhard and Cappellaro, Rev. Mod. Phys. 89, 035002 (2017), Eqs. (46)–(49); Barry et
/// al., Rev. Mod. Phys. 92, 015004 (2020), Eq. (18)): one shot of interrogation t gives phase ωt with visibility
/// C·e^(−(t/T2*)^p), so δω per shot is 1/(C e^(−(t/T2*)^p) t √N), and over one second with shots of t + t_d,
/// δω√T = √(t + t_d) / (C e^(−(t/T2*)^p) t √N). With p = 1 and no dead time the optimum is t* = T2*/2.
/// </summary>
public static class Ramsey
{
    public static RamseyPoint At(RamseySensor sensor, double t)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        double cycle = t + sensor.DeadTimeSeconds;
        double visibility = sensor.Contrast * Math.Exp(-Math.Pow(t / sensor.T2StarSeconds, sensor.Stretch));
        double sensitivity = Math.Sqrt(cycle) / (visibility * t * Math.Sqrt(sensor.Spins));
        double sql = Math.Sqrt(cycle) / (t * Math.Sqrt(sensor.Spins));
        double hl = Math.Sqrt(cycle) / (t * sensor.Spins);
        return new RamseyPoint(t, sensitivity, sql, hl);
    }

    /// <summary>The interrogation time that minimises δω√T (golden-section search on log t over 10⁻⁴…10 T2*).</summary>
    public static RamseyPoint Optimum(RamseySensor sensor)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        double x = GoldenSection.Minimum(t => At(sensor, Math.Exp(t)).Sensitivity, Math.Log(sensor.T2StarSeconds * 1e-4), Math.Log(sensor.T2StarSeconds * 10), 200, 1e-12);
        return At(sensor, Math.Exp(x));
    }
}
