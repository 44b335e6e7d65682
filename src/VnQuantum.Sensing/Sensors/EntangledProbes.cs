namespace VnQuantum.Sensing.Sensors;

/// <summary>The probe states compared under independent dephasing.</summary>
public enum ProbeState
{
    /// <summary>N unentangled spins (coherent spin state): the standard quantum limit.</summary>
    Product,

    /// <summary>The N-spin GHZ state: Heisenberg scaling without noise.</summary>
    Ghz,
}

/// <summary>The best frequency sensitivity of a probe over interrogation times, in a fixed total time.</summary>
/// <param name="OptimalSeconds">The interrogation time t that minimises δω√T.</param>
/// <param name="Sensitivity">δω·√T (rad/s/√Hz) at that t.</param>
/// <param name="AsymptoticBound">The bound no N-spin state beats under this noise (Escher et al. 2011; Demkowicz-Dobrzański et al. 2012): √(2γ/N).</param>
/// <param name="NoiselessHeisenberg">What N-fold entanglement would give without noise, interrogating for the single-spin optimum t = 1/(2γ): √(2γ)/N.</param>
public sealed record ProbeResult(ProbeState State, int N, double OptimalSeconds, double Sensitivity, double AsymptoticBound, double NoiselessHeisenberg);

/// <summary>
/// Entangled probes under independent (local, Markovian) dephasing at rate γ, each spin's coherence decaying as
/// e^(−γt). Per shot of interrogation t, the frequency Fisher information is N t² e^(−2γt) for N unentangled spins and
/// N² t² e^(−2Nγt) for the GHZ state; over a total time T split into T/t shots, the optimum is t = 1/(2γ) and
/// t = 1/(2Nγ) respectively and both give δω√T = √(2eγ/N): entanglement buys nothing here (Huelga et al., PRL 79,
/// 3865 (1997)). No state beats √(2γ/N) (Escher et al., Nat. Phys. 7, 406 (2011); Demkowicz-Dobrzański, Kołodyński
/// and Guţă, Nat. Commun. 3, 1063 (2012)): at most a constant factor √e over the SQL, however large N.
/// </summary>
public static class EntangledProbes
{
    /// <summary>Per-shot frequency QFI of <paramref name="state"/> at interrogation t.</summary>
    public static double FisherPerShot(ProbeState state, int n, double dephasingRate, double t) => state switch
    {
        ProbeState.Ghz => (double)n * n * t * t * Math.Exp(-2 * n * dephasingRate * t),
        _ => n * t * t * Math.Exp(-2 * dephasingRate * t),
    };

    /// <summary>
    /// The probe at a chosen interrogation time <paramref name="seconds"/> rather than its optimum: the per-shot QFI
    /// F(t) and δω√T = √(t / F(t)) (shots of length t repeated over the total time).
    /// </summary>
    public static (double FisherPerShot, double Sensitivity) At(ProbeState state, int n, double dephasingRate, double seconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (!(seconds > 0) || !double.IsFinite(seconds))
        {
            throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "The interrogation time must be a finite time > 0.");
        }

        double fisher = FisherPerShot(state, n, dephasingRate, seconds);
        return (fisher, fisher > 0 ? Math.Sqrt(seconds / fisher) : double.PositiveInfinity);
    }

    /// <summary>The optimum over t, in closed form (checked numerically and against the density matrix in the tests).</summary>
    public static ProbeResult Optimum(ProbeState state, int n, double dephasingRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (!(dephasingRate > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dephasingRate), dephasingRate, "The dephasing rate must be > 0.");
        }

        double t = state == ProbeState.Ghz ? 1 / (2.0 * n * dephasingRate) : 1 / (2.0 * dephasingRate);

        // Fisher information per second: (1/t)·F_shot(t).
        double perSecond = FisherPerShot(state, n, dephasingRate, t) / t;
        return new ProbeResult(state, n, t, 1 / Math.Sqrt(perSecond), Math.Sqrt(2 * dephasingRate / n), Math.Sqrt(2 * dephasingRate) / n);
    }
}
