using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Gates;

/// <summary>
/// Small dense unitaries (row-major, index bit i = qubit i) for OpenQASM 3's gate modifiers: products, embedding of
/// a gate on some of a gate definition's qubits, adjoint (inv @), powers (pow(k) @, through the eigendecomposition
/// for non-integer k, on the principal branch as the specification asks) and added controls (ctrl @, negctrl @).
/// </summary>
internal static class GateMatrices
{
    public static Complex[] Identity(int qubits)
    {
        int dim = 1 << qubits;
        var m = new Complex[dim * dim];
        for (int i = 0; i < dim; i++)
        {
            m[(i * dim) + i] = 1;
        }

        return m;
    }

    /// <summary>a · b.</summary>
    public static Complex[] Multiply(Complex[] a, Complex[] b) => DenseMatrices.Multiply(a, b, Dimension(a));

    public static Complex[] Adjoint(Complex[] a)
    {
        int dim = Dimension(a);
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

    public static Complex[] Scale(Complex[] a, Complex factor) => a.Select(z => z * factor).ToArray();

    /// <summary>The matrix of <paramref name="small"/> (on <paramref name="positions"/>, index bit i = positions[i]) on <paramref name="qubits"/> qubits.</summary>
    public static Complex[] Embed(Complex[] small, int[] positions, int qubits)
    {
        int dim = 1 << qubits;
        int smallDim = Dimension(small);
        var m = new Complex[dim * dim];
        int mask = 0;
        foreach (int p in positions)
        {
            mask |= 1 << p;
        }

        for (int col = 0; col < dim; col++)
        {
            int s = 0;
            for (int b = 0; b < positions.Length; b++)
            {
                s |= ((col >> positions[b]) & 1) << b;
            }

            for (int r = 0; r < smallDim; r++)
            {
                var value = small[(r * smallDim) + s];
                if (value == Complex.Zero)
                {
                    continue;
                }

                int row = col & ~mask;
                for (int b = 0; b < positions.Length; b++)
                {
                    row |= ((r >> b) & 1) << positions[b];
                }

                m[(row * dim) + col] += value;
            }
        }

        return m;
    }

    /// <summary>U^k: repeated products for integer k (the adjoint for negative k), else V·D^k·V⁻¹ with principal powers of the eigenvalues.</summary>
    public static Complex[] Power(Complex[] u, double k)
    {
        if (k == Math.Floor(k) && Math.Abs(k) <= 1 << 20)
        {
            long n = (long)Math.Abs(k);
            var result = Identity(QubitCount(u));
            var square = k < 0 ? Adjoint(u) : u;
            while (n > 0)
            {
                if ((n & 1) == 1)
                {
                    result = Multiply(result, square);
                }

                square = Multiply(square, square);
                n >>= 1;
            }

            return result;
        }

        int dim = Dimension(u);
        var matrix = Matrix<Complex>.Build.Dense(dim, dim, (r, c) => u[(r * dim) + c]);
        var evd = matrix.Evd();
        var values = evd.EigenValues.Select(z => Complex.FromPolarCoordinates(Math.Pow(z.Magnitude, k), z.Phase * k)).ToArray();
        var powered = evd.EigenVectors * Matrix<Complex>.Build.DenseOfDiagonalArray(values) * evd.EigenVectors.Inverse();
        var m = new Complex[dim * dim];
        for (int r = 0; r < dim; r++)
        {
            for (int c = 0; c < dim; c++)
            {
                m[(r * dim) + c] = powered[r, c];
            }
        }

        return m;
    }

    /// <summary>
    /// Adds one control qubit as the new qubit 0 (the target's qubits move up by one): |1⟩ applies U, |0⟩ does nothing;
    /// with <paramref name="negative"/> the roles of |0⟩ and |1⟩ swap.
    /// </summary>
    public static Complex[] Controlled(Complex[] u, bool negative = false)
    {
        int dim = Dimension(u);
        int big = dim * 2;
        var m = new Complex[big * big];
        int active = negative ? 0 : 1;
        for (int col = 0; col < big; col++)
        {
            if ((col & 1) != active)
            {
                m[(col * big) + col] = 1;
                continue;
            }

            int s = col >> 1;
            for (int r = 0; r < dim; r++)
            {
                m[((((r << 1) | active) * big)) + col] = u[(r * dim) + s];
            }
        }

        return m;
    }

    public static bool NearlyEqual(Complex[] a, Complex[] b, double tolerance = 1e-10)
    {
        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if ((a[i] - b[i]).Magnitude > tolerance)
            {
                return false;
            }
        }

        return true;
    }

    public static int Dimension(Complex[] m) => (int)Math.Round(Math.Sqrt(m.Length));

    public static int QubitCount(Complex[] m) => System.Numerics.BitOperations.Log2((uint)Dimension(m));
}
