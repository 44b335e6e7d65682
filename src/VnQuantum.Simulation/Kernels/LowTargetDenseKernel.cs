using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VnQuantum.Simulation.Kernels;

/// <summary>
/// A dense 4×4 or 8×8 (a fusion block) with one or two targets among qubits 0–1, in double precision on 512-bit
/// vectors, where the amplitudes a low target pairs sit inside one vector. Instead of permuting lanes against
/// per-lane coefficients (<see cref="LaneKernel{T}"/>, which loads a 64-byte coefficient vector per term and was
/// 2.2–8× the memory floor), it transposes 2 or 4 consecutive vectors so that each holds the amplitudes of one value
/// of the low target bits: the low targets become "virtual high" qubits, the rows run with broadcast scalar
/// coefficients exactly as in <see cref="Dense2Kernel{T}"/>, and the results are transposed back.
/// </summary>
/// <remarks>
/// The matrix is reordered so that its index bits 0..L−1 are the low targets (ascending) and the rest the high
/// targets; slot x + 2^L·h then holds low-bit value x of high combination h. The vectors transposed together differ
/// in L "partner" bits, the lowest bits from 2 up that are neither targets nor controls. The terms of a row are
/// summed in the reordered column order: equal to the scalar twin to rounding, not bit for bit.
/// </remarks>
internal unsafe struct LowTargetDenseKernel : IRunKernel
{
    public double* Data;
    public int Dimension;

    /// <summary>Number of low targets (1 or 2); with one, <see cref="LowQubit"/> says which.</summary>
    public int Low;
    public int LowQubit;

    /// <summary>Offsets (in amplitudes) of the high-target combinations h = 0..2^(k−L)−1.</summary>
    public long Offset1, Offset2, Offset3;

    /// <summary>
    /// Offsets (in amplitudes) of the 2 or 4 vectors transposed together: bits 2 (and 3) inside a run when those
    /// are free, or the lowest free bits above, which the group loop then enumerates as positions.
    /// </summary>
    public long PartnerA, PartnerB;

    /// <summary>Amplitudes per iteration: 4·2^L when the partners lie inside the run, else one vector (4).</summary>
    public long Step;

    /// <summary>Row-major coefficients in slot order.</summary>
    public Coefficient<double>* M;

    /// <summary>True when the kernel takes this gate: see the remarks.</summary>
    public static bool Fits(int width, Precision precision, int targetCount, int lowTargets, int lowControls) =>
        width == 512 && precision == Precision.Double && Avx512F.IsSupported
        && targetCount is 2 or 3 && lowTargets is 1 or 2 && lowControls == 0;

    public void Run(long baseIndex, long length)
    {
        // Runs are 2^(lowest position) long and chunk starts are multiples of 64 groups, so no tail.
        if ((length & (Step - 1)) != 0)
        {
            throw new InvalidOperationException($"A run of {length} amplitudes does not split into whole transposition blocks.");
        }

        double* p = Data + (2 * baseIndex);
        switch ((Dimension, Low))
        {
            case (4, 1):
                Run4Low1(p, length);
                break;
            case (4, 2):
                Run4Low2(p, length);
                break;
            case (8, 1):
                Run8Low1(p, length);
                break;
            default:
                Run8Low2(p, length);
                break;
        }
    }

    private readonly void Run4Low1(double* p, long length)
    {
        double* x0 = p, x1 = p + (2 * Offset1);
        bool halves = LowQubit == 1;
        Coefficient<double>* m = M;
        long pa = 2 * PartnerA, pb = 2 * PartnerB;
        for (long j = 0; j < length; j += Step)
        {
            long o = 2 * j;
            var (a0, a1) = Split(Vector512.Load(x0 + o), Vector512.Load(x0 + o + pa), halves);
            var (a2, a3) = Split(Vector512.Load(x1 + o), Vector512.Load(x1 + o + pa), halves);
            var s0 = ComplexLanes.TimesI(a0); var s1 = ComplexLanes.TimesI(a1);
            var s2 = ComplexLanes.TimesI(a2); var s3 = ComplexLanes.TimesI(a3);
            Store2(x0 + o, pa, Dense2Kernel<double>.Row512(m, a0, s0, a1, s1, a2, s2, a3, s3), Dense2Kernel<double>.Row512(m + 4, a0, s0, a1, s1, a2, s2, a3, s3), halves);
            Store2(x1 + o, pa, Dense2Kernel<double>.Row512(m + 8, a0, s0, a1, s1, a2, s2, a3, s3), Dense2Kernel<double>.Row512(m + 12, a0, s0, a1, s1, a2, s2, a3, s3), halves);
        }
    }

