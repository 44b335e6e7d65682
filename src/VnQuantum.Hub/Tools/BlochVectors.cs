using System.Numerics;

namespace VnQuantum.Hub.Tools;

/// <summary>
/// Each qubit's Bloch vector, from the state of all of them: ⟨X⟩, ⟨Y⟩, ⟨Z⟩ of its reduced density matrix. A qubit
/// entangled with others has a vector shorter than 1 (none at all for a Bell pair's halves), which is the point a
/// composer's Bloch spheres teach.
/// </summary>
public static class BlochVectors
{
    /// <summary>The vectors of qubits 0 … n−1 of a state vector of 2ⁿ amplitudes (qubit 0 the lowest bit of the index).</summary>
    public static (double X, double Y, double Z)[] Of(ReadOnlySpan<Complex> amplitudes)
    {
        int qubits = System.Numerics.BitOperations.Log2((uint)amplitudes.Length);
        if (amplitudes.Length != 1 << qubits)
        {
            throw new ArgumentException("A state vector has a power-of-two length.", nameof(amplitudes));
        }

        var vectors = new (double X, double Y, double Z)[qubits];
        for (int q = 0; q < qubits; q++)
        {
            int bit = 1 << q;
            double p0 = 0, p1 = 0;
            Complex coherence = Complex.Zero; // ρ01 = Σ a(…0…) · conj(a(…1…))
            for (int i = 0; i < amplitudes.Length; i++)
            {
                if ((i & bit) != 0)
                {
                    continue;
                }

                Complex zero = amplitudes[i], one = amplitudes[i | bit];
                p0 += (zero.Real * zero.Real) + (zero.Imaginary * zero.Imaginary);
                p1 += (one.Real * one.Real) + (one.Imaginary * one.Imaginary);
                coherence += zero * Complex.Conjugate(one);
            }

            // ρ = (I + xX + yY + zZ)/2, so ρ01 = (x − iy)/2.
            vectors[q] = (2 * coherence.Real, -2 * coherence.Imaginary, p0 - p1);
        }

        return vectors;
    }
}
