using System.Globalization;
using VnQuantum.Qkd.Links;

namespace VnQuantum.Qkd.KeyRates;

/// <summary>The finite-key block a protocol is judged on; the asymptotic protocols ignore it.</summary>
/// <param name="BlockBits">n_X: sifted key-basis bits per block (Lim et al. 2014), ≥ 10³.</param>
/// <param name="EpsilonSecrecy">ε_sec of the finished key.</param>
/// <param name="EpsilonCorrectness">ε_cor of the finished key.</param>
public sealed record FiniteKeyBlock(double BlockBits = 1e8, double EpsilonSecrecy = 1e-10, double EpsilonCorrectness = 1e-15)
{
    /// <summary>The block every command and topology file takes when none is given.</summary>
    public static FiniteKeyBlock Default { get; } = new();
}

/// <summary>One optimised parameter of a key-rate point (an intensity, a basis bias), by a name fit for JSON.</summary>
/// <param name="Name">JSON name: <c>mu</c>, <c>nu</c>, <c>q_x</c>, <c>mu1</c>, <c>mu2</c>, <c>send_probability</c>.</param>
/// <param name="Symbol">How a table writes it (μ, ν, q_x, μ1, ε).</param>
/// <param name="Value">The value.</param>
public readonly record struct KeyRateParameter(string Name, string Symbol, double Value);

/// <summary>The secret key per pulse a protocol gives on a link, with the parameters that gave it.</summary>
public sealed record KeyRatePoint(double RatePerPulse, IReadOnlyList<KeyRateParameter> Parameters)
{
    /// <summary>The parameters as a table cell (<c>μ=0.482</c>), or "no key" when the rate is 0.</summary>
    public string Summary => RatePerPulse <= 0 && Parameters.Count == 0
        ? "no key"
        : string.Join(" ", Parameters.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Symbol}={Format(p)}")));

    private static string Format(KeyRateParameter p) => p.Value switch
    {
        0 => "0",
        < 1e-2 => p.Value.ToString("E2", CultureInfo.InvariantCulture),
        _ => p.Value.ToString("F3", CultureInfo.InvariantCulture),
    };
}

/// <summary>A key-rate protocol by the name commands, topology files and the hub spell it.</summary>
/// <param name="Name">bb84-decoy, bb84-vacuum-weak, bb84-finite, bbm92-middle, bbm92-end or tf-sns.</param>
/// <param name="Description">One line: the protocol and its source.</param>
/// <param name="IsFiniteKey">Whether <see cref="FiniteKeyBlock"/> changes the rate.</param>
public sealed record KeyRateProtocol(string Name, string Description, bool IsFiniteKey, Func<QkdLink, FiniteKeyBlock, KeyRatePoint> Rate)
{
    /// <summary>The optimised rate of this protocol on <paramref name="link"/>.</summary>
    public KeyRatePoint Evaluate(QkdLink link, FiniteKeyBlock? block = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        return Rate(link, block ?? FiniteKeyBlock.Default);
    }
}

/// <summary>
/// The one registry of key-rate protocols: the CLI's <c>qkd rate</c>, the network planner's link rates and the hub's
/// key-rate page all dispatch here, so they offer the same protocols and compute them the same way.
/// </summary>
public static class KeyRateProtocols
{
    /// <summary>The weak-decoy intensity ν of <c>bb84-vacuum-weak</c> (Ma et al. 2005 take ν small against μ).</summary>
    public const double VacuumWeakNu = 0.05;

    /// <summary>Every protocol, in the order menus and help texts list them.</summary>
    public static IReadOnlyList<KeyRateProtocol> All { get; } =
    [
        new("bb84-decoy", "decoy-state BB84, infinite decoys, asymptotic (Lo–Ma–Chen 2005)", false, (link, _) =>
        {
            var (mu, rate) = DecoyStateBb84.OptimalInfiniteDecoy(link);
            return new(rate, [new("mu", "μ", mu)]);
        }),
        new("bb84-vacuum-weak", "decoy-state BB84 with a vacuum and one weak decoy, asymptotic (Ma et al. 2005)", false, (link, _) =>
        {
            var (mu, rate) = DecoyStateBb84.OptimalVacuumWeakDecoy(link, VacuumWeakNu);
            return new(rate, [new("mu", "μ", mu), new("nu", "ν", VacuumWeakNu)]);
        }),
        new("bb84-finite", "finite-key decoy BB84, three intensities (Lim et al. 2014)", true, (link, block) =>
        {
            var (s, r) = FiniteKeyDecoyBb84.Optimize(link, block.BlockBits, block.EpsilonSecrecy, block.EpsilonCorrectness);
            return r.RatePerPulse > 0
                ? new(r.RatePerPulse, [new("q_x", "q_x", s.KeyBasisProbability), new("mu1", "μ1", s.Mu1), new("mu2", "μ2", s.Mu2)])
                : new(0, []);
        }),
        new("bbm92-middle", "entanglement-based BB84 (BBM92), pair source in the middle", false, (link, _) =>
        {
            var (mu, rate) = EntanglementBasedBb84.Optimal(link, SourcePosition.Middle);
            return new(rate, [new("mu", "pairs μ", mu)]);
        }),
        new("bbm92-end", "entanglement-based BB84 (BBM92), pair source at Alice", false, (link, _) =>
        {
            var (mu, rate) = EntanglementBasedBb84.Optimal(link, SourcePosition.AtAlice);
            return new(rate, [new("mu", "pairs μ", mu)]);
        }),
        new("tf-sns", "sending-or-not-sending twin-field QKD (Wang–Yu–Hu 2018)", false, (link, _) =>
        {
            var (eps, mu, rate) = SendingOrNotSendingTfQkd.Optimal(link);
            return new(rate, [new("send_probability", "ε", eps), new("mu", "μ", mu)]);
        }),
    ];

    /// <summary>The names of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(p => p.Name)];

    /// <summary>Whether <paramref name="name"/> is a protocol.</summary>
    public static bool IsKnown(string? name) => All.Any(p => p.Name == name);

    /// <summary>The message for a name that is not a protocol; it lists the known ones.</summary>
    public static string UnknownMessage(string? name) => $"unknown protocol '{name}' (known: {string.Join(", ", Names)})";

    /// <summary>A protocol by name.</summary>
    /// <exception cref="ArgumentException">An unknown name; the message lists the known ones.</exception>
    public static KeyRateProtocol Find(string? name) =>
        All.FirstOrDefault(p => p.Name == name) ?? throw new ArgumentException(UnknownMessage(name), nameof(name));
}
