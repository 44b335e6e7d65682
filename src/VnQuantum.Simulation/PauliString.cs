namespace VnQuantum.Simulation;

/// <summary>
/// A tensor product of Pauli operators, stored as bit masks: X on the bits of <see cref="XMask"/>, Z on those of
/// <see cref="ZMask"/>, Y where both are set. P|i⟩ = i^(#Y) (−1)^popcount(i ∧ z) |i ⊕ x⟩.
/// </summary>
public sealed class PauliString
{
    private PauliString(string label, long xMask, long zMask, int yCount)
    {
        Label = label;
        XMask = xMask;
        ZMask = zMask;
        YCount = yCount;
    }

    /// <summary>The label as given, in Qiskit's order: the rightmost letter acts on qubit 0.</summary>
    public string Label { get; }

    public long XMask { get; }

    public long ZMask { get; }

    public int YCount { get; }

    /// <summary>The number of letters, i.e. the highest qubit it names plus one.</summary>
    public int Length => Label.Length;

    /// <summary>Parses a label of I, X, Y, Z letters (rightmost = qubit 0), as Qiskit's <c>Pauli("XZI")</c>.</summary>
    /// <exception cref="FormatException">A letter other than I, X, Y, Z, or more than 62 letters.</exception>
    public static PauliString Parse(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (label.Length is 0 or > 62)
        {
            throw new FormatException($"A Pauli string needs 1 to 62 letters; '{label}' has {label.Length}.");
        }

        long x = 0, z = 0;
        int y = 0;
        for (int k = 0; k < label.Length; k++)
        {
            long bit = 1L << (label.Length - 1 - k);
            switch (char.ToUpperInvariant(label[k]))
            {
                case 'I': break;
                case 'X': x |= bit; break;
                case 'Z': z |= bit; break;
                case 'Y': x |= bit; z |= bit; y++; break;
                default: throw new FormatException($"'{label[k]}' at position {k + 1} of '{label}' is not one of I, X, Y, Z.");
            }
        }

        return new PauliString(label.ToUpperInvariant(), x, z, y);
    }

    public override string ToString() => Label;
}
