using VnQuantum.Circuits.Qec;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Tests;

public sealed class StimResultFormatTests
{
    /// <summary>Random shots, every one different: a shot written in the wrong row or a bit in the wrong column shows.</summary>
    private static (SampleTable Table, ulong[] Masks) RandomTable(int shots, int columns, int seed)
    {
        var random = new Random(seed);
        var masks = new ulong[shots];
        for (int s = 0; s < shots; s++)
        {
            masks[s] = (ulong)random.NextInt64() & (columns == 64 ? ulong.MaxValue : (1UL << columns) - 1);
        }

        return (SampleTable.FromMasks(masks, columns), masks);
    }

    [Fact]
    public void Text01_HasEachShotsBits_InColumnOrder()
    {
        var (table, masks) = RandomTable(200, 37, 1);
        using var stream = new MemoryStream();
        StimResultFormats.Write(table, stream, "01");
        string[] lines = System.Text.Encoding.ASCII.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(200, lines.Length);
        for (int s = 0; s < 200; s++)
        {
            for (int c = 0; c < 37; c++)
            {
                Assert.Equal(((masks[s] >> c) & 1) != 0 ? '1' : '0', lines[s][c]);
            }
        }
    }

    [Theory]
    [InlineData("01")]
    [InlineData("b8")]
    [InlineData("r8")]
    [InlineData("ptb64")]
    [InlineData("hits")]
    [InlineData("dets")]
    public void EveryFormat_ReadsBackWhatItWrote(string format)
    {
        var (table, masks) = RandomTable(192, 64, 2);
        using var stream = new MemoryStream();
        StimResultFormats.Write(table, stream, format, detectorColumns: 50);
        stream.Position = 0;
        var shots = StimResultFormats.Read(stream, format, 64, observableOffset: 50);
        Assert.Equal(masks, shots.Select(s => s[0]));
    }

    [Fact]
    public void Transpose64_SwapsRowsAndColumns_AsTheNaiveLoop()
    {
        var random = new Random(3);
        var a = new ulong[64];
        for (int i = 0; i < 64; i++)
        {
            a[i] = (ulong)random.NextInt64() ^ ((ulong)random.Next() << 40);
        }

        var expected = new ulong[64];
        for (int r = 0; r < 64; r++)
        {
            for (int c = 0; c < 64; c++)
            {
                expected[c] |= ((a[r] >> c) & 1) << r;
            }
        }

        StimResultFormats.Transpose64(a);
        Assert.Equal(expected, a);
    }

    [Fact]
    public void BadData_IsRefusedWithWhatIsWrong()
    {
        Assert.Contains("not whole shots", Assert.Throws<FormatException>(() => StimResultFormats.Read(new MemoryStream([1, 2, 3, 4]), "b8", 20)).Message, StringComparison.Ordinal);
        Assert.Contains("not 0 or 1", Assert.Throws<FormatException>(() => StimResultFormats.Read(new MemoryStream("01x\n"u8.ToArray()), "01", 3)).Message, StringComparison.Ordinal);
        Assert.Contains("outside a shot", Assert.Throws<FormatException>(() => StimResultFormats.Read(new MemoryStream("shot D9\n"u8.ToArray()), "dets", 3)).Message, StringComparison.Ordinal);
        Assert.Contains("ends inside a shot", Assert.Throws<FormatException>(() => StimResultFormats.Read(new MemoryStream([1]), "r8", 5)).Message, StringComparison.Ordinal);
    }
}
