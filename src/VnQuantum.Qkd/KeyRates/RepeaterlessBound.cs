namespace VnQuantum.Qkd.KeyRates;

/// <summary>Fundamental limits of key distribution over a lossy channel, in bits per channel use.</summary>
public static class RepeaterlessBound
{
    /// <summary>
    /// The PLOB bound −log₂(1 − η): the secret-key capacity of a pure-loss channel of transmittance η without repeaters
    /// (Pirandola, Laurenza, Ottaviani, Banchi, Nat. Commun. 8, 15043 (2017)). No point-to-point protocol exceeds it.
    /// </summary>
    public static double Plob(double transmittance)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(transmittance);
        return transmittance >= 1 ? double.PositiveInfinity : -Math.Log2(1 - transmittance);
    }

    /// <summary>
    /// The capacity with one (untrusted or trusted) middle node, −log₂(1 − √η): each half of the channel has
    /// transmittance √η. Twin-field QKD lives between this and <see cref="Plob"/>.
    /// </summary>
    public static double SingleRelay(double transmittance) => Plob(Math.Sqrt(transmittance));
}