    private readonly void Run4Low2(double* p, long length)
    {
        Coefficient<double>* m = M;
        long pa = 2 * PartnerA, pb = 2 * PartnerB;
        for (long j = 0; j < length; j += Step)
        {
            double* x = p + (2 * j);
            var (a0, a1, a2, a3) = Split4(Vector512.Load(x), Vector512.Load(x + pa), Vector512.Load(x + pb), Vector512.Load(x + pa + pb));
            var s0 = ComplexLanes.TimesI(a0); var s1 = ComplexLanes.TimesI(a1);
            var s2 = ComplexLanes.TimesI(a2); var s3 = ComplexLanes.TimesI(a3);
            Store4(
                x,
                pa,
                pb,
                Dense2Kernel<double>.Row512(m, a0, s0, a1, s1, a2, s2, a3, s3),
                Dense2Kernel<double>.Row512(m + 4, a0, s0, a1, s1, a2, s2, a3, s3),
                Dense2Kernel<double>.Row512(m + 8, a0, s0, a1, s1, a2, s2, a3, s3),
                Dense2Kernel<double>.Row512(m + 12, a0, s0, a1, s1, a2, s2, a3, s3));
        }
    }

    private readonly void Run8Low1(double* p, long length)
    {
        double* x0 = p, x1 = p + (2 * Offset1), x2 = p + (2 * Offset2), x3 = p + (2 * Offset3);
        bool halves = LowQubit == 1;
        Coefficient<double>* m = M;
        long pa = 2 * PartnerA, pb = 2 * PartnerB;
        for (long j = 0; j < length; j += Step)
        {
            long o = 2 * j;
            var (a0, a1) = Split(Vector512.Load(x0 + o), Vector512.Load(x0 + o + pa), halves);
            var (a2, a3) = Split(Vector512.Load(x1 + o), Vector512.Load(x1 + o + pa), halves);
            var (a4, a5) = Split(Vector512.Load(x2 + o), Vector512.Load(x2 + o + pa), halves);
            var (a6, a7) = Split(Vector512.Load(x3 + o), Vector512.Load(x3 + o + pa), halves);
            var s0 = ComplexLanes.TimesI(a0); var s1 = ComplexLanes.TimesI(a1);
            var s2 = ComplexLanes.TimesI(a2); var s3 = ComplexLanes.TimesI(a3);
            var s4 = ComplexLanes.TimesI(a4); var s5 = ComplexLanes.TimesI(a5);
            var s6 = ComplexLanes.TimesI(a6); var s7 = ComplexLanes.TimesI(a7);
            Store2(x0 + o, pa, Row8(m, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), Row8(m + 8, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), halves);
            Store2(x1 + o, pa, Row8(m + 16, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), Row8(m + 24, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), halves);
            Store2(x2 + o, pa, Row8(m + 32, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), Row8(m + 40, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), halves);
            Store2(x3 + o, pa, Row8(m + 48, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), Row8(m + 56, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7), halves);
        }
    }

