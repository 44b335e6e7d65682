using System.Text;
using VnQuantum.Randomness;

namespace VnQuantum.Simulation.Stabilizer;

/// <summary>
/// A stabilizer state of n qubits as the Aaronson–Gottesman tableau (PRA 70, 052328 (2004)): n destabilizer and n
/// stabilizer generators with their signs. Stored column-major and bit-packed as Stim does: for each qubit, the X and
/// Z bits of all 2n generators are consecutive 64-bit words (destabilizers in the first half, stabilizers in the
/// second), so a gate touches two columns with word-parallel (Vector256) operations, O(n/64) per gate, and a
/// measurement's row multiplications run over all rows at once, O(n²/64).
/// </summary>
/// <remarks>Bit order as the state vector: qubit 0 is the least significant bit of a basis index.</remarks>
public sealed class StabilizerTableau : ICliffordState
{
    // Column q occupies words [q·2H, (q+1)·2H): H words of destabilizer bits, then H words of stabilizer bits.
    private readonly int _half;
    private readonly ulong[] _x;
    private readonly ulong[] _z;
    private readonly ulong[] _signs;

    // Scratch for measurement (allocated once).
    private readonly ulong[] _rows;
    private readonly ulong[] _lo;
    private readonly ulong[] _hi;
    private readonly int[] _words;

