namespace VnQuantum.Sensing;

/// <summary>Golden-section search for the minimum of a unimodal function on an interval (the designs' 1-D optimisations).</summary>
/// <remarks>
/// Not Math.NET's <c>GoldenSectionMinimizer</c> (5.0), tried in its place: it evaluates both interior points afresh on
/// every iteration (23 evaluations for 10 shrinkings of (x − 0.37)² on [0, 1], against 12 here), which doubles the
/// cost of the squeezed-probe search where one evaluation is a master-equation solution, and its optimum after that
/// budget lost the squeezing gain <c>DickeBlockTests</c> checks (1.04 against > 1.1); it also throws when the
/// minimum lies on an end of the interval, which the sensor searches meet. It takes no cancellation token either.
/// </remarks>
internal static class GoldenSection
{
    private const double Ratio = 0.6180339887498949;

    /// <summary>The x in [lo, hi] that minimises <paramref name="f"/>, after <paramref name="iterations"/> shrinkings (or when the bracket is below <paramref name="tolerance"/>).</summary>
    /// <param name="cancel">Checked before each evaluation: a caller's deadline (a web request) stops the search.</param>
    public static double Minimum(Func<double, double> f, double lo, double hi, int iterations, double tolerance = 0, CancellationToken cancel = default)
    {
        double x1 = hi - (Ratio * (hi - lo)), x2 = lo + (Ratio * (hi - lo));
        double f1 = f(x1), f2 = f(x2);
        for (int i = 0; i < iterations && hi - lo > tolerance; i++)
        {
            cancel.ThrowIfCancellationRequested();
            if (f1 < f2)
            {
                (hi, x2, f2) = (x2, x1, f1);
                x1 = hi - (Ratio * (hi - lo));
                f1 = f(x1);
            }
            else
            {
                (lo, x1, f1) = (x1, x2, f2);
                x2 = lo + (Ratio * (hi - lo));
                f2 = f(x2);
            }
        }

        return f1 < f2 ? x1 : x2;
    }
}