    private readonly void Run8Low2(double* p, long length)
    {
        double* x0 = p, x1 = p + (2 * Offset1);
        Coefficient<double>* m = M;
        long pa = 2 * PartnerA, pb = 2 * PartnerB;
        for (long j = 0; j < length; j += Step)
        {
            long o = 2 * j;
            var (a0, a1, a2, a3) = Split4(Vector512.Load(x0 + o), Vector512.Load(x0 + o + pa), Vector512.Load(x0 + o + pb), Vector512.Load(x0 + o + pa + pb));
            var (a4, a5, a6, a7) = Split4(Vector512.Load(x1 + o), Vector512.Load(x1 + o + pa), Vector512.Load(x1 + o + pb), Vector512.Load(x1 + o + pa + pb));
            var s0 = ComplexLanes.TimesI(a0); var s1 = ComplexLanes.TimesI(a1);
            var s2 = ComplexLanes.TimesI(a2); var s3 = ComplexLanes.TimesI(a3);
            var s4 = ComplexLanes.TimesI(a4); var s5 = ComplexLanes.TimesI(a5);
            var s6 = ComplexLanes.TimesI(a6); var s7 = ComplexLanes.TimesI(a7);
            Store4(
                x0 + o,
                pa,
                pb,
                Row8(m, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7),
                Row8(m + 8, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7),
                Row8(m + 16, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7),
                Row8(m + 24, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7));
            Store4(
                x1 + o,
                pa,
                pb,
                Row8(m + 32, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7),
                Row8(m + 40, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7),
                Row8(m + 48, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7),
                Row8(m + 56, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Row8(Coefficient<double>* m, Vector512<double> a0, Vector512<double> s0, Vector512<double> a1, Vector512<double> s1, Vector512<double> a2, Vector512<double> s2, Vector512<double> a3, Vector512<double> s3, Vector512<double> a4, Vector512<double> s4, Vector512<double> a5, Vector512<double> s5, Vector512<double> a6, Vector512<double> s6, Vector512<double> a7, Vector512<double> s7) =>
        DenseKernel<double>.Row8x512(m, a0, s0, a1, s1, a2, s2, a3, s3, a4, s4, a5, s5, a6, s6, a7, s7);

    // Complex element e of a vector is doubles 2e, 2e+1; index ≥ 8 picks from the second source.
    private static readonly Vector512<long> Even = Vector512.Create(0L, 1, 4, 5, 8, 9, 12, 13);
    private static readonly Vector512<long> Odd = Vector512.Create(2L, 3, 6, 7, 10, 11, 14, 15);
    private static readonly Vector512<long> LowHalves = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
    private static readonly Vector512<long> HighHalves = Vector512.Create(4L, 5, 6, 7, 12, 13, 14, 15);
    private static readonly Vector512<long> InterleaveLow = Vector512.Create(0L, 1, 8, 9, 2, 3, 10, 11);
    private static readonly Vector512<long> InterleaveHigh = Vector512.Create(4L, 5, 12, 13, 6, 7, 14, 15);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Pick(Vector512<double> a, Vector512<long> indices, Vector512<double> b) =>
        Avx512F.PermuteVar8x64x2(a, indices, b);

    /// <summary>Two consecutive vectors → (low bit 0, low bit 1) of the target: qubit 0 splits even/odd elements, qubit 1 halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double>, Vector512<double>) Split(Vector512<double> a, Vector512<double> b, bool halves) =>
        halves ? (Pick(a, LowHalves, b), Pick(a, HighHalves, b)) : (Pick(a, Even, b), Pick(a, Odd, b));

    /// <summary>The inverse of <see cref="Split"/>, stored at <paramref name="x"/> and the next vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(double* x, long pa, Vector512<double> v0, Vector512<double> v1, bool halves)
    {
        if (halves)
        {
            Pick(v0, LowHalves, v1).Store(x);
            Pick(v0, HighHalves, v1).Store(x + pa);
        }
        else
        {
            Pick(v0, InterleaveLow, v1).Store(x);
            Pick(v0, InterleaveHigh, v1).Store(x + pa);
        }
    }

    /// <summary>Four consecutive vectors (elements a0..a3, b0..b3, …) → the four values x of bits (1, 0): v_x = (a_x, b_x, c_x, d_x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<double>, Vector512<double>, Vector512<double>, Vector512<double>) Split4(Vector512<double> a, Vector512<double> b, Vector512<double> c, Vector512<double> d)
    {
        var p0 = Pick(a, Even, b);
        var p1 = Pick(a, Odd, b);
        var q0 = Pick(c, Even, d);
        var q1 = Pick(c, Odd, d);
        return (Pick(p0, Even, q0), Pick(p1, Even, q1), Pick(p0, Odd, q0), Pick(p1, Odd, q1));
    }

    /// <summary>The inverse of <see cref="Split4"/>, stored at <paramref name="x"/> and the next three vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(double* x, long pa, long pb, Vector512<double> v0, Vector512<double> v1, Vector512<double> v2, Vector512<double> v3)
    {
        var p0 = Pick(v0, InterleaveLow, v2);
        var q0 = Pick(v0, InterleaveHigh, v2);
        var p1 = Pick(v1, InterleaveLow, v3);
        var q1 = Pick(v1, InterleaveHigh, v3);
        Pick(p0, InterleaveLow, p1).Store(x);
        Pick(p0, InterleaveHigh, p1).Store(x + pa);
        Pick(q0, InterleaveLow, q1).Store(x + pb);
        Pick(q0, InterleaveHigh, q1).Store(x + pa + pb);
    }
}
