using System.Numerics;

namespace VnQuantum.Simulation;

/// <summary>
/// Products of small dense row-major matrices (gates, Kraus operators, Clifford conjugations): the one place the engine
/// and the circuit layer multiply them. Not a hot path: gate matrices are at most 2⁵ × 2⁵ and built once per circuit.
/// </summary>
public static class DenseMatrices
{
    /// <summary>a · b, both <paramref name="dim"/> × <paramref name="dim"/>, row-major.</summary>
    public static Complex[] Multiply(ReadOnlySpan<Complex> a, ReadOnlySpan<Complex> b, int dim)
    {
        if (a.Length != dim * dim || b.Length != dim * dim)
        {
            throw new ArgumentException($"both matrices must be {dim}×{dim} ({dim * dim} entries; got {a.Length} and {b.Length})");
        }

        var m = new Complex[dim * dim];
        for (int r = 0; r < dim; r++)
        {
            for (int k = 0; k < dim; k++)
            {
                var ark = a[(r * dim) + k];
                if (ark == Complex.Zero)
                {
                    continue;
                }

                for (int c = 0; c < dim; c++)
                {
                    m[(r * dim) + c] += ark * b[(k * dim) + c];
                }
            }
        }

        return m;
    }

    /// <summary>The conjugate transpose a†.</summary>
    public static Complex[] Adjoint(ReadOnlySpan<Complex> a, int dim)
    {
        var m = new Complex[dim * dim];
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++)
            {
                m[(c * dim) + r] = Complex.Conjugate(a[(r * dim) + c]);
            }
        }

        return m;
    }

    /// <summary>u · p · u†.</summary>
    public static Complex[] Conjugate(ReadOnlySpan<Complex> u, ReadOnlySpan<Complex> p, int dim) => Multiply(Multiply(u, p, dim), Adjoint(u, dim), dim);
}
