using System.Numerics;

namespace VnQuantum.Simulation.Stabilizer;

/// <summary>
/// A stabilizer state C|0…0⟩ kept as Stim's tableau simulator keeps it: the inverse Clifford C⁻¹, row by row. Row k
/// (k &lt; n) is C⁻¹ X_k C and row n + k is C⁻¹ Z_k C, each a signed Pauli string over n qubits, bit-packed.
/// </summary>
/// <remarks>
/// Why the inverse: measuring Z_q is determined exactly when C⁻¹ Z_q C has no X part (it is then a Z string that
/// stabilizes |0…0⟩), and its sign is the outcome, so a determined measurement costs O(n/64) instead of the
/// O(n²/64) of the forward tableau's row products. A gate G becomes C⁻¹ G⁻¹: the rows of the qubits it touches are
/// multiplied together, O(n/64). A random measurement is collapsed as Stim does (TableauSimulator::collapse_qubit_z),
/// by gates inserted at the start of time that leave |0…0⟩ alone (CNOTs from the pivot) and one that measures the
/// pivot (a Hadamard): conjugations of every row at two columns, O(n²/64) in all, once per random outcome.
/// A GHZ state of 5,000 qubits has one random measurement and 4,999 determined ones.
/// </remarks>
internal sealed class InverseTableau : ICliffordState
{
    private readonly int _n;
    private readonly int _words;
    private readonly ulong[] _x; // row r occupies [r·W, (r+1)·W)
    private readonly ulong[] _z;
    private readonly bool[] _sign;

