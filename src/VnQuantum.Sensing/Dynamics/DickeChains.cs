using System.Numerics;
using VnQuantum.Sensing.States;

namespace VnQuantum.Sensing.Dynamics;

/// <summary>
/// When the noise keeps m and m′ of every element (local and collective dephasing; a Hamiltonian ω J_z + χ J_z²), the
/// Dicke-block generator falls apart into independent chains: for each (m, m′), the elements of the blocks j ≥
/// max(|m|, |m′|), coupled only to j ± 1, i.e. tridiagonal. The chains are propagated by an L-stable third-order
/// rational approximation of the exponential, the (1,2) Padé R(z) = (1 + z/3)/(1 − 2z/3 + z²/6) (two complex
/// tridiagonal solves per step, Thomas algorithm), with step doubling for error control: unconditionally stable, so
/// the step follows the accuracy of the slow modes instead of the stability limit 3.3/(Nγ) of explicit methods.
/// </summary>
internal sealed class DickeChains
{
    // Roots of 1 − 2z/3 + z²/6: z = 2 ± i√2.
    private static readonly Complex RootA = new(2, Math.Sqrt(2));
    private static readonly Complex RootB = new(2, -Math.Sqrt(2));

    private readonly int[] _order;
    private readonly int[] _start;
    private readonly Complex[] _diagonal;
    private readonly double[] _fromAbove;
    private readonly double[] _fromBelow;
    private readonly int _longest;

    private DickeChains(int[] order, int[] start, Complex[] diagonal, double[] fromAbove, double[] fromBelow)
    {
        _order = order;
        _start = start;
        _diagonal = diagonal;
        _fromAbove = fromAbove;
        _fromBelow = fromBelow;
        for (int c = 0; c + 1 < start.Length; c++)
        {
            _longest = Math.Max(_longest, start[c + 1] - start[c]);
        }
    }

    /// <summary>
    /// The chains of a generator whose <paramref name="row"/>(e, above, below) gives row e as its diagonal (with
    /// −i·rotation) and its couplings to the same (m, m′) in block b − 1 and b + 1; null when some row couples elsewhere
    /// (decay, pumping, collective emission), which <paramref name="row"/> says by returning null.
    /// </summary>
    public static DickeChains? TryBuild(DickeBlockState layout, Func<int, int, int, (Complex Diagonal, double FromAbove, double FromBelow)?> row)
    {
        int count = layout.StoredCount;
        var diagonal = new Complex[count];
        var above = new double[count];
        var below = new double[count];
        var next = new int[count];
        var hasParent = new bool[count];
        var valid = new bool[count];
        for (int b = 0; b < layout.BlockCount; b++)
        {
            int size = layout.BlockSize(b);
            for (int r = 0; r < size; r++)
            {
                for (int c = Math.Max(0, r - layout.HalfWidth(b)); c <= Math.Min(size - 1, r + layout.HalfWidth(b)); c++)
                {
                    int e = layout.Index(b, r, c);
                    int down = layout.Index(b + 1, r - 1, c - 1);
                    var entries = row(e, layout.Index(b - 1, r + 1, c + 1), down);
                    if (entries is null)
                    {
                        return null;
                    }

                    var (d, fromUp, fromDown) = entries.Value;
                    valid[e] = true;
                    diagonal[e] = d;
                    above[e] = fromUp;
                    below[e] = fromDown;
                    next[e] = down;
                    if (down >= 0)
                    {
                        hasParent[down] = true;
                    }
                }
            }
        }

        // Each chain starts at an element with no parent (block b − 1 lacks it) and follows the links down in j.
        var order = new List<int>(count);
        var start = new List<int>();
        for (int e = 0; e < count; e++)
        {
            if (!valid[e] || hasParent[e])
            {
                continue;
            }

            start.Add(order.Count);
            for (int k = e; k >= 0; k = next[k])
            {
                order.Add(k);
            }
        }

        start.Add(order.Count);
        var orderArray = order.ToArray();
        var d2 = new Complex[orderArray.Length];
        var a2 = new double[orderArray.Length];
        var b2 = new double[orderArray.Length];
        for (int i = 0; i < orderArray.Length; i++)
        {
            d2[i] = diagonal[orderArray[i]];
            a2[i] = above[orderArray[i]];
            b2[i] = below[orderArray[i]];
        }

        return new DickeChains(orderArray, [.. start], d2, a2, b2);
    }

