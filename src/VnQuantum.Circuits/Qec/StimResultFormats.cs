using System.Globalization;
using System.Text;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Qec;

/// <summary>
/// Stim's result formats (doc/result_formats.md in Stim): <c>01</c> (a line of 0s and 1s per shot), <c>b8</c> (each
/// shot bit-packed, least significant bit first, padded to whole bytes), <c>r8</c> (run lengths of 0s between 1s, 255
/// meaning 255 zeros and no 1, a 1 appended past each shot's end), <c>ptb64</c> (64 shots at a time, one 8-byte word
/// per bit), <c>hits</c> (the indices of the 1s, comma-separated, a line per shot) and <c>dets</c> (<c>shot D0 L1</c>).
/// </summary>
public static class StimResultFormats
{
    public static IReadOnlyList<string> Names { get; } = ["01", "b8", "r8", "ptb64", "hits", "dets"];

    /// <summary>True for the formats whose bytes are not text.</summary>
    public static bool IsBinary(string format) => format is "b8" or "r8" or "ptb64";

    /// <summary>
    /// Writes every shot of <paramref name="table"/>. In <c>dets</c>, the first <paramref name="detectorColumns"/>
    /// columns are named D (the rest L, observables); with −1 every column is a measurement, M.
    /// </summary>
    /// <exception cref="ArgumentException">An unknown format, or ptb64 with a shot count that is not a multiple of 64.</exception>
    public static void Write(SampleTable table, Stream output, string format, int detectorColumns = -1)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(output);
        if (!Names.Contains(format))
        {
            throw new ArgumentException($"Unknown result format '{format}'; Stim's are {string.Join(", ", Names)}.", nameof(format));
        }

        if (format == "ptb64")
        {
            WritePtb64(table, output);
            return;
        }

        int columns = table.Columns;
        int rowWords = Math.Max(1, (columns + 63) / 64);
        const int ChunkWords = 64; // 4,096 shots at a time: each column's words for them are read in one run
        var rows = new ulong[ChunkWords * 64 * rowWords];
        var gathered = new ulong[64 * ChunkWords];
        var block = new ulong[64];
        var buffer = new MemoryStream();
        int denseBytes = format == "b8" ? (columns + 7) / 8 : columns + 1;
        var dense = new byte[64 * denseBytes];
        int totalWords = (table.Shots + 63) / 64;
        for (int firstWord = 0; firstWord < totalWords; firstWord += ChunkWords)
        {
            int words = Math.Min(ChunkWords, totalWords - firstWord);
            TransposeChunk(table, firstWord, words, rows, rowWords, gathered, block);
            for (int w = 0; w < words; w++)
            {
                int first = (firstWord + w) * 64;
                int count = Math.Min(64, table.Shots - first);
                var blockRows = rows.AsSpan(w * 64 * rowWords, 64 * rowWords);
                if (format is "b8" or "01")
                {
                    // The dense formats, a block of 64 shots at a time without a call per byte.
                    for (int s = 0; s < count; s++)
                    {
                        var row = blockRows.Slice(s * rowWords, rowWords);
                        var line = dense.AsSpan(s * denseBytes, denseBytes);
                        if (format == "b8")
                        {
                            System.Runtime.InteropServices.MemoryMarshal.AsBytes(row)[..denseBytes].CopyTo(line);
                            continue;
                        }

                        for (int c = 0; c < columns; c++)
                        {
                            line[c] = (byte)('0' + (int)((row[c >> 6] >> (c & 63)) & 1));
                        }

                        line[columns] = (byte)'\n';
                    }

                    buffer.Write(dense, 0, count * denseBytes);
                }
                else
                {
                    for (int s = 0; s < count; s++)
                    {
                        WriteShot(buffer, blockRows.Slice(s * rowWords, rowWords), columns, format, detectorColumns);
                    }
                }
            }

            if (buffer.Length > 1 << 20)
            {
                buffer.WriteTo(output);
                buffer.SetLength(0);
            }
        }