    public InverseTableau(int qubits)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(qubits);
        _n = qubits;
        _words = (qubits + 63) / 64;
        _x = new ulong[2L * qubits * _words];
        _z = new ulong[2L * qubits * _words];
        _sign = new bool[2 * qubits];
        for (int k = 0; k < qubits; k++)
        {
            BitWords.Set(X(k), k, true);
            BitWords.Set(ZRowX(k, z: true), k, true);
        }
    }

    public int QubitCount => _n;

    private Span<ulong> X(int row) => _x.AsSpan(row * _words, _words);

    private Span<ulong> Z(int row) => _z.AsSpan(row * _words, _words);

    /// <summary>The X bits (or, with <paramref name="z"/>, the Z bits) of row n + k, the image of Z_k.</summary>
    private Span<ulong> ZRowX(int k, bool z = false) => z ? Z(_n + k) : X(_n + k);

    /// <summary>The signed Pauli string of a row, "+XZI…" with qubit 0 leftmost (for tests).</summary>
    internal string Row(int row)
    {
        var chars = new char[_n + 1];
        chars[0] = _sign[row] ? '-' : '+';
        for (int q = 0; q < _n; q++)
        {
            bool x = BitWords.Get(X(row), q), z = BitWords.Get(Z(row), q);
            chars[q + 1] = x ? (z ? 'Y' : 'X') : (z ? 'Z' : 'I');
        }

        return new string(chars);
    }

    // Gates. G applied to the state makes C' = G C, so C'⁻¹ P C' = C⁻¹ (G† P G) C: each generator's row becomes the
    // image of G† P G, a product of old rows.
    public void H(int q)
    {
        // H X H = Z, H Z H = X.
        SwapRows(q, _n + q);
    }

    public void S(int q) => MultiplyRow(q, _n + q, logI: 3); // S† X S = −Y = −i X Z

    public void Sdg(int q) => MultiplyRow(q, _n + q, logI: 1); // S X S† = Y = i X Z

    public void PauliX(int q) => _sign[_n + q] ^= true; // X Z X = −Z

    public void PauliZ(int q) => _sign[q] ^= true; // Z X Z = −X

    public void PauliY(int q)
    {
        _sign[q] ^= true;
        _sign[_n + q] ^= true;
    }

    public void CX(int c, int t)
    {
        // X_c → X_c X_t, Z_t → Z_c Z_t.
        MultiplyRow(c, t, logI: 0);
        MultiplyRow(_n + t, _n + c, logI: 0);
    }

    public void CZ(int a, int b)
    {
        // X_a → X_a Z_b, X_b → Z_a X_b (the Z rows are untouched, so the order does not matter).
        MultiplyRow(a, _n + b, logI: 0);
        MultiplyRow(b, _n + a, logI: 0);
    }

    public void CY(int c, int t)
    {
        // CY = S_t CX S_t†.
        Sdg(t);
        CX(c, t);
        S(t);
    }

    public void Swap(int a, int b)
    {
        SwapRows(a, b);
        SwapRows(_n + a, _n + b);
    }

    public bool IsDeterministic(int q) => BitWords.IsZero(ZRowX(q));

    /// <summary>Measures Z_q and collapses; a random outcome draws one bit, as <see cref="StabilizerTableau"/> does.</summary>
    public int MeasureZ(int q, VnQuantum.Randomness.SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        return MeasureZ(q, () => (random.NextUInt64() & 1) == 1);
    }

    /// <summary>Measures Z_q and collapses; a random outcome is <paramref name="coin"/>'s. Returns the outcome.</summary>
    public int MeasureZ(int q, Func<bool> coin)
    {
        var xs = ZRowX(q);
        int pivot = FirstSet(xs);
        if (pivot < 0)
        {
            return _sign[_n + q] ? 1 : 0;
        }

        // Insert CNOTs from the pivot to every other qubit in C⁻¹ Z_q C's X part at the start of time (they act on
        // |0⟩ controls and change nothing): afterwards the row's X part is the pivot alone.
        var others = new ulong[_words];
        xs.CopyTo(others);
        BitWords.Flip(others, pivot);
        if (!BitWords.IsZero(others))
        {
            for (int row = 0; row < 2 * _n; row++)
            {
                ConjugateByFanOut(row, pivot, others);
            }
        }

        // A Hadamard on the pivot at the start of time (H_YZ when the row holds Y there, so that the row becomes a
        // Z string): the state becomes the post-measurement state of the outcome the row's sign then reads.
        bool y = BitWords.Get(ZRowX(q, z: true), pivot);
        for (int row = 0; row < 2 * _n; row++)
        {
            ConjugateColumn(row, pivot, y ? ColumnGate.HYZ : ColumnGate.HXZ);
        }

        bool outcome = coin();
        if (_sign[_n + q] != outcome)
        {
            for (int row = 0; row < 2 * _n; row++)
            {
                ConjugateColumn(row, pivot, ColumnGate.X);
            }
        }

        return outcome ? 1 : 0;
    }

    private enum ColumnGate
    {
        HXZ,
        HYZ,
        X,
    }

    /// <summary>Conjugates a row's Pauli string by a one-qubit gate on <paramref name="q"/> (a gate at the start of time).</summary>
    private void ConjugateColumn(int row, int q, ColumnGate gate)
    {
        int w = q >> 6;
        ulong bit = 1UL << (q & 63);
        ref ulong xw = ref _x[(row * _words) + w];
        ref ulong zw = ref _z[(row * _words) + w];
        bool x = (xw & bit) != 0, z = (zw & bit) != 0;
        switch (gate)
        {
            case ColumnGate.HXZ:
                // X ↔ Z, Y → −Y.
                _sign[row] ^= x && z;
                if (x != z)
                {
                    xw ^= bit;
                    zw ^= bit;
                }

                break;
            case ColumnGate.HYZ:
                // Y ↔ Z, X → −X.
                _sign[row] ^= x && !z;
                if (z)
                {
                    xw ^= bit;
                }

                break;
            case ColumnGate.X:
                // Z → −Z, Y → −Y.
                _sign[row] ^= z;
                break;
        }
    }

    /// <summary>
    /// Conjugates a row by CX(p, k) for every k in <paramref name="targets"/>, in increasing k, in one pass: the
    /// X part gains the targets where the row has X at p; Z at p gains the parity of the row's Z at the targets.
    /// The sign takes Aaronson–Gottesman's x_c z_t (x_t ⊕ z_c ⊕ 1) for each CX in turn, where z_c has by then
    /// gained the Z bits of the earlier targets: with S the targets where the row has Z (m of them), that sums to
    /// |x ∧ S| + m (z_p + 1) + ⌊m/2⌋ (mod 2).
    /// </summary>
    private void ConjugateByFanOut(int row, int p, ReadOnlySpan<ulong> targets)
    {
        var x = X(row);
        var z = Z(row);
        bool xp = BitWords.Get(x, p);
        int m = 0, xs = 0;
        for (int w = 0; w < _words; w++)
        {
            ulong s = z[w] & targets[w];
            m += BitOperations.PopCount(s);
            xs += BitOperations.PopCount(s & x[w]);
        }

        bool zp = BitWords.Get(z, p);
        if (xp)
        {
            _sign[row] ^= ((xs + (m * (zp ? 0 : 1)) + (m / 2)) & 1) != 0;
            BitWords.Xor(x, targets);
        }

        if ((m & 1) != 0)
        {
            BitWords.Flip(z, p);
        }
    }

    private void SwapRows(int a, int b)
    {
        BitWords.Swap(X(a), X(b));
        BitWords.Swap(Z(a), Z(b));
        (_sign[a], _sign[b]) = (_sign[b], _sign[a]);
    }

    /// <summary>
    /// Row <paramref name="dst"/> ← i^logI · row dst · row <paramref name="src"/>. The product's power of i is
    /// counted mod 4 over all bit positions at once, as Stim's PauliString multiplication does; it must come out
    /// real, since every product taken here is Hermitian.
    /// </summary>
    private void MultiplyRow(int dst, int src, int logI)
    {
        var x1 = X(dst);
        var z1 = Z(dst);
        var x2 = X(src);
        var z2 = Z(src);
        ulong count1 = 0, count2 = 0;
        int low = 0, high = 0;
        for (int w = 0; w < _words; w++)
        {
            ulong oldX = x1[w], oldZ = z1[w];
            ulong nx = oldX ^ x2[w], nz = oldZ ^ z2[w];
            ulong x1z2 = oldX & z2[w];
            ulong anti = (x2[w] & oldZ) ^ x1z2;
            count2 ^= (count1 ^ nx ^ nz ^ x1z2) & anti;
            count1 ^= anti;
            x1[w] = nx;
            z1[w] = nz;

            // Fold each word's tallies in before the registers are reused by the next word.
            low += BitOperations.PopCount(count1);
            high += BitOperations.PopCount(count2);
            count1 = 0;
            count2 = 0;
        }

        int total = (low + (2 * high) + logI + (_sign[dst] ? 2 : 0) + (_sign[src] ? 2 : 0)) & 3;
        if ((total & 1) != 0)
        {
            throw new InvalidOperationException("A product of tableau rows came out anti-Hermitian: the tableau is corrupt.");
        }

        _sign[dst] = total == 2;
    }

    private static int FirstSet(ReadOnlySpan<ulong> words)
    {
        for (int w = 0; w < words.Length; w++)
        {
            if (words[w] != 0)
            {
                return (w * 64) + BitOperations.TrailingZeroCount(words[w]);
            }
        }

        return -1;
    }
}

/// <summary>What a Clifford program needs of a stabilizer state: the forward tableau and the inverse one both run it.</summary>
internal interface ICliffordState
{
    void H(int q);

    void S(int q);

    void Sdg(int q);

    void PauliX(int q);

    void PauliY(int q);

    void PauliZ(int q);

    void CX(int control, int target);

    void CY(int control, int target);

    void CZ(int a, int b);

    void Swap(int a, int b);

    int MeasureZ(int q, VnQuantum.Randomness.SeededRandom random);

    int MeasureZ(int q, Func<bool> coin);
}
