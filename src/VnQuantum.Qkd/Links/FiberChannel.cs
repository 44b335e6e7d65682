namespace VnQuantum.Qkd.Links;

/// <summary>A standard single-mode fibre span.</summary>
/// <param name="LengthKm">Length in kilometres, ≥ 0.</param>
/// <param name="LossDbPerKm">Attenuation in dB/km, ≥ 0. Default 0.2 (SMF-28 at 1550 nm).</param>
public sealed record FiberChannel(double LengthKm, double LossDbPerKm = 0.2)
{
    /// <summary>Total loss in dB: <c>LossDbPerKm · LengthKm</c>.</summary>
    public double LossDb => LossDbPerKm * LengthKm;

    /// <summary>Power transmittance η = 10^(−loss/10), in (0, 1].</summary>
    public double Transmittance => Math.Pow(10.0, -LossDb / 10.0);

    /// <summary>The same fibre cut to another length.</summary>
    public FiberChannel WithLength(double lengthKm) => this with { LengthKm = lengthKm };
}
