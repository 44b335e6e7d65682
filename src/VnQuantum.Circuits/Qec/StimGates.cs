using System.Collections.Frozen;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Qec;

/// <summary>
/// Stim's unitary gates as sequences of the stabilizer engine's own (H, S, S†, X, Y, Z, CX, CY, CZ, SWAP), each equal to
/// the gate's unitary in Stim's gate reference (doc/gates.md) up to a global phase. The sequences are the shortest
/// words in these generators, found by a breadth-first search of the Clifford group; the tests check every one
/// against the reference's matrix.
/// </summary>
internal static class StimGates
{
    /// <summary>One step of a decomposition: a gate on the instruction's first (0) or second (1) target.</summary>
    internal readonly record struct Step(CliffordKind Kind, int First, int Second = -1);

    private static readonly FrozenDictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["H_XZ"] = "H",
        ["SQRT_Z"] = "S",
        ["SQRT_Z_DAG"] = "S_DAG",
        ["CNOT"] = "CX",
        ["ZCX"] = "CX",
        ["ZCY"] = "CY",
        ["ZCZ"] = "CZ",
        ["MZ"] = "M",
        ["RZ"] = "R",
        ["MRZ"] = "MR",
        ["CORRELATED_ERROR"] = "E",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Step[]> OneQubit = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["I"] = "",
        ["X"] = "X",
        ["Y"] = "Y",
        ["Z"] = "Z",
        ["H"] = "H",
        ["S"] = "S",
        ["S_DAG"] = "Sdg",
        ["SQRT_X"] = "H S H",
        ["SQRT_X_DAG"] = "H Sdg H",
        ["SQRT_Y"] = "H X",
        ["SQRT_Y_DAG"] = "H Z",
        ["H_XY"] = "S Y",
        ["H_YZ"] = "Sdg H S",
        ["H_NXY"] = "S X",
        ["H_NXZ"] = "H Y",
        ["H_NYZ"] = "S H Sdg",
        ["C_XYZ"] = "Sdg H",
        ["C_ZYX"] = "H S",
        ["C_NXYZ"] = "S H Y",
        ["C_NZYX"] = "H S X",
        ["C_XNYZ"] = "S H",
        ["C_XYNZ"] = "S H Z",
        ["C_ZNYX"] = "H Sdg",
        ["C_ZYNX"] = "H S Y",
    }.ToFrozenDictionary(p => p.Key, p => p.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(g => new Step(Kind(g), 0)).ToArray(), StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, Step[]> TwoQubit = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["II"] = "",
        ["CX"] = "CX 0 1",
        ["CY"] = "CY 0 1",
        ["CZ"] = "CZ 0 1",
        ["SWAP"] = "SWAP 0 1",
        ["CXSWAP"] = "CX 0 1; SWAP 0 1",
        ["CZSWAP"] = "CZ 0 1; SWAP 0 1",
        ["SWAPCZ"] = "CZ 0 1; SWAP 0 1",
        ["SWAPCX"] = "CX 0 1; CX 1 0",
        ["ISWAP"] = "S 0; S 1; CZ 0 1; SWAP 0 1",
        ["ISWAP_DAG"] = "Sdg 0; Sdg 1; CZ 0 1; SWAP 0 1",
        ["SQRT_XX"] = "Sdg 0; CX 0 1; H 0; Sdg 0; CX 0 1",
        ["SQRT_XX_DAG"] = "S 0; CX 0 1; H 0; S 0; CX 0 1",
        ["SQRT_YY"] = "Z 0; CY 0 1; H 0; CY 0 1",
        ["SQRT_YY_DAG"] = "CY 0 1; H 0; Z 0; CY 0 1",
        ["SQRT_ZZ"] = "S 0; S 1; CZ 0 1",
        ["SQRT_ZZ_DAG"] = "Sdg 0; Sdg 1; CZ 0 1",
        ["XCX"] = "H 0; CX 0 1; H 0",
        ["XCY"] = "H 0; CY 0 1; H 0",
        ["XCZ"] = "CX 1 0",
        ["YCX"] = "H 1; CY 1 0; H 1",
        ["YCY"] = "Sdg 0; H 0; CY 0 1; H 0; S 0",
        ["YCZ"] = "CY 1 0",
    }.ToFrozenDictionary(p => p.Key, p => p.Value.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(ParseStep).ToArray(), StringComparer.Ordinal);

    /// <summary>Stim's canonical name for <paramref name="name"/> (upper case, aliases resolved).</summary>
    public static string Canonical(string name)
    {
        string upper = name.ToUpperInvariant();
        return Aliases.TryGetValue(upper, out string? canonical) ? canonical : upper;
    }

    public static bool TryOneQubit(string canonical, out Step[] steps) => OneQubit.TryGetValue(canonical, out steps!);

    public static bool TryTwoQubit(string canonical, out Step[] steps) => TwoQubit.TryGetValue(canonical, out steps!);

    /// <summary>Every unitary gate name this reader accepts (canonical names), for the tests and the docs.</summary>
    public static IEnumerable<string> UnitaryNames => OneQubit.Keys.Concat(TwoQubit.Keys);

    private static Step ParseStep(string text)
    {
        string[] parts = text.Trim().Split(' ');
        return new Step(Kind(parts[0]), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), parts.Length > 2 ? int.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture) : -1);
    }

    private static CliffordKind Kind(string gate) => gate switch
    {
        "H" => CliffordKind.H,
        "S" => CliffordKind.S,
        "Sdg" => CliffordKind.Sdg,
        "X" => CliffordKind.X,
        "Y" => CliffordKind.Y,
        "Z" => CliffordKind.Z,
        "CX" => CliffordKind.CX,
        "CY" => CliffordKind.CY,
        "CZ" => CliffordKind.CZ,
        "SWAP" => CliffordKind.Swap,
        _ => throw new InvalidOperationException($"No engine gate {gate}."),
    };
}
