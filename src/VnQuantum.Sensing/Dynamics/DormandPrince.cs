using System.Numerics;

namespace VnQuantum.Sensing.Dynamics;

/// <summary>
/// Adaptive Dormand–Prince 5(4) for dy/dt = f(y) on a complex vector (a vectorised density matrix or a Dicke-block
/// state), with the relative error in the 2-norm. When the step collapses below the minimum (a stiff problem) it stops
/// with a <see cref="LindbladException"/> that names t and the step instead of crawling.
/// </summary>
internal static class DormandPrince
{
    private static readonly double[][] A =
    [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
        [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ];

    private static readonly double[] B5 = [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0];
    private static readonly double[] B4 = [5179.0 / 57600, 0, 7571.0 / 16695, 393.0 / 640, -92097.0 / 339200, 187.0 / 2100, 1.0 / 40];

    /// <summary>
    /// Integrates from t = 0 and calls <paramref name="observe"/> with the index and state at each of
    /// <paramref name="times"/> (increasing, ≥ 0). <paramref name="y"/> is advanced in place.
    /// </summary>
    public static void Integrate(
        Complex[] y,
        IReadOnlyList<double> times,
        Action<Complex[], Complex[]> derivative,
        LindbladOptions options,
        Action<int, Complex[]> observe)
    {
        int n = y.Length;
        var k = new Complex[7][];
        for (int s = 0; s < 7; s++)
        {
            k[s] = new Complex[n];
        }

        var stage = new Complex[n];
        var fifth = new Complex[n];
        double now = 0;
        double span = Math.Max(times.Count == 0 ? 0 : times[^1], 1e-300);
        double step = span / 100;
        for (int index = 0; index < times.Count; index++)
        {
            double target = times[index];
            while (now < target)
            {
                step = Math.Min(step, target - now);
                for (int s = 0; s < 7; s++)
                {
                    Array.Copy(y, stage, n);
                    for (int j = 0; j < s; j++)
                    {
                        double w = step * A[s][j];
                        if (w != 0)
                        {
                            var kj = k[j];
                            for (int i = 0; i < n; i++)
                            {
                                stage[i] += w * kj[i];
                            }
                        }
                    }

                    derivative(stage, k[s]);
                }

                double errorSquare = 0, normSquare = 0;
                for (int i = 0; i < n; i++)
                {
                    Complex high = y[i], error = 0;
                    for (int s = 0; s < 7; s++)
                    {
                        high += step * B5[s] * k[s][i];
                        error += step * (B5[s] - B4[s]) * k[s][i];
                    }

                    fifth[i] = high;
                    errorSquare += (error.Real * error.Real) + (error.Imaginary * error.Imaginary);
                    normSquare += (y[i].Real * y[i].Real) + (y[i].Imaginary * y[i].Imaginary);
                }

                double errorNorm = Math.Sqrt(errorSquare / Math.Max(normSquare, 1e-300));
                if (errorNorm <= options.RelativeTolerance || step <= options.MinimumStep * span)
                {
                    if (errorNorm > options.RelativeTolerance)
                    {
                        throw new LindbladException(
                            $"the integrator could not meet the tolerance {options.RelativeTolerance:G2} at t = {now:G4}: the step fell to {step:G3} (stiff: rates far apart); " +
                            $"use a smaller system (exact up to dimension {options.ExactUpToDimension}) or a looser tolerance");
                    }

                    Array.Copy(fifth, y, n);
                    now += step;
                }

                double factor = errorNorm == 0 ? 5 : Math.Clamp(0.9 * Math.Pow(options.RelativeTolerance / errorNorm, 0.2), 0.2, 5);
                step *= factor;
            }

            observe(index, y);
        }
    }
}