        buffer.WriteTo(output);
    }

    /// <summary>
    /// Reads shots of <paramref name="bitsPerShot"/> bits each; shot s is <c>result[s]</c>, bit i of word i/64 set
    /// when bit i is 1. In <c>dets</c> the D, L and M indices count on from each other in that order.
    /// </summary>
    /// <exception cref="FormatException">The data is not whole shots of that size in that format.</exception>
    public static List<ulong[]> Read(Stream input, string format, int bitsPerShot, int observableOffset = -1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(bitsPerShot);
        using var memory = new MemoryStream();
        input.CopyTo(memory);
        byte[] data = memory.ToArray();
        int words = Math.Max(1, (bitsPerShot + 63) / 64);
        var shots = new List<ulong[]>();
        switch (format)
        {
            case "b8":
                {
                    int bytes = (bitsPerShot + 7) / 8;
                    if (bytes == 0 || data.Length % bytes != 0)
                    {
                        throw new FormatException($"b8 data of {data.Length} bytes is not whole shots of {bytes} bytes ({bitsPerShot} bits)");
                    }

                    for (int offset = 0; offset < data.Length; offset += bytes)
                    {
                        var shot = new ulong[words];
                        for (int b = 0; b < bytes; b++)
                        {
                            shot[b >> 3] |= (ulong)data[offset + b] << (8 * (b & 7));
                        }

                        shots.Add(shot);
                    }

                    break;
                }

            case "01":
            case "hits":
            case "dets":
                {
                    string[] lines = Encoding.ASCII.GetString(data).Split('\n');
                    int count = lines.Length - (lines[^1].Length == 0 ? 1 : 0);
                    for (int l = 0; l < count; l++)
                    {
                        shots.Add(ReadTextShot(lines[l].TrimEnd('\r'), format, bitsPerShot, words, l + 1, observableOffset));
                    }

                    break;
                }

            case "r8":
                {
                    var shot = new ulong[words];
                    long position = 0;
                    foreach (byte b in data)
                    {
                        position += b;
                        if (b == 255)
                        {
                            continue;
                        }

                        if (position == bitsPerShot)
                        {
                            shots.Add(shot);
                            shot = new ulong[words];
                            position = 0;
                            continue;
                        }

                        if (position > bitsPerShot)
                        {
                            throw new FormatException($"r8 data runs past the end of shot {shots.Count} ({bitsPerShot} bits)");
                        }

                        shot[position >> 6] |= 1UL << (int)(position & 63);
                        position++;
                    }

                    if (position != 0)
                    {
                        throw new FormatException("r8 data ends inside a shot");
                    }

                    break;
                }

            case "ptb64":
                {
                    int groupBytes = 8 * bitsPerShot;
                    if (groupBytes == 0 || data.Length % groupBytes != 0)
                    {
                        throw new FormatException($"ptb64 data of {data.Length} bytes is not whole groups of 64 shots × {bitsPerShot} bits");
                    }

                    for (int offset = 0; offset < data.Length; offset += groupBytes)
                    {
                        var group = new ulong[64][];
                        for (int s = 0; s < 64; s++)
                        {
                            group[s] = new ulong[words];
                        }

                        for (int bit = 0; bit < bitsPerShot; bit++)
                        {
                            ulong lanes = BitConverter.ToUInt64(data, offset + (8 * bit));
                            for (int s = 0; s < 64; s++)
                            {
                                group[s][bit >> 6] |= ((lanes >> s) & 1) << (bit & 63);
                            }
                        }

                        shots.AddRange(group);
                    }

                    break;
                }

            default:
                throw new FormatException($"Unknown result format '{format}'; Stim's are {string.Join(", ", Names)}.");
        }

        return shots;
    }

    /// <summary>Transposes a 64×64 bit block in place: bit i of word k trades places with bit k of word i.</summary>
    internal static void Transpose64(Span<ulong> a)
    {
        ulong mask = 0x0000_0000_FFFF_FFFFUL;
        for (int j = 32; j != 0; j >>= 1, mask ^= mask << j)
        {
            for (int k = 0; k < 64; k = ((k | j) + 1) & ~j)
            {
                ulong t = ((a[k] >> j) ^ a[k | j]) & mask;
                a[k] ^= t << j;
                a[k | j] ^= t;
            }
        }
    }

    /// <summary>
    /// Rows (shots) of the shots in words <paramref name="firstWord"/>… of every column: the rows of word w's 64
    /// shots start at <c>w·64·rowWords</c>; row s, word k holds columns 64k…64k+63.
    /// </summary>
    private static void TransposeChunk(SampleTable table, int firstWord, int words, ulong[] rows, int rowWords, ulong[] gathered, ulong[] block)
    {
        for (int k = 0; k < rowWords; k++)
        {
            int firstColumn = k * 64;
            for (int c = 0; c < 64; c++)
            {
                var target = gathered.AsSpan(c * words, words);
                if (firstColumn + c < table.Columns)
                {
                    table.Column(firstColumn + c).Slice(firstWord, words).CopyTo(target);
                }
                else
                {
                    target.Clear();
                }
            }

            for (int w = 0; w < words; w++)
            {
                for (int c = 0; c < 64; c++)
                {
                    block[c] = gathered[(c * words) + w];
                }

                Transpose64(block);
                int baseRow = w * 64 * rowWords;
                for (int s = 0; s < 64; s++)
                {
                    rows[baseRow + (s * rowWords) + k] = block[s];
                }
            }
        }
    }

    private static void WriteShot(MemoryStream buffer, ReadOnlySpan<ulong> row, int columns, string format, int detectorColumns)
    {
        switch (format)
        {
            case "01":
                for (int c = 0; c < columns; c++)
                {
                    buffer.WriteByte((row[c >> 6] >> (c & 63) & 1) != 0 ? (byte)'1' : (byte)'0');
                }

                buffer.WriteByte((byte)'\n');
                break;
            case "b8":
                for (int b = 0; b < (columns + 7) / 8; b++)
                {
                    buffer.WriteByte((byte)(row[b >> 3] >> (8 * (b & 7))));
                }

                break;
            case "r8":
                {
                    int run = 0;
                    for (int c = 0; c <= columns; c++)
                    {
                        bool one = c == columns || (row[c >> 6] >> (c & 63) & 1) != 0;
                        if (!one)
                        {
                            if (++run == 255)
                            {
                                buffer.WriteByte(255);
                                run = 0;
                            }

                            continue;
                        }

                        buffer.WriteByte((byte)run);
                        run = 0;
                    }

                    break;
                }

            default:
                {
                    var line = new StringBuilder(format == "dets" ? "shot" : "");
                    bool first = true;
                    for (int w = 0; w < row.Length; w++)
                    {
                        for (ulong bits = row[w]; bits != 0; bits &= bits - 1)
                        {
                            int c = (w * 64) + System.Numerics.BitOperations.TrailingZeroCount(bits);
                            if (format == "dets")
                            {
                                line.Append(' ').Append(detectorColumns < 0 ? 'M' : c < detectorColumns ? 'D' : 'L')
                                    .Append((detectorColumns < 0 || c < detectorColumns ? c : c - detectorColumns).ToString(CultureInfo.InvariantCulture));
                            }
                            else
                            {
                                line.Append(first ? "" : ",").Append(c.ToString(CultureInfo.InvariantCulture));
                            }

                            first = false;
                        }
                    }

                    line.Append('\n');
                    buffer.Write(Encoding.ASCII.GetBytes(line.ToString()));
                    break;
                }
        }
    }

    private static void WritePtb64(SampleTable table, Stream output)
    {
        if (table.Shots % 64 != 0)
        {
            throw new ArgumentException($"ptb64 needs a multiple of 64 shots, not {table.Shots}.");
        }

        var bytes = new byte[8 * Math.Max(table.Columns, 1)];
        for (int word = 0; word < table.Shots / 64; word++)
        {
            for (int c = 0; c < table.Columns; c++)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(8 * c), table.Column(c)[word]);
            }

            output.Write(bytes, 0, 8 * table.Columns);
        }
    }

    private static ulong[] ReadTextShot(string line, string format, int bitsPerShot, int words, int number, int observableOffset)
    {
        var shot = new ulong[words];
        void Set(int bit, string what)
        {
            if ((uint)bit >= (uint)bitsPerShot)
            {
                throw new FormatException($"line {number}: {what} is outside a shot of {bitsPerShot} bits");
            }

            shot[bit >> 6] |= 1UL << (bit & 63);
        }

        if (format == "01")
        {
            if (line.Length != bitsPerShot)
            {
                throw new FormatException($"line {number}: {line.Length} characters, not the shot's {bitsPerShot} bits");
            }

            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] == '1')
                {
                    Set(i, "bit");
                }
                else if (line[i] != '0')
                {
                    throw new FormatException($"line {number}, column {i + 1}: '{line[i]}' is not 0 or 1");
                }
            }

            return shot;
        }

        string[] items = format == "hits"
            ? line.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        int start = 0;
        if (format == "dets")
        {
            if (items.Length == 0 || items[0] != "shot")
            {
                throw new FormatException($"line {number}: a dets line starts with 'shot'");
            }

            start = 1;
        }

        for (int i = start; i < items.Length; i++)
        {
            string item = items[i];
            int offset = 0;
            if (format == "dets")
            {
                offset = item[0] switch
                {
                    'D' or 'M' => 0,
                    'L' when observableOffset >= 0 => observableOffset,
                    _ => throw new FormatException($"line {number}: '{item}' is not D#, M# or L# (observables need a known detector count)"),
                };
                item = item[1..];
            }

            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out int bit))
            {
                throw new FormatException($"line {number}: '{items[i]}' is not an index");
            }

            Set(bit + offset, items[i]);
        }

        return shot;
    }
}
