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
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[Path.Combine(AppContext.BaseDirectory, "vnq.dll"), .. Workload, "--save-resume-filepath", resumed])
        {
            start.ArgumentList.Add(a);
        }

        using (var process = Process.Start(start)!)
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
        var (code, _, error) = Vnq("qec", "collect", "--code", "repetition");
        Assert.Equal(1, code);
        Assert.Contains("--max-shots or --max-errors", error);

        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--circuits", "x.stim", "--max-shots", "10");
        Assert.Equal(1, code);
        Assert.Contains("either --circuits files or --code", error);

        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--decoders", "magic", "--max-shots", "10");
        Assert.Equal(1, code);
        Assert.Contains("unknown decoder 'magic'", error);

        string circuit = Path.Combine(_dir, "bad.stim");
        File.WriteAllText(circuit, "H 0\nCNOT 0\n");
        (code, _, error) = Vnq("qec", "collect", "--circuits", circuit, "--max-shots", "10");
        Assert.Equal(2, code);
        Assert.Contains("bad.stim:2:", error);

        // A file that is not sinter's CSV is not appended to.
        string notCsv = Path.Combine(_dir, "notes.txt");
        File.WriteAllText(notCsv, "my notes\nkeep them\n");
        (code, _, error) = Vnq("qec", "collect", "--code", "repetition", "--max-shots", "10", "--save-resume-filepath", notCsv);
        Assert.Equal(2, code);
        Assert.Contains("not a sinter CSV header", error);
        Assert.Equal("my notes\nkeep them\n", File.ReadAllText(notCsv));

        (code, _, error) = Vnq("qec", "plot", notCsv, "-o", Path.Combine(_dir, "p.svg"));
        Assert.Equal(2, code);
        Assert.Contains("notes.txt:1:", error);
    }
}
