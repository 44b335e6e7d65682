using System.Diagnostics;
using System.Xml.Linq;
using VnQuantum.Circuits.Qec;
using static VnQuantum.Cli.Tests.VnqAppTests;

namespace VnQuantum.Cli.Tests;

public sealed class QecCollectCommandTests : IDisposable
{
    // Eight repetition-code tasks, stopped by errors: dozens of batches (CSV rows) in a few seconds on two cores.
    private static readonly string[] Workload =
        ["qec", "collect", "--code", "repetition", "--distances", "3,5", "--p", "0.01,0.02,0.03,0.05", "--max-shots", "500000", "--max-errors", "1000", "--seed", "7", "--threads", "2"];

    private readonly string _dir = Directory.CreateTempSubdirectory("vnq-collect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, (long Shots, long Errors)> Totals(string csv)
    {
        // Complete lines only: a process killed mid-write may leave half a row.
        string text = File.ReadAllText(csv);
        return SinterCsv.Read(new StringReader(text[..(text.LastIndexOf('\n') + 1)]), csv).ToDictionary(s => s.StrongId, s => (s.Shots, s.Errors));
    }

    [Fact]
    public void Collect_KilledMidRun_ResumesToTheUninterruptedTotals_WithoutRepeatingFinishedTasks()
    {
        string reference = Path.Combine(_dir, "reference.csv"), resumed = Path.Combine(_dir, "resumed.csv");
        var (code, _, error) = Vnq([.. Workload, "--save-resume-filepath", reference]);
        Assert.True(code == 0, error);
        var expected = Totals(reference);
        Assert.Equal(8, expected.Count);

        // Run it as its own process and kill -9 it once a few rows are written.
        using (var process = StartVnq([.. Workload, "--save-resume-filepath", resumed]))
        {
            var clock = Stopwatch.StartNew();
            while (!process.HasExited && RowCount(resumed) < 4 && clock.Elapsed < TimeSpan.FromSeconds(60))
            {
                Thread.Sleep(5);
            }

            process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }

        var killed = Totals(resumed);
        Assert.True(killed.Values.Sum(t => t.Shots) < expected.Values.Sum(t => t.Shots), "the process was killed before it finished");
        var finished = killed.Where(k => k.Value.Errors >= 1000 || k.Value.Shots >= 500_000).Select(k => k.Key).ToHashSet();

        // As if the kill had come in the middle of a row: that row is cut off, not counted.
        File.AppendAllText(resumed, "      8192,        4");
        long rowsBefore = File.ReadAllLines(resumed).Length - 1;

        (code, _, error) = Vnq([.. Workload, "--save-resume-filepath", resumed]);
        Assert.True(code == 0, error);
        Assert.Contains("dropped an unfinished last row", error);
        Assert.Equal(expected, Totals(resumed));

        using var reader = File.OpenText(resumed);
        var newRows = SinterCsv.ReadRows(reader, resumed).Skip((int)rowsBefore).ToList();
        Assert.NotEmpty(newRows);
        Assert.DoesNotContain(newRows, row => finished.Contains(row.StrongId));

        // Run once more: every task is done, no row is added.
        long rows = File.ReadAllLines(resumed).Length;
        Assert.Equal(0, Vnq([.. Workload, "--save-resume-filepath", resumed]).Code);
        Assert.Equal(rows, File.ReadAllLines(resumed).Length);
    }

    /// <summary>Starts <c>dotnet vnq.dll args…</c> as its own process.</summary>
    private static Process StartVnq(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[Path.Combine(AppContext.BaseDirectory, "vnq.dll"), .. args])
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start)!;
    }

    private static int RowCount(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Count(c => c == '\n') - 1;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    [Fact]
    public void Collect_ReadsStimFiles_WithMetadataFromTheirNames_AndPlots()
    {
        string circuit = Path.Combine(_dir, "d=3,p=0.02.stim");
        var (code, stim, _) = Vnq("qec", "circuit", "--code", "repetition", "-d", "3", "--p", "0.02");
        Assert.Equal(0, code);
        File.WriteAllText(circuit, stim);
        string plain = Path.Combine(_dir, "circuit.stim");
        File.WriteAllText(plain, stim);
        string plot = Path.Combine(_dir, "plot.svg");

        // Without a resume file the CSV goes to stdout, the summary to stderr.
        (code, var output, var error) = Vnq("qec", "collect", "--circuits", circuit, plain, "--decoders", "matching,vacuous", "--max-shots", "5000", "--plot", plot);
        Assert.True(code == 0, error);
        var stats = SinterCsv.Read(new StringReader(output));
        Assert.Equal(4, stats.Count);
        Assert.All(stats, s => Assert.Equal(5000, s.Shots));
        Assert.Equal(2, stats.Count(s => s.JsonMetadata == "{\"d\":3,\"p\":0.02}"));
        Assert.Equal(2, stats.Count(s => s.JsonMetadata.Contains("\"path\"", StringComparison.Ordinal)));
        Assert.Contains("logical error rate", error);
        Assert.Equal("svg", XDocument.Load(plot).Root!.Name.LocalName);

        string csv = Path.Combine(_dir, "s.csv");
        File.WriteAllText(csv, output);
        (code, output, error) = Vnq("qec", "plot", csv, "-o", Path.Combine(_dir, "again.png"));
        Assert.Equal(0, code);
        Assert.Contains("plot of 2 tasks", output);
        Assert.Contains("2 tasks have no numeric 'p' in their metadata", error);
    }

    [Fact]
    public void Collect_RefusesWhatWouldNeverEnd_OrWouldLoseData()
    {
        var (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--max-errors", "10");
        Assert.Equal(1, code);
        Assert.Contains("--max-shots", error);

        // A value that does not parse is a usage error, not a crash.
        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--max-shots", "abc");
        Assert.Equal(1, code);
        Assert.Contains("abc", error);

        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--circuits", "x.stim", "--max-shots", "10");
        Assert.Equal(1, code);
        Assert.Contains("either --circuits files or --code", error);

        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--decoders", "magic", "--max-shots", "10");
        Assert.Equal(1, code);
        Assert.Contains("unknown decoder 'magic'", error);

        // The same task twice would sample the same shots twice and sum them as if independent.
        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--distances", "3,3", "--max-shots", "10");
        Assert.Equal(1, code);
        Assert.Contains("the same task is given twice", error);

        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--max-shots", "10", "--plot", Path.Combine(_dir, "missing", "p.svg"));
        Assert.Equal(1, code);
        Assert.Contains("does not exist", error);
        Assert.Equal(1, Vnq("qec", "plot", "x.csv", "-o", Path.Combine(_dir, "p.txt")).Code);

        string circuit = Path.Combine(_dir, "bad.stim");
        File.WriteAllText(circuit, "H 0\nCNOT 0\n");
        (code, _, error) = Vnq("qec", "collect", "--circuits", circuit, "--max-shots", "10");
        Assert.Equal(2, code);
        Assert.Contains("bad.stim:2:", error);

        // A file that is not sinter's CSV is not appended to: plain text, or UTF-16.
        string notCsv = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(notCsv, "my notes\nkeep them\n");
        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--max-shots", "10", "--save-resume-filepath", notCsv);
        Assert.Equal(2, code);
        Assert.Contains("not a sinter CSV header", error);
        Assert.Equal("my notes\nkeep them\n", File.ReadAllText(notCsv));
        string utf16 = Path.Combine(_dir, "utf16.csv");
        File.WriteAllText(utf16, SinterCsv.Header + "\n", System.Text.Encoding.Unicode);
        byte[] before = File.ReadAllBytes(utf16);
        Assert.Equal(2, Vnq("qec", "collect", "--code", "repetition", "--max-shots", "10", "--save-resume-filepath", utf16).Code);
        Assert.Equal(before, File.ReadAllBytes(utf16));

        (code, _, error) = Vnq("qec", "plot", notCsv, "-o", Path.Combine(_dir, "p.svg"));
        Assert.Equal(2, code);
        Assert.Contains("notes.txt:1:", error);
    }

    [Fact]
    public void Collect_ResumeFile_IsOnlyOneCollections_BlankFilesGetAHeader_AndACompleteLastRowIsKept()
    {
        string[] small = ["qec", "collect", "--code", "repetition", "--distances", "3", "--p", "0.05", "--seed", "3"];

        // While another collection process writes the file, a second one is refused rather than interleaved; a reader
        // (a plot of the running collection) can still open it.
        string csv = Path.Combine(_dir, "locked.csv");
        using (var other = StartVnq([.. Workload, "--save-resume-filepath", csv]))
        {
            try
            {
                var clock = Stopwatch.StartNew();
                while (RowCount(csv) < 2 && !other.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(5);
                }

                Assert.False(other.HasExited, "the first collection was still running");
                var (locked, _, lockError) = Vnq([.. small, "--max-shots", "8192", "--save-resume-filepath", csv]);
                Assert.Equal(2, locked);
                Assert.Contains("another collection is writing to it", lockError);
                Assert.NotEmpty(Totals(csv));
            }
            finally
            {
                other.Kill(entireProcessTree: true);
                other.WaitForExit();
            }
        }

        string blank = Path.Combine(_dir, "blank.csv");
        File.WriteAllText(blank, "\n\n");
        Assert.Equal(0, Vnq([.. small, "--max-shots", "8192", "--save-resume-filepath", blank]).Code);
        Assert.StartsWith(SinterCsv.Header + "\n", File.ReadAllText(blank));
        Assert.Equal(8192, Assert.Single(Totals(blank)).Value.Shots);

        // The last row is whole but its line end is missing (say, an editor saved it so): it counts, and the next
        // row goes on a line of its own.
        string noNewline = Path.Combine(_dir, "nonl.csv");
        File.WriteAllText(noNewline, File.ReadAllText(blank).TrimEnd('\n'));
        var (code, _, error) = Vnq([.. small, "--save-resume-filepath", noNewline, "--max-shots", "12288"]);
        Assert.True(code == 0, error);
        Assert.DoesNotContain("dropped", error);
        Assert.Equal(12288, Assert.Single(Totals(noNewline)).Value.Shots);
    }
}
