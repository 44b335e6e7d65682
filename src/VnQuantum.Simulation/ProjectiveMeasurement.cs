using System.Numerics;
using VnQuantum.Randomness;

namespace VnQuantum.Simulation;

/// <summary>The Z-basis measurement both the state vector and the density matrix do: draw, then project and renormalise.</summary>
public static class ProjectiveMeasurement
{
    /// <summary>
    /// Draws the outcome of a qubit from the weights of its two halves, <paramref name="zero"/> and
    /// <paramref name="one"/> (their sum the state's norm, 1 up to rounding), and returns the diagonal (on |0⟩, on
    /// |1⟩) that projects on it and renormalises: 1/√weight on the outcome, 0 on the other. Dividing by the outcome's
    /// own weight, not by 1 − the other's, keeps the norm at 1: the latter doubles a norm error ε at every outcome 0,
    /// and fifty resets of a qubit in |+⟩ made it 10⁻¹.
    /// </summary>
    public static (int Outcome, Complex OnZero, Complex OnOne) Draw(double zero, double one, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        int outcome = Outcome(zero, one, random.NextDouble());
        return (outcome, Keep(zero, one, outcome, 0), Keep(zero, one, outcome, 1));
    }

    /// <summary>The outcome a uniform draw <paramref name="u"/> in [0, 1) picks: 1 when u·(zero + one) &lt; one.</summary>
    public static int Outcome(double zero, double one, double u)
    {
        double p0 = Math.Max(zero, 0), p1 = Math.Max(one, 0);
        return u * (p0 + p1) < p1 ? 1 : 0;
    }

    /// <summary>The factor on <paramref name="half"/> after <paramref name="outcome"/>: 1/√weight on the outcome's half, 0 on the other.</summary>
    public static Complex Keep(double zero, double one, int outcome, int half) =>
        half != outcome ? Complex.Zero : new Complex(1 / Math.Sqrt(Math.Max(outcome == 1 ? one : zero, double.Epsilon)), 0);
}
