using System.Text.Json;
using static VnQuantum.Cli.Tests.VnqAppTests;

namespace VnQuantum.Cli.Tests;

/// <summary><c>vnq run|sample|detect|dem|decode</c> on circuits in Stim's format, against Stim's own bytes.</summary>
public sealed class StimCommandTests : IDisposable
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "testdata", "stim-formats");
    private readonly string _temp = Directory.CreateTempSubdirectory("vnq-stim-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Dem_DecomposeErrors_SplitsYErrorsIntoGraphlikePieces()
    {
        // Read back from Stim's format, the detectors are untyped, so a Y error in the bulk flips four of them.
        string circuit = Path.Combine(_temp, "d3.stim");
        var (code, stim, _) = VnqAppTests.Vnq("qec", "circuit", "--code", "surface", "-d", "3", "--p", "0.001");
        Assert.Equal(0, code);
        File.WriteAllText(circuit, stim);

        (code, var plain, _) = VnqAppTests.Vnq("dem", circuit);
        Assert.Equal(0, code);
        Assert.DoesNotContain("^", plain, StringComparison.Ordinal);
        Assert.Contains(plain.Split('\n'), line => line.StartsWith("error(", StringComparison.Ordinal) && line.Count(c => c == 'D') > 2);

        (code, var decomposed, _) = VnqAppTests.Vnq("dem", circuit, "--decompose-errors");
        Assert.Equal(0, code);
        var errors = decomposed.Split('\n').Where(line => line.StartsWith("error(", StringComparison.Ordinal)).ToList();
        Assert.Contains(errors, line => line.Contains(" ^ ", StringComparison.Ordinal));
        Assert.All(errors, line => Assert.All(line.Split('^'), piece => Assert.True(piece.Count(c => c == 'D') <= 2, line)));
    }

    [Theory]
    [InlineData("01")]
    [InlineData("b8")]
    [InlineData("r8")]
    [InlineData("ptb64")]
    [InlineData("hits")]
    [InlineData("dets")]
    public void Sample_WritesStimsBytes_InEveryResultFormat(string format)
    {
        string file = Path.Combine(_temp, "out." + format);
        var (code, _, error) = Vnq("sample", Path.Combine(Folder, "deterministic.stim"), "--shots", "64", "--seed", "1", "--out-format", format, "--out", file);
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(Folder, "stim_sample_64." + format)), File.ReadAllBytes(file));
    }

    [Fact]
    public void Detect_ThenDecode_CountsMistakes_AndObservablesGoWhereAsked()
    {
        string circuit = Path.Combine(Folder, "rotated_memory_z_d3_r3.stim");
        string dem = Path.Combine(_temp, "model.dem");
        string events = Path.Combine(_temp, "events.b8");
        string observables = Path.Combine(_temp, "obs.01");
        Assert.Equal(0, Vnq("dem", circuit, "-o", dem).Code);
        Assert.StartsWith("error(", File.ReadAllText(dem), StringComparison.Ordinal);
        var (code, _, error) = Vnq("detect", circuit, "--shots", "5000", "--seed", "3", "--append-observables", "--out-format", "b8", "--out", events, "--obs-out", observables);
        Assert.True(code == 0, error);
        Assert.Equal(5000 * ((24 + 1 + 7) / 8), new FileInfo(events).Length); // 24 detectors and 1 observable a shot, in 4 bytes
        Assert.Equal(5000, File.ReadAllLines(observables).Length);

        string output;
        (code, output, error) = Vnq("decode", "--dem", dem, "--in", events, "--in-includes-observables");
        Assert.True(code == 0, error);
        int mistakes = int.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
        int flips = File.ReadAllLines(observables).Count(l => l == "1");
        Assert.InRange(mistakes, 1, flips / 2); // decoding corrects most logical flips, though not all at d = 3
        Assert.Contains("mistaken", error, StringComparison.Ordinal);

        // Predictions alone, one line per shot.
        string predictions = Path.Combine(_temp, "predictions.01");
        string stripped = Path.Combine(_temp, "events-only.b8");
        Assert.Equal(0, Vnq("detect", circuit, "--shots", "100", "--seed", "3", "--out-format", "b8", "--out", stripped).Code);
        Assert.Equal(0, Vnq("decode", "--dem", dem, "--in", stripped, "--out", predictions).Code);
        Assert.Equal(100, File.ReadAllLines(predictions).Length);
    }

    [Fact]
    public void Detect_SameSeed_SameBits()
    {
        string circuit = Path.Combine(Folder, "rotated_memory_z_d3_r3.stim");
        var first = Vnq("detect", circuit, "--shots", "300", "--seed", "11", "--out-format", "dets");
        var second = Vnq("detect", circuit, "--shots", "300", "--seed", "11", "--out-format", "dets");
        Assert.Equal(0, first.Code);
        Assert.Equal(first.Out, second.Out);
        Assert.Contains("shot D", first.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_OfAStimCircuit_GivesTheHistogram()
    {
        var (code, output, error) = Vnq("run", Path.Combine(Folder, "deterministic.stim"), "--shots", "10", "--seed", "2", "--format", "json");
        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal("stabilizer", json.GetProperty("method").GetString());
        var counts = json.GetProperty("counts").EnumerateObject().ToList();
        Assert.Single(counts);
        Assert.Equal(10, counts[0].Value.GetInt32());
        Assert.StartsWith("00001111001101", counts[0].Name, StringComparison.Ordinal);

        (code, output, _) = Vnq("run", Path.Combine(Folder, "rotated_memory_z_d3_r3.stim"), "--shots", "200", "--seed", "2");
        Assert.Equal(0, code);
        Assert.Contains("24 detectors", output, StringComparison.Ordinal);
        Assert.Contains("detection events", output, StringComparison.Ordinal);
        Assert.Equal(1, Vnq("run", Path.Combine(Folder, "deterministic.stim"), "--method", "statevector").Code);
    }

    [Fact]
    public void OurOwnModel_DecodesOurOwnEvents_EvenWhenTheLastDetectorAndObservableNeverFire()
    {
        string circuit = Path.Combine(_temp, "quiet.stim");
        File.WriteAllText(circuit, "R 0 1\nX_ERROR(0.2) 0\nCX 0 1\nM 0 1\nDETECTOR rec[-2]\nDETECTOR rec[-1]\nR 2\nM 2\nDETECTOR rec[-1]\nOBSERVABLE_INCLUDE(0) rec[-2]\n");
        string dem = Path.Combine(_temp, "quiet.dem");
        string events = Path.Combine(_temp, "quiet.01");
        Assert.Equal(0, Vnq("dem", circuit, "-o", dem).Code);
        Assert.Equal(0, Vnq("detect", circuit, "--shots", "64", "--seed", "3", "--out-format", "01", "--append-observables", "--out", events).Code);
        var (code, output, error) = Vnq("decode", "--dem", dem, "--in", events, "--in-format", "01", "--in-includes-observables");
        Assert.True(code == 0, error);
        Assert.Equal("0", output.Trim());
    }

    [Fact]
    public void RandomDetectors_AndHugeQubitIndices_AreRefusedCleanly()
    {
        string random = Path.Combine(_temp, "random.stim");
        File.WriteAllText(random, "RX 0\nM 0\nDETECTOR rec[-1]\n");
        var (code, _, error) = Vnq("dem", random);
        Assert.Equal(2, code);
        Assert.Contains("detector D0 is not deterministic", error, StringComparison.Ordinal);

        string big = Path.Combine(_temp, "big.stim");
        File.WriteAllText(big, "M 300000\n");
        (code, _, error) = Vnq("sample", big);
        Assert.Equal(2, code);
        Assert.Contains(":1:3: qubit 300000 is past the largest", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BadInput_NamesFileLineAndColumn_AndExitsTwo()
    {
        string bad = Path.Combine(_temp, "bad.stim");
        File.WriteAllText(bad, "# a comment\nH 0\nCX 0 1 2\n");
        foreach (string command in new[] { "run", "sample", "detect", "dem" })
        {
            var (code, _, error) = Vnq(command, bad);
            Assert.Equal(2, code);
            Assert.Contains($"{bad}:3:8: CX acts on pairs of targets", error, StringComparison.Ordinal);
        }

        string dem = Path.Combine(_temp, "bad.dem");
        File.WriteAllText(dem, "error(0.1) D0\nerror(2) D1\n");
        File.WriteAllBytes(Path.Combine(_temp, "x.b8"), [0]);
        var decode = Vnq("decode", "--dem", dem, "--in", Path.Combine(_temp, "x.b8"));
        Assert.Equal(2, decode.Code);
        Assert.Contains($"{dem}:2:1:", decode.Err, StringComparison.Ordinal);

        Assert.NotEqual(0, Vnq("sample", bad.Replace("bad", "missing", StringComparison.Ordinal)).Code);
        Assert.Equal(1, Vnq("sample", Path.Combine(Folder, "deterministic.stim"), "--shots", "10", "--out-format", "ptb64").Code);
    }
}