    /// <summary>Propagates <paramref name="data"/> (storage order) and observes it at each time.</summary>
    public void Integrate(Complex[] data, IReadOnlyList<double> times, double relativeTolerance, double spectralRadius, Action<int> observe)
    {
        int n = _order.Length;
        var y = new Complex[n];
        var full = new Complex[n];
        var half = new Complex[n];
        for (int i = 0; i < n; i++)
        {
            y[i] = data[_order[i]];
        }

        double now = 0;
        double step = 1 / Math.Max(spectralRadius, 1e-300);
        for (int index = 0; index < times.Count; index++)
        {
            while (now < times[index])
            {
                step = Math.Min(step, times[index] - now);
                Step(y, full, step);
                Step(y, half, step / 2);
                Step(half, half, step / 2);
                double errorSquare = 0, normSquare = 0;
                for (int i = 0; i < n; i++)
                {
                    var e = (half[i] - full[i]) / 7;
                    errorSquare += (e.Real * e.Real) + (e.Imaginary * e.Imaginary);
                    normSquare += (y[i].Real * y[i].Real) + (y[i].Imaginary * y[i].Imaginary);
                }

                double error = Math.Sqrt(errorSquare / Math.Max(normSquare, 1e-300)) / relativeTolerance;
                if (error <= 1)
                {
                    // Local extrapolation: the two half steps plus the error estimate.
                    for (int i = 0; i < n; i++)
                    {
                        y[i] = half[i] + ((half[i] - full[i]) / 7);
                    }

                    now += step;
                }

                step *= error == 0 ? 4 : Math.Clamp(0.9 * Math.Pow(error, -0.25), 0.2, 4);
                if (step < 1e-14 * Math.Max(times[^1], 1e-300))
                {
                    throw new LindbladException($"the chain integrator could not meet the tolerance {relativeTolerance:G2} at t = {now:G4}");
                }
            }

            for (int i = 0; i < n; i++)
            {
                data[_order[i]] = y[i];
            }

            observe(index);
        }
    }

    /// <summary>output = R(hT) input, chain by chain (output may be input); the chains are shared out over the cores.</summary>
    private void Step(Complex[] input, Complex[] output, double h)
    {
        int chains = _start.Length - 1;
        int parts = chains < 64 ? 1 : Environment.ProcessorCount * 4;
        Parallel.For(0, parts, part =>
        {
            var scratch = new Complex[3 * Math.Max(_longest, 1)];
            for (int c = part * chains / parts; c < (part + 1) * chains / parts; c++)
            {
                StepChain(c, input, output, h, scratch);
            }
        });
    }

    private void StepChain(int c, Complex[] input, Complex[] output, double h, Complex[] scratch)
    {
        int s = _start[c], length = _start[c + 1] - s;
        var rhs = scratch.AsSpan(0, length);

        // rhs = (I + hT/3) x
        for (int k = 0; k < length; k++)
        {
            int i = s + k;
            Complex t = _diagonal[i] * input[i];
            if (k > 0)
            {
                t += _fromAbove[i] * input[i - 1];
            }

            if (k + 1 < length)
            {
                t += _fromBelow[i] * input[i + 1];
            }

            rhs[k] = input[i] + (h / 3 * t);
        }

        Solve(s, length, h / RootA, rhs, scratch.AsSpan(length, length), scratch.AsSpan(2 * length, length));
        Solve(s, length, h / RootB, rhs, scratch.AsSpan(length, length), scratch.AsSpan(2 * length, length));
        rhs.CopyTo(output.AsSpan(s, length));
    }

    /// <summary>Solves (I − αT) x = rhs in place on one chain (Thomas algorithm).</summary>
    private void Solve(int s, int length, Complex alpha, Span<Complex> rhs, Span<Complex> upper, Span<Complex> work)
    {
        // Row k: −α·above_k x_{k−1} + (1 − α d_k) x_k − α·below_k x_{k+1} = rhs_k.
        Complex diagonal = 1 - (alpha * _diagonal[s]);
        upper[0] = length > 1 ? -alpha * _fromBelow[s] / diagonal : 0;
        work[0] = rhs[0] / diagonal;
        for (int k = 1; k < length; k++)
        {
            Complex lower = -alpha * _fromAbove[s + k];
            Complex pivot = 1 - (alpha * _diagonal[s + k]) - (lower * upper[k - 1]);
            upper[k] = k + 1 < length ? -alpha * _fromBelow[s + k] / pivot : 0;
            work[k] = (rhs[k] - (lower * work[k - 1])) / pivot;
        }

        for (int k = length - 2; k >= 0; k--)
        {
            work[k] -= upper[k] * work[k + 1];
        }

        work[..length].CopyTo(rhs);
    }
}
