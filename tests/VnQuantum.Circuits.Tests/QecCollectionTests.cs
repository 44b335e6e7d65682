using System.Text.Json.Nodes;
using VnQuantum.Circuits.Qec;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Tests;

public class QecCollectionTests
{
    private static List<DecodingTask> RepetitionTasks(params double[] ps) =>
        [.. ps.SelectMany(p => new[] { 3, 5 }.Select(d => DecodingTask.FromMemoryExperiment(MemoryCodes.Create("repetition", d, null, p), "repetition")))];

    [Fact]
    public void CsvLines_AreSintersToTheByte()
    {
        // sinter's TaskStats.to_csv_line docstring (glue/sample/src/sinter/_data/_task_stats.py).
        var stats = new TaskStats("test", "pymatching", SinterCsv.CanonicalJson(JsonNode.Parse("{\"a\": [1, 2, 3]}")), 22, 3, 0, 5);
        Assert.Equal("     shots,    errors,  discards, seconds,decoder,strong_id,json_metadata,custom_counts", SinterCsv.Header);
        Assert.Equal("        22,         3,         0,    5.00,pymatching,test,\"{\"\"a\"\":[1,2,3]}\",", SinterCsv.Line(stats));
        Assert.Equal("    0.125", SinterCsv.Line(stats with { Seconds = 0.125 }).Split(',')[3].PadLeft(9));
        Assert.Equal("    12.3", SinterCsv.Line(stats with { Seconds = 12.34 }).Split(',')[3]);
        Assert.Equal("{\"a\":{\"b\":1,\"c\":[true,null]},\"z\":\"x\"}", SinterCsv.CanonicalJson(JsonNode.Parse("{\"z\": \"x\", \"a\": {\"c\": [true, null], \"b\": 1}}")));
    }

    [Theory]
    [InlineData(1e-05, "1e-05")]
    [InlineData(0.001, "0.001")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(1.0, "1.0")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(123.456, "123.456")]
    [InlineData(1e16, "1e+16")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(12345678901234567.0, "1.2345678901234568e+16")]
    [InlineData(1e15, "1000000000000000.0")]
    public void PythonFloat_IsPythonsRepr(double value, string expected) => Assert.Equal(expected, SinterCsv.PythonFloat(value));

    [Theory]
    [InlineData(9.995, 2, "9.99")] // 9.99499999… in binary: Python rounds the exact value
    [InlineData(12.25, 1, "12.2")] // an exact tie: half to even
    [InlineData(12.35, 1, "12.3")] // 12.3499999…
    [InlineData(0.125, 3, "0.125")]
    [InlineData(0.0005, 3, "0.001")]
    [InlineData(2.5, 0, "2")]
    [InlineData(0.0, 3, "0.000")]
    public void Seconds_AreRoundedAsPythonsFormat(double value, int places, string expected) => Assert.Equal(expected, SinterCsv.Fixed(value, places));

    [Fact]
    public void Metadata_IsWrittenAsPythonsJsonDumps()
    {
        Assert.Equal("{\"a\":\"a+b<c>&\\u00e9\\n\"}", SinterCsv.CanonicalJson(JsonNode.Parse("{\"a\": \"a+b<c>&\u00e9\\n\"}")));
        Assert.Equal("{\"n\":10,\"p\":1e-05,\"x\":1.0}", SinterCsv.CanonicalJson(JsonNode.Parse("{\"x\": 1.0, \"p\": 0.00001, \"n\": 10}")));
        Assert.Equal("{\"d\":1000,\"x\":1.0}", SinterCsv.CanonicalJson(DecodingTask.MetadataFromFileName("d=1_000,x=1.0.stim")));
    }

