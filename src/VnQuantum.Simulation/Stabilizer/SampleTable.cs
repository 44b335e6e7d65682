namespace VnQuantum.Simulation.Stabilizer;

/// <summary>
/// Bits of many shots, stored column by column (one column per measurement record, detector or observable), 64
/// shots to a word: the layout the frame sampler produces, so a batch is copied in whole words and never bit by bit.
/// </summary>
public sealed class SampleTable
{
    private readonly ulong[] _words;

    internal SampleTable(int shots, int columns)
    {
        Shots = shots;
        Columns = columns;
        WordsPerColumn = (shots + 63) / 64;
        _words = new ulong[(long)WordsPerColumn * Math.Max(columns, 1)];
    }

    public int Shots { get; }

    public int Columns { get; }

    internal int WordsPerColumn { get; }

    /// <summary>The bit of <paramref name="column"/> in shot <paramref name="shot"/>.</summary>
    public bool this[int shot, int column]
    {
        get
        {
            if ((uint)shot >= (uint)Shots || (uint)column >= (uint)Columns)
            {
                throw new ArgumentOutOfRangeException(nameof(shot), $"Shot {shot}, column {column} is outside {Shots} shots × {Columns} columns.");
            }

            return ((_words[((long)column * WordsPerColumn) + (shot >> 6)] >> (shot & 63)) & 1) != 0;
        }
    }

    /// <summary>One column's words: bit s of word w is shot 64·w + s.</summary>
    public ReadOnlySpan<ulong> Column(int column) => _words.AsSpan(checked(column * WordsPerColumn), WordsPerColumn);

    /// <summary>A table of <paramref name="count"/> columns from <paramref name="first"/> on (the detectors, or the observables, of a detector sample).</summary>
    public SampleTable Slice(int first, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(first + count, Columns);
        var slice = new SampleTable(Shots, count);
        _words.AsSpan(first * WordsPerColumn, count * WordsPerColumn).CopyTo(slice._words);
        return slice;
    }

    /// <summary>A table with one row per mask: column c of shot s is bit c of <paramref name="masks"/>[s] (c &lt; 64).</summary>
    public static SampleTable FromMasks(ReadOnlySpan<ulong> masks, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(columns, 64);
        var table = new SampleTable(masks.Length, columns);
        for (int s = 0; s < masks.Length; s++)
        {
            for (ulong bits = masks[s]; bits != 0; bits &= bits - 1)
            {
                int c = System.Numerics.BitOperations.TrailingZeroCount(bits);
                if (c < columns)
                {
                    table._words[(c * table.WordsPerColumn) + (s >> 6)] |= 1UL << (s & 63);
                }
            }
        }

        return table;
    }

    /// <summary>How many shots have a 1 in <paramref name="column"/>.</summary>
    public int CountOnes(int column)
    {
        int count = 0;
        foreach (ulong w in Column(column))
        {
            count += (int)ulong.PopCount(w);
        }

        return count;
    }

    /// <summary>Writes a batch's column words, starting at shot <paramref name="firstShot"/> (a multiple of 64), XOR <paramref name="invert"/>.</summary>
    internal void Write(int column, int firstShot, ReadOnlySpan<ulong> words, bool invert)
    {
        int firstWord = firstShot >> 6;
        int count = Math.Min(words.Length, WordsPerColumn - firstWord);
        var target = _words.AsSpan((column * WordsPerColumn) + firstWord, count);
        words[..count].CopyTo(target);
        if (invert)
        {
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = ~target[i];
            }
        }

        // Bits past the last shot stay zero.
        if (firstWord + count == WordsPerColumn && (Shots & 63) != 0)
        {
            target[^1] &= (1UL << (Shots & 63)) - 1;
        }
    }
}
