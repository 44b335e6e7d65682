using System.Collections.Concurrent;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Network;

/// <summary>
/// The secret-key rate of each link in bit/s, from the link physics of <c>VnQuantum.Qkd</c>: the profile's devices
/// (a preset of <see cref="LinkPresets"/>, loss, pulse rate), its protocol (any of <see cref="KeyRateProtocols"/>; the
/// finite-key one at the profile's block size with ε_sec = 10⁻¹⁰ and ε_cor = 10⁻¹⁵) and the link's length.
/// Optimising a finite-key rate takes milliseconds, so results are kept per profile and length (rounded to 0.1 km).
/// </summary>
public sealed class LinkRates
{
    private readonly ConcurrentDictionary<(string Profile, double LengthKm, double? Loss), double> _cache = new();

    /// <summary>The rate of <paramref name="link"/> in <paramref name="topology"/> (bit/s); 0 beyond the protocol's reach.</summary>
    public double SecretKeyRate(Topology topology, Link link)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(link);
        var profile = topology.ProfileByName(link.Profile);
        double length = Math.Round(link.LengthKm, 1);
        return _cache.GetOrAdd((profile.Name, length, link.LossDbPerKm), _ => Compute(profile, length, link.LossDbPerKm));
    }

    /// <summary>Every link's rate, in the order of <see cref="Topology.Links"/>, computed in parallel.</summary>
    public double[] All(Topology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var rates = new double[topology.Links.Length];
        Parallel.For(0, rates.Length, i => rates[i] = SecretKeyRate(topology, topology.Links[i]));
        return rates;
    }

    /// <summary>The device model behind a profile at a given length.</summary>
    public static QkdLink Model(LinkProfile profile, double lengthKm, double? lossDbPerKm = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var link = LinkPresets.Create(profile.Preset, lengthKm);
        if ((lossDbPerKm ?? profile.LossDbPerKm) is double loss)
        {
            link = link with { Fiber = link.Fiber with { LossDbPerKm = loss } };
        }

        if (profile.RepetitionRateHz is double rate)
        {
            link = link with { RepetitionRateHz = rate };
        }

        return link;
    }

    private static double Compute(LinkProfile profile, double lengthKm, double? loss)
    {
        var link = Model(profile, lengthKm, loss);
        double perPulse = KeyRateProtocols.Find(profile.Protocol).Evaluate(link, new FiniteKeyBlock(profile.BlockBits)).RatePerPulse;
        return Math.Max(0, perPulse) * link.RepetitionRateHz;
    }
}
