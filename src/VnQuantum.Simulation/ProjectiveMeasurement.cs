using System.Numerics;
using VnQuantum.Randomness;

namespace VnQuantum.Simulation;

/// <summary>The Z-basis measurement both the state vector and the density matrix do: draw, then project and renormalise.</summary>
internal static class ProjectiveMeasurement
{
    /// <summary>
    /// Draws the outcome of a qubit whose probability of 1 is <paramref name="probabilityOfOne"/> and returns the
    /// diagonal (on |0⟩, on |1⟩) that projects on it and renormalises: 1/√p on the outcome, 0 on the other.
    /// The probability is clamped to [0, 1] first: summed in floating point it can lie a rounding error outside.
    /// </summary>
    public static (int Outcome, Complex OnZero, Complex OnOne) Draw(double probabilityOfOne, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double p1 = Math.Clamp(probabilityOfOne, 0, 1);
        int outcome = random.NextDouble() < p1 ? 1 : 0;
        var keep = new Complex(1 / Math.Sqrt(outcome == 1 ? p1 : 1 - p1), 0);
        return outcome == 1 ? (1, Complex.Zero, keep) : (0, keep, Complex.Zero);
    }
}
