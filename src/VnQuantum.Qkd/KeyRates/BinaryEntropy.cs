namespace VnQuantum.Qkd.KeyRates;

/// <summary>The binary Shannon entropy, the currency of every key-rate formula.</summary>
public static class BinaryEntropy
{
    /// <summary>h(x) = −x·log₂x − (1−x)·log₂(1−x), with h(0) = h(1) = 0. Arguments above 1/2 are legal (h is symmetric);
    /// outside [0, 1] the result is NaN.</summary>
    public static double Of(double x)
    {
        if (x is < 0 or > 1 || double.IsNaN(x))
        {
            return double.NaN;
        }

        if (x == 0 || x == 1)
        {
            return 0;
        }

        return (-x * Math.Log2(x)) - ((1 - x) * Math.Log2(1 - x));
    }
}
