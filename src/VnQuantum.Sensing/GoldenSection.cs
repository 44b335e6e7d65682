namespace VnQuantum.Sensing;

/// <summary>Golden-section search for the minimum of a unimodal function on an interval (the designs' 1-D optimisations).</summary>
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
