using System.Numerics;
using System.Runtime.Intrinsics;

namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// A map on the 2^k members of each group with a few real coefficients per output: out[r] = Σ_t C[r,t]·in[S[r,t]].
/// A Pauli channel on a density matrix is this shape — each entry mixes only the entries its Paulis permute it with,
/// by real weights — so it costs a few multiply-adds per amplitude instead of a dense 16×16 complex product.
/// Vector512, Vector256 and scalar paths, the same operations in the same order.
/// </summary>
internal unsafe struct SparseRealKernel<T> : IRunKernel
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public const int MaxMembers = 16;

    public T* Data;
    public int Members;
    public int Terms;
    public int Width;

    /// <summary>Offsets (in amplitudes) of the members of a group from its base index.</summary>
    public long* Offsets;

    /// <summary>Members × Terms source member indices.</summary>
    public int* Sources;

    /// <summary>Members × Terms real weights.</summary>
    public T* Weights;

    public void Run(long baseIndex, long length)
    {
        T* p = Data + (2 * baseIndex);
        long j = 0;
        if (Width == 512)
        {
            long step = Vector512<T>.Count / 2;
            var a = stackalloc Vector512<T>[MaxMembers];
            for (; j + step <= length; j += step)
            {
                for (int m = 0; m < Members; m++)
                {
                    a[m] = Vector512.Load(p + (2 * (Offsets[m] + j)));
                }

                for (int r = 0; r < Members; r++)
                {
                    int row = r * Terms;
                    var acc = a[Sources[row]] * Vector512.Create(Weights[row]);
                    for (int t = 1; t < Terms; t++)
                    {
                        acc += a[Sources[row + t]] * Vector512.Create(Weights[row + t]);
                    }

                    acc.Store(p + (2 * (Offsets[r] + j)));
                }
            }
        }
        else if (Width == 256)
        {
            long step = Vector256<T>.Count / 2;
            var a = stackalloc Vector256<T>[MaxMembers];
            for (; j + step <= length; j += step)
            {
                for (int m = 0; m < Members; m++)
                {
                    a[m] = Vector256.Load(p + (2 * (Offsets[m] + j)));
                }

                for (int r = 0; r < Members; r++)
                {
                    int row = r * Terms;
                    var acc = a[Sources[row]] * Vector256.Create(Weights[row]);
                    for (int t = 1; t < Terms; t++)
                    {
                        acc += a[Sources[row + t]] * Vector256.Create(Weights[row + t]);
                    }

                    acc.Store(p + (2 * (Offsets[r] + j)));
                }
            }
        }

        // Scalar twin (and the tail of short runs): real and imaginary parts alike.
        var re = stackalloc T[MaxMembers];
        var im = stackalloc T[MaxMembers];
        for (; j < length; j++)
        {
            for (int m = 0; m < Members; m++)
            {
                T* q = p + (2 * (Offsets[m] + j));
                re[m] = q[0];
                im[m] = q[1];
            }

            for (int r = 0; r < Members; r++)
            {
                int row = r * Terms;
                T accRe = re[Sources[row]] * Weights[row], accIm = im[Sources[row]] * Weights[row];
                for (int t = 1; t < Terms; t++)
                {
                    accRe += re[Sources[row + t]] * Weights[row + t];
                    accIm += im[Sources[row + t]] * Weights[row + t];
                }

                T* q = p + (2 * (Offsets[r] + j));
                q[0] = accRe;
                q[1] = accIm;
            }
        }
    }
}
