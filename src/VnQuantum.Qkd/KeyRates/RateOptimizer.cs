using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace VnQuantum.Qkd.KeyRates;

/// <summary>Maximises a key rate over protocol parameters (intensities, probabilities) with Math.NET's optimisers.</summary>
internal static class RateOptimizer
{
    /// <summary>Golden-section search for the maximum of a unimodal function on [lower, upper].</summary>
    public static (double Argument, double Value) Maximize1D(Func<double, double> rate, double lower, double upper)
    {
        // Rates are zero (flat) beyond the maximum distance; a coarse scan finds the hump before the golden section
        // refines it, so a flat start does not mislead the search.
        const int grid = 24;
        double bestX = lower, bestY = double.NegativeInfinity;
        for (int i = 0; i <= grid; i++)
        {
            double x = lower + ((upper - lower) * i / grid);
            double y = rate(x);
            if (y > bestY)
            {
                (bestX, bestY) = (x, y);
            }
        }

        double step = (upper - lower) / grid;
        double lo = Math.Max(lower, bestX - step), hi = Math.Min(upper, bestX + step);
        var result = GoldenSectionMinimizer.Minimum(
            ObjectiveFunction.ScalarValue(x => -rate(x)), lo, hi, xTolerance: 1e-7, maxIterations: 500);
        double value = -result.FunctionInfoAtMinimum.Value;
        return value >= bestY ? (result.MinimizingPoint, value) : (bestX, bestY);
    }

    /// <summary>
    /// Nelder–Mead maximum over unconstrained coordinates (callers map them onto their feasible set). Returns the best
    /// point found even when the simplex stops on its iteration limit.
    /// </summary>
    public static (double[] Argument, double Value) MaximizeNd(Func<double[], double> rate, double[] start)
    {
        double[] best = (double[])start.Clone();
        double bestValue = rate(best);
        double Objective(Vector<double> v)
        {
            double[] x = v.ToArray();
            double y = rate(x);
            if (y > bestValue)
            {
                bestValue = y;
                best = x;
            }

            return double.IsFinite(y) ? -y : double.MaxValue;
        }

        for (int restart = 0; restart < 3; restart++)
        {
            var simplex = new NelderMeadSimplex(1e-12, 4000);
            try
            {
                simplex.FindMinimum(ObjectiveFunction.Value(Objective), Vector<double>.Build.DenseOfArray(best));
            }
            catch (MaximumIterationsException)
            {
                // The best point seen so far is kept by Objective; a restart from it resets the simplex.
            }
        }

        return (best, bestValue);
    }

    /// <summary>The largest distance in [0, maxKm] where <paramref name="rateAt"/> is positive (bisection to 1 m).</summary>
    public static double MaximumDistance(Func<double, double> rateAt, double maxKm = 1000)
    {
        if (rateAt(0) <= 0)
        {
            return 0;
        }

        double lo = 0, hi = Math.Min(10, maxKm);
        while (rateAt(hi) > 0)
        {
            if (hi >= maxKm)
            {
                return maxKm;
            }

            lo = hi;
            hi = Math.Min(2 * hi, maxKm);
        }

        while (hi - lo > 1e-3)
        {
            double mid = 0.5 * (lo + hi);
            if (rateAt(mid) > 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public static double Logistic(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public static double Logit(double p) => Math.Log(p / (1 - p));

}