    /// <summary>Creates |0…0⟩: destabilizer i is X_i, stabilizer i is Z_i.</summary>
    public StabilizerTableau(int qubits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qubits);
        QubitCount = qubits;
        _half = (qubits + 63) / 64;
        _x = new ulong[(long)qubits * 2 * _half];
        _z = new ulong[(long)qubits * 2 * _half];
        _signs = new ulong[2 * _half];
        _rows = new ulong[2 * _half];
        _lo = new ulong[2 * _half];
        _hi = new ulong[2 * _half];
        _words = new int[2 * _half];
        for (int q = 0; q < qubits; q++)
        {
            BitWords.Set(X(q), q, true);
            BitWords.Set(Z(q), (_half * 64) + q, true);
        }
    }

    public int QubitCount { get; }

    /// <summary>Bytes a tableau of <paramref name="qubits"/> qubits needs (about n²/2).</summary>
    public static long RequiredBytes(int qubits) => (long)qubits * 2 * ((qubits + 63) / 64) * 8 * 2;

    /// <summary>Returns to |0…0⟩.</summary>
    public void Clear()
    {
        Array.Clear(_x);
        Array.Clear(_z);
        Array.Clear(_signs);
        for (int q = 0; q < QubitCount; q++)
        {
            BitWords.Set(X(q), q, true);
            BitWords.Set(Z(q), (_half * 64) + q, true);
        }
    }

    public void H(int q)
    {
        Require(q);
        BitWords.Hadamard(X(q), Z(q), _signs);
    }

    /// <summary>S = diag(1, i): X → Y, Y → −X.</summary>
    public void S(int q)
    {
        Require(q);
        var x = X(q);
        var z = Z(q);
        for (int i = 0; i < x.Length; i++)
        {
            _signs[i] ^= x[i] & z[i];
            z[i] ^= x[i];
        }
    }

    /// <summary>S† = diag(1, −i): X → −Y, Y → X.</summary>
    public void Sdg(int q)
    {
        Require(q);
        var x = X(q);
        var z = Z(q);
        for (int i = 0; i < x.Length; i++)
        {
            _signs[i] ^= x[i] & ~z[i];
            z[i] ^= x[i];
        }
    }

    public void PauliX(int q)
    {
        Require(q);
        BitWords.Xor(_signs, Z(q));
    }

    public void PauliZ(int q)
    {
        Require(q);
        BitWords.Xor(_signs, X(q));
    }

    public void PauliY(int q)
    {
        Require(q);
        BitWords.Xor(_signs, X(q));
        BitWords.Xor(_signs, Z(q));
    }

    public void CX(int control, int target)
    {
        RequirePair(control, target);
        BitWords.ControlledX(X(control), Z(control), X(target), Z(target), _signs);
    }

    public void CZ(int a, int b)
    {
        RequirePair(a, b);
        H(b);
        CX(a, b);
        H(b);
    }

    public void CY(int control, int target)
    {
        RequirePair(control, target);
        Sdg(target);
        CX(control, target);
        S(target);
    }

    public void Swap(int a, int b)
    {
        RequirePair(a, b);
        BitWords.Swap(X(a), X(b));
        BitWords.Swap(Z(a), Z(b));
    }

    /// <summary>True when measuring <paramref name="q"/> in Z has a determined outcome (no stabilizer anticommutes with Z_q).</summary>
    public bool IsDeterministic(int q)
    {
        Require(q);
        return BitWords.IsZero(X(q)[_half..]);
    }

    /// <summary>
    /// Measures <paramref name="q"/> in the Z basis, collapses, and returns the outcome. A random outcome draws one
    /// bit from <paramref name="random"/>; a determined one draws nothing.
    /// </summary>
    public int MeasureZ(int q, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Require(q);
        int p = Pivot(q);
        return p < 0 ? DeterminedOutcome(q) : CollapseRandom(q, p, (random.NextUInt64() & 1) == 1);
    }

    /// <summary>Measures <paramref name="q"/> in Z; <paramref name="coin"/> decides a random outcome (for reference samples that force 0).</summary>
    public int MeasureZ(int q, Func<bool> coin)
    {
        ArgumentNullException.ThrowIfNull(coin);
        Require(q);
        int p = Pivot(q);
        return p < 0 ? DeterminedOutcome(q) : CollapseRandom(q, p, coin());
    }

    /// <summary>The first stabilizer that anticommutes with Z_q (as a row bit), or −1 when the outcome is determined.</summary>
    private int Pivot(int q)
    {
        var xq = X(q);
        for (int w = _half; w < 2 * _half; w++)
        {
            if (xq[w] != 0)
            {
                return (w * 64) + System.Numerics.BitOperations.TrailingZeroCount(xq[w]);
            }
        }

        return -1;
    }

    /// <summary>Measures in the X basis (H, measure Z, H).</summary>
    public int MeasureX(int q, SeededRandom random)
    {
        H(q);
        int m = MeasureZ(q, random);
        H(q);
        return m;
    }

    /// <summary>Measures in the Y basis (S†, H, measure Z, H, S).</summary>
    public int MeasureY(int q, SeededRandom random)
    {
        Sdg(q);
        H(q);
        int m = MeasureZ(q, random);
        H(q);
        S(q);
        return m;
    }

    /// <summary>Resets <paramref name="q"/> to |0⟩ (measure, then flip on 1).</summary>
    public void Reset(int q, SeededRandom random)
    {
        if (MeasureZ(q, random) == 1)
        {
            PauliX(q);
        }
    }

    /// <summary>The stabilizer generators as signed labels in Qiskit order ("+XZI": rightmost letter on qubit 0).</summary>
    public IReadOnlyList<string> Stabilizers()
    {
        var list = new List<string>(QubitCount);
        for (int i = 0; i < QubitCount; i++)
        {
            list.Add(RowLabel((_half * 64) + i));
        }

        return list;
    }

    /// <summary>The destabilizer generators, as <see cref="Stabilizers"/>.</summary>
    public IReadOnlyList<string> Destabilizers()
    {
        var list = new List<string>(QubitCount);
        for (int i = 0; i < QubitCount; i++)
        {
            list.Add(RowLabel(i));
        }

        return list;
    }

    private string RowLabel(int row)
    {
        var label = new StringBuilder(QubitCount + 1);
        label.Append(BitWords.Get(_signs, row) ? '-' : '+');
        for (int q = QubitCount - 1; q >= 0; q--)
        {
            bool x = BitWords.Get(X(q), row), z = BitWords.Get(Z(q), row);
            label.Append(x ? (z ? 'Y' : 'X') : (z ? 'Z' : 'I'));
        }

        return label.ToString();
    }

    private Span<ulong> X(int q) => _x.AsSpan(q * 2 * _half, 2 * _half);

    private Span<ulong> Z(int q) => _z.AsSpan(q * 2 * _half, 2 * _half);

    /// <summary>
    /// The random case: every other generator that anticommutes with Z_q is multiplied by stabilizer p (all at once,
    /// column by column, with the phase counted mod 4 in two bit planes); destabilizer p takes stabilizer p's place,
    /// and stabilizer p becomes ±Z_q.
    /// </summary>
    private int CollapseRandom(int q, int p, bool outcomeOne)
    {
        var rows = _rows.AsSpan();
        X(q).CopyTo(rows);
        BitWords.Flip(rows, p);
        MultiplyRowsBy(rows, p);

        int destabilizer = p - (_half * 64);
        for (int j = 0; j < QubitCount; j++)
        {
            var xj = X(j);
            var zj = Z(j);
            BitWords.Set(xj, destabilizer, BitWords.Get(xj, p));
            BitWords.Set(zj, destabilizer, BitWords.Get(zj, p));
            BitWords.Set(xj, p, false);
            BitWords.Set(zj, p, j == q);
        }

        BitWords.Set(_signs, destabilizer, BitWords.Get(_signs, p));
        BitWords.Set(_signs, p, outcomeOne);
        return outcomeOne ? 1 : 0;
    }

    /// <summary>rows ← rows · row p for every row in the mask <paramref name="rows"/>, signs included.</summary>
    private void MultiplyRowsBy(ReadOnlySpan<ulong> rows, int p)
    {
        var lo = _lo.AsSpan();
        var hi = _hi.AsSpan();
        lo.Clear();
        hi.Clear();
        int used = 0;
        for (int w = 0; w < rows.Length; w++)
        {
            if (rows[w] != 0)
            {
                _words[used++] = w;
            }
        }

        var words = _words.AsSpan(0, used);
        for (int j = 0; j < QubitCount; j++)
        {
            var xj = X(j);
            var zj = Z(j);
            bool xp = BitWords.Get(xj, p), zp = BitWords.Get(zj, p);
            if (!xp && !zp)
            {
                continue;
            }

            foreach (int w in words)
            {
                ulong m = rows[w];

                ulong xh = xj[w], zh = zj[w];

                // g(P_p, P_h) of Aaronson–Gottesman: the power of i picked up by P_p·P_h on this qubit.
                ulong plus, minus;
                if (xp && !zp)
                {
                    plus = m & zh & xh;
                    minus = m & zh & ~xh;
                }
                else if (xp)
                {
                    plus = m & zh & ~xh;
                    minus = m & xh & ~zh;
                }
                else
                {
                    plus = m & xh & ~zh;
                    minus = m & xh & zh;
                }

                ulong carry = lo[w] & plus;
                lo[w] ^= plus;
                hi[w] ^= carry;
                ulong borrow = ~lo[w] & minus;
                lo[w] ^= minus;
                hi[w] ^= borrow;

                if (xp)
                {
                    xj[w] ^= m;
                }

                if (zp)
                {
                    zj[w] ^= m;
                }
            }
        }

        ulong signP = BitWords.Get(_signs, p) ? ulong.MaxValue : 0;
        for (int w = 0; w < rows.Length; w++)
        {
            _signs[w] ^= rows[w] & (signP ^ hi[w]);
        }
    }

    /// <summary>
    /// The determined case: Z_q (up to sign) is the product of the stabilizers whose destabilizers anticommute with
    /// Z_q; its sign is the outcome. Only the sign is needed, so it is counted column by column without building
    /// the product: each generator is written i^(xz) X^x Z^z, and reordering Z's past later X's costs (−1)^(z_k x_l).
    /// </summary>
    private int DeterminedOutcome(int q)
    {
        var selected = X(q)[.._half];
        int exponent = 0; // power of i, mod 4
        for (int w = 0; w < _half; w++)
        {
            exponent += 2 * (int)(ulong.PopCount(selected[w] & _signs[_half + w]) & 1);
        }

        // The selected generators are usually few (a GHZ state's measurements select one or two words of n/64):
        // visit only their words, in order, since the reordering sign counts pairs across words in word order.
        int used = 0;
        for (int w = 0; w < _half; w++)
        {
            if (selected[w] != 0)
            {
                _words[used++] = w;
            }
        }

        var words = _words.AsSpan(0, used);
        for (int j = 0; j < QubitCount; j++)
        {
            var xs = X(j)[_half..];
            var zs = Z(j)[_half..];
            int xz = 0, xParity = 0, zParity = 0, reorder = 0;
            int zBefore = 0;
            foreach (int w in words)
            {
                ulong m = selected[w];
                ulong xw = xs[w] & m, zw = zs[w] & m;
                xz += (int)ulong.PopCount(xw & zw);

                // Σ_{k<l} z_k x_l mod 2: pairs across words, then pairs inside this word via an exclusive prefix XOR.
                int xCount = (int)(ulong.PopCount(xw) & 1);
                reorder ^= zBefore & xCount;
                ulong prefix = zw;
                prefix ^= prefix << 1;
                prefix ^= prefix << 2;
                prefix ^= prefix << 4;
                prefix ^= prefix << 8;
                prefix ^= prefix << 16;
                prefix ^= prefix << 32;
                reorder ^= (int)(ulong.PopCount(xw & (prefix << 1)) & 1);
                int zCount = (int)(ulong.PopCount(zw) & 1);
                zBefore ^= zCount;
                xParity ^= xCount;
                zParity ^= zCount;
            }

            exponent += xz + (2 * reorder) - (xParity & zParity);
        }

        return ((exponent % 4) + 4) % 4 == 2 ? 1 : 0;
    }

    private void Require(int q)
    {
        if ((uint)q >= (uint)QubitCount)
        {
            throw new ArgumentOutOfRangeException(nameof(q), q, $"Qubit index must be in 0..{QubitCount - 1}.");
        }
    }

    private void RequirePair(int a, int b)
    {
        Require(a);
        Require(b);
        if (a == b)
        {
            throw new ArgumentException($"Qubit {a} appears twice in one gate.");
        }
    }
}
