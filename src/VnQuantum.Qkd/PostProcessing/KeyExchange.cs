using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using VnQuantum.Qkd.LinkSimulation;

namespace VnQuantum.Qkd.PostProcessing;

/// <summary>A whole simulated key exchange: the link, its length in pulses, the eavesdropper and the chain's choices.</summary>
/// <param name="Seed">Seed of the link simulation and of the chain's public randomness.</param>
/// <param name="EveFraction">Fraction of pulses an intercept–resend eavesdropper attacks, in [0, 1].</param>
/// <param name="Threads">Threads for the link simulation; 0 = all.</param>
public sealed record KeyExchangeOptions(
    QkdLink Link,
    long Pulses,
    ulong Seed,
    double EveFraction = 0,
    CascadeVariant Cascade = CascadeVariant.Yan,
    Reconciliation Method = Reconciliation.Cascade,
    int Threads = 0);

/// <summary>What a key exchange did: the intensities it chose, the link's time, and the chain's result (key included).</summary>
public sealed class KeyExchangeResult : IDisposable
{
    internal KeyExchangeResult(DecoySettings settings, double expectedKeyBasisBits, TimeSpan linkTime, ChainResult chain)
    {
        Settings = settings;
        ExpectedKeyBasisBits = expectedKeyBasisBits;
        LinkTime = linkTime;
        Chain = chain;
    }

    /// <summary>The intensities and basis bias optimised for the block these pulses give.</summary>
    public DecoySettings Settings { get; }

    /// <summary>The sifted key-basis bits the model expected (the block the settings were optimised for).</summary>
    public double ExpectedKeyBasisBits { get; }

    public TimeSpan LinkTime { get; }

    public ChainResult Chain { get; }

    /// <summary>Zeroes the keys.</summary>
    public void Dispose() => Chain.Dispose();
}

/// <summary>
/// One simulated key exchange end to end: choose the decoy intensities for the block the pulses will give, run the
/// link pulse by pulse, then the whole post-processing chain, authenticated with a fresh pre-shared key from the
/// operating system's CSPRNG. <c>vnq qkd simulate</c> and the KMS's simulated key source both run this.
/// </summary>
public static class KeyExchange
{
    /// <summary>The smallest expected block (sifted key-basis bits) a finite-key bound is taken on.</summary>
    public const double MinimumBlockBits = 1e3;

    // Bits of the pre-shared authentication key: enough for the chain's first messages, after which it is refilled
    // from the key it makes.
    private const int PreSharedBits = 1 << 14;

    /// <summary>The intensities for <paramref name="pulses"/> on <paramref name="link"/> and the block they give, or why the block is too small.</summary>
    public static (DecoySettings Settings, double KeyBasisBits, string? Problem) Plan(QkdLink link, double pulses)
    {
        var (settings, bits) = FiniteKeyDecoyBb84.OptimizeForPulses(link, pulses);
        return (settings, bits, bits < MinimumBlockBits
            ? $"{pulses:G} pulses give about {bits:F0} sifted key bits at {link.Fiber.LengthKm} km: too few for a finite-key block; send more pulses"
            : null);
    }

    /// <param name="progress">The link simulation's fraction done (the chain is quick beside it).</param>
    /// <exception cref="ArgumentException">The pulses give too small a block (<see cref="Plan"/> says so first).</exception>
    public static KeyExchangeResult Run(KeyExchangeOptions options, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (settings, bits, problem) = Plan(options.Link, options.Pulses);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        var clock = Stopwatch.StartNew();
        var record = LinkSimulator.Run(new LinkSimulationOptions(options.Link, settings, options.Pulses, options.Seed, options.EveFraction, options.Threads), progress);
        var linkTime = clock.Elapsed;
        using var preShared = new KeyBits(PreSharedBits);
        RandomNumberGenerator.Fill(MemoryMarshal.AsBytes(preShared.Words));
        using var alicePool = new AuthenticationKeyPool(preShared);
        using var bobPool = new AuthenticationKeyPool(preShared);
        var chain = PostProcessingChain.Run(record, settings, new ChainOptions(options.Cascade, Seed: options.Seed, Method: options.Method), alicePool, bobPool);
        return new KeyExchangeResult(settings, bits, linkTime, chain);
    }
}
