namespace VnQuantum.Sensing;

/// <summary>Two unit vectors completing a direction to a right-handed orthonormal frame (x, y, n).</summary>
internal static class OrthonormalFrame
{
    /// <summary>(x, y) orthogonal to the unit vector <paramref name="n"/> and to each other, with x × y = n.</summary>
    public static (double[] X, double[] Y) Around(double[] n)
    {
        // Start from the lab axis least parallel to n, then Gram–Schmidt and a cross product.
        double[] seed = Math.Abs(n[0]) < 0.9 ? [1, 0, 0] : [0, 1, 0];
        double dot = (seed[0] * n[0]) + (seed[1] * n[1]) + (seed[2] * n[2]);
        double[] x = [seed[0] - (dot * n[0]), seed[1] - (dot * n[1]), seed[2] - (dot * n[2])];
        double norm = Math.Sqrt((x[0] * x[0]) + (x[1] * x[1]) + (x[2] * x[2]));
        x = [x[0] / norm, x[1] / norm, x[2] / norm];
        double[] y = [(n[1] * x[2]) - (n[2] * x[1]), (n[2] * x[0]) - (n[0] * x[2]), (n[0] * x[1]) - (n[1] * x[0])];
        return (x, y);
    }
}
