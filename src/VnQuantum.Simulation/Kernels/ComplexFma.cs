using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// Complex multiply-accumulate with fused multiply-adds, in one fixed order for the vector and the scalar twin, so
/// that both round identically: acc + c·a = fma(ImAlt, swap(a), fma(Re, a, acc)). The first term of a sum starts
/// from Re·a instead of fma(Re, a, 0), on both paths.
/// </summary>
internal static class ComplexFma
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> First<T>(Vector512<T> re, Vector512<T> imAlt, Vector512<T> a, Vector512<T> swapped)
        where T : unmanaged => Fma(imAlt, swapped, re * a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Next<T>(Vector512<T> acc, Vector512<T> re, Vector512<T> imAlt, Vector512<T> a, Vector512<T> swapped)
        where T : unmanaged => Fma(imAlt, swapped, Fma(re, a, acc));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> First<T>(Vector256<T> re, Vector256<T> imAlt, Vector256<T> a, Vector256<T> swapped)
        where T : unmanaged => Fma(imAlt, swapped, re * a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Next<T>(Vector256<T> acc, Vector256<T> re, Vector256<T> imAlt, Vector256<T> a, Vector256<T> swapped)
        where T : unmanaged => Fma(imAlt, swapped, Fma(re, a, acc));

    /// <summary>The scalar twin of <see cref="First{T}(Vector512{T}, Vector512{T}, Vector512{T}, Vector512{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Re, T Im) First<T>(T cr, T ci, T ar, T ai)
        where T : IBinaryFloatingPointIeee754<T> => (T.FusedMultiplyAdd(-ci, ai, cr * ar), T.FusedMultiplyAdd(ci, ar, cr * ai));

    /// <summary>The scalar twin of <see cref="Next{T}(Vector512{T}, Vector512{T}, Vector512{T}, Vector512{T}, Vector512{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (T Re, T Im) Next<T>((T Re, T Im) acc, T cr, T ci, T ar, T ai)
        where T : IBinaryFloatingPointIeee754<T> =>
        (T.FusedMultiplyAdd(-ci, ai, T.FusedMultiplyAdd(cr, ar, acc.Re)), T.FusedMultiplyAdd(ci, ar, T.FusedMultiplyAdd(cr, ai, acc.Im)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> a, Vector512<T> b, Vector512<T> c)
        where T : unmanaged => typeof(T) == typeof(double)
            ? Vector512.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>()
            : Vector512.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> a, Vector256<T> b, Vector256<T> c)
        where T : unmanaged => typeof(T) == typeof(double)
            ? Vector256.FusedMultiplyAdd(a.As<T, double>(), b.As<T, double>(), c.As<T, double>()).As<double, T>()
            : Vector256.FusedMultiplyAdd(a.As<T, float>(), b.As<T, float>(), c.As<T, float>()).As<float, T>();
}
