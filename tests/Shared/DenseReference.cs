using System.Numerics;

namespace VnQuantum.Testing;

/// <summary>
/// An independent, slow reference: full 2^n×2^n operators built from Kronecker products of 2×2 matrices, or by
/// embedding a small matrix index by index. Only for n ≤ 10.
/// </summary>
internal static class DenseReference
{
    public static Complex[,] Identity(int dim)
    {
        var m = new Complex[dim, dim];
        for (int i = 0; i < dim; i++)
        {
            m[i, i] = 1;
        }

        return m;
    }

    public static Complex[,] Kron(Complex[,] a, Complex[,] b)
    {
        int ar = a.GetLength(0), ac = a.GetLength(1), br = b.GetLength(0), bc = b.GetLength(1);
        var m = new Complex[ar * br, ac * bc];
        for (int i = 0; i < ar; i++)
        {
            for (int j = 0; j < ac; j++)
            {
                for (int k = 0; k < br; k++)
                {
                    for (int l = 0; l < bc; l++)
                    {
                        m[(i * br) + k, (j * bc) + l] = a[i, j] * b[k, l];
                    }
                }
            }
        }

        return m;
    }

    /// <summary>⊗ of per-qubit 2×2 factors; factors[q] acts on qubit q (qubit 0 is the rightmost Kronecker factor).</summary>
    public static Complex[,] KronAll(Complex[][,] factors)
    {
        Complex[,] m = factors[^1];
        for (int q = factors.Length - 2; q >= 0; q--)
        {
            m = Kron(m, factors[q]);
        }

        return m;
    }

    /// <summary>
    /// A 1-qubit U on <paramref name="target"/> controlled by <paramref name="controls"/>, as
    /// I − P1(controls)⊗I + P1(controls)⊗U, each term a Kronecker product.
    /// </summary>
    public static Complex[,] Controlled1(int n, int target, Complex[,] u, params int[] controls)
    {
        var p1 = new Complex[,] { { 0, 0 }, { 0, 1 } };
        var eye = new Complex[,] { { 1, 0 }, { 0, 1 } };
        var projectorFactors = new Complex[n][,];
        var gateFactors = new Complex[n][,];
        for (int q = 0; q < n; q++)
        {
            projectorFactors[q] = controls.Contains(q) ? p1 : eye;
            gateFactors[q] = controls.Contains(q) ? p1 : q == target ? u : eye;
        }

        var projector = KronAll(projectorFactors);
        var gate = KronAll(gateFactors);
        int dim = 1 << n;
        var m = Identity(dim);
        for (int i = 0; i < dim; i++)
        {
            for (int j = 0; j < dim; j++)
            {
                m[i, j] += gate[i, j] - projector[i, j];
            }
        }

        return m;
    }

    /// <summary>A small matrix (index bit i = targets[i]) embedded index by index, controlled by <paramref name="controls"/>.</summary>
    public static Complex[,] Embed(int n, int[] targets, Complex[,] small, params int[] controls)
    {
        int dim = 1 << n;
        var m = new Complex[dim, dim];
        for (int col = 0; col < dim; col++)
        {
            bool active = controls.All(c => ((col >> c) & 1) == 1);
            if (!active)
            {
                m[col, col] = 1;
                continue;
            }

            int s = 0;
            for (int b = 0; b < targets.Length; b++)
            {
                s |= ((col >> targets[b]) & 1) << b;
            }

            for (int r = 0; r < (1 << targets.Length); r++)
            {
                int row = col;
                for (int b = 0; b < targets.Length; b++)
                {
                    row = (row & ~(1 << targets[b])) | (((r >> b) & 1) << targets[b]);
                }

                m[row, col] += small[r, s];
            }
        }

        return m;
    }

    public static Complex[] Apply(Complex[,] m, Complex[] v)
    {
        int dim = v.Length;
        var result = new Complex[dim];
        for (int i = 0; i < dim; i++)
        {
            Complex sum = 0;
            for (int j = 0; j < dim; j++)
            {
                sum += m[i, j] * v[j];
            }

            result[i] = sum;
        }

        return result;
    }

    public static Complex[,] Multiply(Complex[,] a, Complex[,] b)
    {
        int n = a.GetLength(0);
        var m = new Complex[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int k = 0; k < n; k++)
            {
                if (a[i, k] == Complex.Zero)
                {
                    continue;
                }

                for (int j = 0; j < n; j++)
                {
                    m[i, j] += a[i, k] * b[k, j];
                }
            }
        }

        return m;
    }

    public static Complex[] RandomState(int n, Random random)
    {
        var v = new Complex[1 << n];
        double norm = 0;
        for (int i = 0; i < v.Length; i++)
        {
            v[i] = new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5);
            norm += v[i].Magnitude * v[i].Magnitude;
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= Math.Sqrt(norm);
        }

        return v;
    }

    /// <summary>A Haar-ish random unitary: Gram–Schmidt on a random complex matrix.</summary>
    public static Complex[,] RandomUnitary(int dim, Random random)
    {
        var m = new Complex[dim, dim];
        for (int c = 0; c < dim; c++)
        {
            var col = new Complex[dim];
            for (int r = 0; r < dim; r++)
            {
                col[r] = new Complex(random.NextDouble() - 0.5, random.NextDouble() - 0.5);
            }

            for (int p = 0; p < c; p++)
            {
                Complex dot = 0;
                for (int r = 0; r < dim; r++)
                {
                    dot += Complex.Conjugate(m[r, p]) * col[r];
                }

                for (int r = 0; r < dim; r++)
                {
                    col[r] -= dot * m[r, p];
                }
            }

            double norm = Math.Sqrt(col.Sum(x => x.Magnitude * x.Magnitude));
            for (int r = 0; r < dim; r++)
            {
                m[r, c] = col[r] / norm;
            }
        }

        return m;
    }

    public static Complex[] Flatten(Complex[,] m)
    {
        int r = m.GetLength(0), c = m.GetLength(1);
        var flat = new Complex[r * c];
        for (int i = 0; i < r; i++)
        {
            for (int j = 0; j < c; j++)
            {
                flat[(i * c) + j] = m[i, j];
            }
        }

        return flat;
    }

    public static double MaxDistance(ReadOnlySpan<Complex> a, ReadOnlySpan<Complex> b)
    {
        double max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            max = Math.Max(max, (a[i] - b[i]).Magnitude);
        }

        return max;
    }

    /// <summary>Applies a small matrix (index bit i = targets[i]) to a state vector, index by index, without building the full operator.</summary>
    public static Complex[] ApplySmall(int[] targets, Complex[] small, Complex[] v)
    {
        int k = targets.Length, gdim = 1 << k;
        var result = new Complex[v.Length];
        int mask = targets.Sum(t => 1 << t);
        for (int col = 0; col < v.Length; col++)
        {
            if (v[col] == Complex.Zero)
            {
                continue;
            }

            int s = 0;
            for (int b = 0; b < k; b++)
            {
                s |= ((col >> targets[b]) & 1) << b;
            }

            for (int r = 0; r < gdim; r++)
            {
                int row = col & ~mask;
                for (int b = 0; b < k; b++)
                {
                    row |= ((r >> b) & 1) << targets[b];
                }

                result[row] += small[(r * gdim) + s] * v[col];
            }
        }

        return result;
    }

    public static Complex[] BasisState(int n, int index)
    {
        var v = new Complex[1 << n];
        v[index] = 1;
        return v;
    }
}
