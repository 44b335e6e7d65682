using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// A complex coefficient prepared for interleaved (re, im, re, im, …) vectors: c·a = Re·a + ImAlt·swap(a), where
/// ImAlt = (−im, +im, …) and swap exchanges re and im of each amplitude. The scalar twin computes the same products
/// in the same order, so both paths give bit-identical results (no fused multiply-add on either).
/// </summary>
internal readonly struct Coefficient<T>
    where T : unmanaged, IBinaryFloatingPointIeee754<T>
{
    public readonly Vector512<T> Re;
    public readonly Vector512<T> ImAlt;
    public readonly T R;
    public readonly T I;

    public Coefficient(Complex c)
    {
        R = T.CreateTruncating(c.Real);
        I = T.CreateTruncating(c.Imaginary);
        Re = Vector512.Create(R);
        Span<T> alt = stackalloc T[Vector512<T>.Count];
        for (int i = 0; i < alt.Length; i += 2)
        {
            alt[i] = -I;
            alt[i + 1] = I;
        }

        ImAlt = Vector512.Create((ReadOnlySpan<T>)alt);
    }

    public bool IsOne => R == T.One && I == T.Zero;
}

internal static class ComplexLanes
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Swap<T>(Vector256<T> v)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Vector256.Shuffle(v.As<T, double>(), Vector256.Create(1L, 0L, 3L, 2L)).As<double, T>();
        }

        return Vector256.Shuffle(v.As<T, float>(), Vector256.Create(1, 0, 3, 2, 5, 4, 7, 6)).As<float, T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Swap<T>(Vector512<T> v)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Vector512.Shuffle(v.As<T, double>(), Vector512.Create(1L, 0L, 3L, 2L, 5L, 4L, 7L, 6L)).As<double, T>();
        }

        return Vector512.Shuffle(v.As<T, float>(), Vector512.Create(1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)).As<float, T>();
    }

    /// <summary>
    /// i·v on every complex lane, (re, im) → (−im, re): with it, acc + c·v = fma(Im c, i·v, fma(Re c, v, acc)) takes
    /// both parts of c as scalar broadcasts, which the JIT folds into the FMA's memory operand (8 bytes per term
    /// instead of a 64-byte coefficient vector: the load port, not the FMA unit, bounded the dense kernels).
    /// Rounds as the scalar twin's fma(−ci, ai, ·), since a negation is exact.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> TimesI<T>(Vector512<T> v)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Vector512.Xor(Swap(v).As<T, double>(), Vector512.Create(-0.0, 0.0, -0.0, 0.0, -0.0, 0.0, -0.0, 0.0)).As<double, T>();
        }

        return Vector512.Xor(Swap(v).As<T, float>(), Vector512.Create(-0f, 0f, -0f, 0f, -0f, 0f, -0f, 0f, -0f, 0f, -0f, 0f, -0f, 0f, -0f, 0f)).As<float, T>();
    }

    /// <summary>The 256-bit twin of <see cref="TimesI{T}(Vector512{T})"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> TimesI<T>(Vector256<T> v)
        where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            return Vector256.Xor(Swap(v).As<T, double>(), Vector256.Create(-0.0, 0.0, -0.0, 0.0)).As<double, T>();
        }

        return Vector256.Xor(Swap(v).As<T, float>(), Vector256.Create(-0f, 0f, -0f, 0f, -0f, 0f, -0f, 0f)).As<float, T>();
    }

    /// <summary>Which vector width the kernels use for <paramref name="path"/>: 512, 256 or 0 (scalar).</summary>
    public static int Width<T>(KernelPath path)
        where T : unmanaged
    {
        return path switch
        {
            KernelPath.Scalar => 0,
            KernelPath.Vector256 => Vector256.IsHardwareAccelerated ? 256 : throw Unsupported(path),
            KernelPath.Vector512 => Vector512.IsHardwareAccelerated ? 512 : throw Unsupported(path),
            _ => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 0,
        };
    }

    private static PlatformNotSupportedException Unsupported(KernelPath path) =>
        new($"Kernel path {path} is not accelerated on this processor.");
}