    [Fact]
    public void Rows_KeepDetectionEventsInCustomCounts_AndRefuseWhatWouldCorruptTotals()
    {
        var row = new TaskStats("abc", "matching", "{\"d\":3}", 4096, 7, 0, 0.5) { DetectionEvents = 1234 };
        string line = SinterCsv.Line(row);
        Assert.EndsWith(",\"{\"\"detection_events\"\":1234}\"", line);
        Assert.Equal(1234, Assert.Single(SinterCsv.Read(new StringReader(SinterCsv.Header + "\n" + line + "\n"))).DetectionEvents);

        string header = "shots,errors,discards,seconds,decoder,strong_id,json_metadata\n";
        string huge = (TaskStats.MaxCount + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("not a count up to 2^62", Assert.Throws<FormatException>(() => SinterCsv.Read(new StringReader(header + $"{huge},0,0,1,m,id,null\n"))).Message);
        string half = (TaskStats.MaxCount - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith("<input>:3:", Assert.Throws<FormatException>(() => SinterCsv.Read(new StringReader(header + $"{half},0,0,1,m,id,null\n{half},0,0,1,m,id,null\n"))).Message);
        Assert.StartsWith("<input>:3: Two rows have the same strong id", Assert.Throws<FormatException>(() => SinterCsv.Read(new StringReader(header + "10,0,0,1,m,id,null\n10,0,0,1,vacuous,id,null\n"))).Message);
        Assert.Contains("longer than", Assert.Throws<FormatException>(() => SinterCsv.Read(new StringReader(header + new string('x', SinterCsv.MaxLineLength + 1)))).Message);
        Assert.Single(SinterCsv.Read(new StringReader("\uFEFF" + header + "10,0,0,1,m,id,null\r\n")));
    }

    [Fact]
    public void Collect_RefusesATaskGivenTwice_AndRowsOfAnotherDecoderUnderItsId()
    {
        var task = DecodingTask.FromMemoryExperiment(MemoryCodes.Create("repetition", 3, null, 0.01), "repetition");
        var options = new CollectionOptions(MaxShots: 4096, MaxErrors: null);
        Assert.Contains("given twice", Assert.Throws<ArgumentException>(() => QecCollection.Collect([task, task], options)).Message);
        var forged = new TaskStats(task.StrongId, "vacuous", task.MetadataJson, 1_000_000, 0, 0, 1);
        Assert.Contains("same strong id", Assert.Throws<ArgumentException>(() => QecCollection.Collect([task], options, previous: [forged])).Message);
        Assert.Contains("maximum number of shots", Assert.Throws<ArgumentException>(() => QecCollection.Collect([task], new CollectionOptions(null, 100))).Message);
    }

    [Fact]
    public void Read_SumsRowsOfOneStrongId_AsSintersDocstringExample()
    {
        // sinter.read_stats_from_csv_files's docstring (glue/sample/src/sinter/_data/_existing_data.py).
        const string text = """
            shots,errors,discards,seconds,decoder,strong_id,json_metadata
            1000,42,0,0.125,pymatching,9c31908e2b,"{""d"":9}"
            3000,24,0,0.125,pymatching,9c31908e2b,"{""d"":9}"
            1000,250,0,0.125,pymatching,deadbeef08,"{""d"":7}"
            """;
        var stats = SinterCsv.Read(new StringReader(text));
        Assert.Equal(2, stats.Count);
        Assert.Equal(("9c31908e2b", 4000L, 66L, 0.25, "{\"d\":9}"), (stats[0].StrongId, stats[0].Shots, stats[0].Errors, stats[0].Seconds, stats[0].JsonMetadata));
        Assert.Equal(("deadbeef08", 1000L, 250L), (stats[1].StrongId, stats[1].Shots, stats[1].Errors));

        // Our own lines read back as written.
        var row = new TaskStats("abc", "matching", "{\"d\":3,\"p\":0.001}", 4096, 7, 0, 0.5);
        Assert.Equal(row, Assert.Single(SinterCsv.Read(new StringReader(SinterCsv.Header + "\n" + SinterCsv.Line(row) + "\n"))));
    }

    [Theory]
    [InlineData("shots,errors,seconds,decoder,strong_id,json_metadata\n", "<input>:1: not a sinter CSV header: missing column discards")]
    [InlineData("shots,errors,discards,seconds,decoder,strong_id,json_metadata\n10,x,0,1,m,id,null\n", "<input>:2: errors is 'x', not a count")]
    [InlineData("shots,errors,discards,seconds,decoder,strong_id,json_metadata\n10,1,0,1,m,id,\"{\n", "<input>:2: a quoted field is not closed")]
    [InlineData("shots,errors,discards,seconds,decoder,strong_id,json_metadata\n10,11,0,1,m,id,null\n", "<input>:2: more errors and discards than shots")]
    [InlineData("shots,errors,discards,seconds,decoder,strong_id,json_metadata\n10,1,0,1,m,id\n", "<input>:2: 6 fields where the header has 7")]
    [InlineData("shots,errors,discards,seconds,decoder,strong_id,json_metadata\n10,1,0,1,m,id,{x}\n", "<input>:2: json_metadata is not JSON")]
    public void Read_NamesTheLineOfABadRow(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => SinterCsv.Read(new StringReader(text)));
        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void BinomialFit_IsSintersFitBinomial()
    {
        // sinter.fit_binomial's docstring: (10 shots, 5 hits, factor 9) → low 0.202, best 0.5, high 0.798.
        var fit = BinomialFit.Of(10, 5, 9);
        Assert.Equal(0.202, fit.Low, 3);
        Assert.Equal(0.5, fit.Best, 12);
        Assert.Equal(0.798, fit.High, 3);

        // (10^8 shots, 2 hits, factor 1000) → high 1.259e-7. Sinter's low (2e-10) is its search grid's; ours is the
        // continuous bound. Both ends satisfy the definition: the likelihood is exactly 1/1000 of the best fit's.
        fit = BinomialFit.Of(100_000_000, 2, 1000);
        Assert.Equal(1.259e-7, fit.High, 1e-10);
        static double LogL(double p) => (2 * Math.Log(p)) + ((100_000_000 - 2) * Math.Log(1 - p));
        Assert.Equal(-Math.Log(1000), LogL(fit.Low) - LogL(2e-8), 1e-6);
        Assert.Equal(-Math.Log(1000), LogL(fit.High) - LogL(2e-8), 1e-6);
        Assert.InRange(fit.Low, 2e-10, 3e-10);

        Assert.Equal(new BinomialFit(0, 0, BinomialFit.Of(1000, 0).High), BinomialFit.Of(1000, 0));
        Assert.InRange(BinomialFit.Of(1000, 0).High, 0.0068, 0.0070); // (1 − p)^1000 = 1/1000 → p = 1 − 1000^(−1/1000)
        Assert.Equal(1, BinomialFit.Of(10, 10).High);
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialFit.Of(5, 6));
    }

    [Fact]
    public void MetadataFromFileName_IsSintersCommaSeparatedKeyValues()
    {
        Assert.Equal("{\"d\":5,\"r\":3.5,\"x\":\"abc\"}", SinterCsv.CanonicalJson(DecodingTask.MetadataFromFileName("folder/d=5,r=3.5,x=abc.stim")));
        Assert.Contains("key=value", Assert.Throws<ArgumentException>(() => DecodingTask.MetadataFromFileName("circuit.stim")).Message);
    }

    [Fact]
    public void SampleDetectorsFrom_IsTheSameStretchOfOneLongCall()
    {
        var program = MemoryExperimentRunner.Program(MemoryCodes.Create("surface", 3, null, 0.01));
        var sampler = new PauliFrameSampler(program, 9);
        var whole = sampler.SampleDetectors(3 * PauliFrameSampler.BatchShots);
        var part = sampler.SampleDetectorsFrom(PauliFrameSampler.BatchShots, PauliFrameSampler.BatchShots + 100, threads: 1);
        for (int c = 0; c < whole.Columns; c++)
        {
            for (int s = 0; s < part.Shots; s++)
            {
                Assert.True(whole[PauliFrameSampler.BatchShots + s, c] == part[s, c], $"shot {s}, column {c}");
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => sampler.SampleDetectorsFrom(100, 10));
    }

    [Fact]
    public void StrongId_NamesCircuitDecoderAndMetadata()
    {
        var experiment = MemoryCodes.Create("repetition", 3, null, 0.01);
        var a = DecodingTask.FromMemoryExperiment(experiment, "repetition");
        Assert.Equal(a.StrongId, DecodingTask.FromMemoryExperiment(experiment, "repetition").StrongId);
        Assert.Matches("^[0-9a-f]{64}$", a.StrongId);
        Assert.NotEqual(a.StrongId, DecodingTask.FromMemoryExperiment(experiment, "repetition", "vacuous").StrongId);
        Assert.NotEqual(a.StrongId, DecodingTask.FromMemoryExperiment(MemoryCodes.Create("repetition", 3, null, 0.02), "repetition").StrongId);
        Assert.NotEqual(a.StrongId, new DecodingTask("x", "other text", a.Program, "matching", JsonNode.Parse(a.MetadataJson)).StrongId);
        Assert.Equal("{\"b\":\"Z\",\"code\":\"repetition\",\"d\":3,\"p\":0.01,\"r\":3}", a.MetadataJson);

        Assert.StartsWith("unknown decoder 'magic'", Assert.Throws<ArgumentException>(() => DecodingTask.FromMemoryExperiment(experiment, "repetition", "magic")).Message);
        var noObservable = StimCircuit.Parse("X_ERROR(0.1) 0\nM 0\nDETECTOR rec[-1]\n").Program;
        Assert.Contains("1 to 64 observables", Assert.Throws<ArgumentException>(() => new DecodingTask("t", "", noObservable, "matching", null)).Message);
    }

    [Fact]
    public void Collect_StopsEachTaskAtItsFirstLimit()
    {
        var tasks = RepetitionTasks(0.01, 0.1);
        var results = QecCollection.Collect(tasks, new CollectionOptions(MaxShots: 20_000, MaxErrors: 300, Threads: 2, Seed: 3));
        foreach (var r in results)
        {
            // Either exactly the shot limit, or at least the error limit reached before it.
            Assert.True(r.Stats.Shots == 20_000 ? r.Stats.Errors <= 300 + 300 : r.Stats.Errors >= 300 && r.Stats.Shots < 20_000, $"{r.Task.MetadataJson}: {r.Stats.Shots} shots, {r.Stats.Errors} errors");
        }

        Assert.Contains(results, r => r.Stats.Shots == 20_000);
        Assert.Contains(results, r => r.Stats.Shots < 20_000);
        Assert.Throws<ArgumentException>(() => QecCollection.Collect(tasks, new CollectionOptions(null, null)));
    }

    [Fact]
    public void Collect_GivesTheSameTotalsOnAnyThreadCount_AndDecodingBeatsTheVacuousDecoder()
    {
        var tasks = RepetitionTasks(0.01);
        tasks.Add(DecodingTask.FromMemoryExperiment(MemoryCodes.Create("repetition", 5, null, 0.01), "repetition", "vacuous"));
        var options = new CollectionOptions(MaxShots: 30_000, MaxErrors: null, Threads: 1, Seed: 5);
        var one = QecCollection.Collect(tasks, options);
        var two = QecCollection.Collect(tasks, options with { Threads = 2 });
        Assert.Equal(one.Select(r => (r.Stats.Shots, r.Stats.Errors)), two.Select(r => (r.Stats.Shots, r.Stats.Errors)));
        Assert.NotEqual(one.Select(r => r.Stats.Errors), QecCollection.Collect(tasks, options with { Seed = 6 }).Select(r => r.Stats.Errors));

        // Without decoding, the observable flips whenever an odd number of faults touch it: far more often than after matching.
        Assert.True(one[2].Stats.Errors > 10 * one[1].Stats.Errors, $"vacuous {one[2].Stats.Errors}, matching {one[1].Stats.Errors}");
    }

    [Fact]
    public void Collect_ResumedAfterAnyBatch_GivesTheUninterruptedTotals_AndSkipsFinishedTasks()
    {
        var tasks = RepetitionTasks(0.02, 0.05);
        var quick = MemoryCodes.Create("repetition", 7, null, 0.05);
        tasks.Add(DecodingTask.FromMemoryExperiment(quick, "repetition", maxShots: PauliFrameSampler.BatchShots));
        string quickId = tasks[^1].StrongId;
        var options = new CollectionOptions(MaxShots: 200_000, MaxErrors: 1_000, Threads: 2, Seed: 11);
        var whole = QecCollection.Collect(tasks, options);

        using var stop = new CancellationTokenSource();
        var firstRows = new List<TaskStats>();
        var firstRun = QecCollection.Collect(tasks, options, onBatch: row =>
        {
            // Stop after some rows, once the one-batch task has finished; batches still running are dropped.
            firstRows.Add(row);
            if (firstRows.Count >= 9 && firstRows.Any(r => r.StrongId == quickId))
            {
                stop.Cancel();
            }
        }, cancel: stop.Token);
        Assert.True(firstRun.Sum(r => r.Stats.Shots) < whole.Sum(r => r.Stats.Shots), "the first run stopped early");
        var finished = firstRun.Where(r => r.Stats.Shots >= (r.Task.MaxShots ?? 200_000) || r.Stats.Errors >= 1_000).Select(r => r.Task.StrongId).ToHashSet();
        Assert.Contains(quickId, finished);

        var resumedRows = new List<TaskStats>();
        var resumed = QecCollection.Collect(tasks, options, previous: firstRows, onBatch: resumedRows.Add);
        Assert.Equal(whole.Select(r => (r.Stats.Shots, r.Stats.Errors)), resumed.Select(r => (r.Stats.Shots, r.Stats.Errors)));
        Assert.DoesNotContain(resumedRows, row => finished.Contains(row.StrongId));

        // A third run has nothing left to do.
        var nothing = new List<TaskStats>();
        QecCollection.Collect(tasks, options, previous: [.. firstRows, .. resumedRows], onBatch: nothing.Add);
        Assert.Empty(nothing);
    }
}
