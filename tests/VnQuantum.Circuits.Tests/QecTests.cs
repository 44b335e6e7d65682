using VnQuantum.Circuits.Qec;
using VnQuantum.Simulation.Decoding;
using VnQuantum.Simulation.Stabilizer;
using Xunit.Abstractions;

namespace VnQuantum.Circuits.Tests;

public class QecTests(ITestOutputHelper output)
{
    public static TheoryData<string, int> Codes() => new()
    {
        { "repetition", 3 },
        { "repetition", 7 },
        { "surface", 3 },
        { "surface", 5 },
        { "surface", 7 },
    };

    private static MemoryExperiment Make(string code, int d, double p) =>
        code == "surface" ? MemoryCircuits.RotatedSurfaceCode(d, d, p) : MemoryCircuits.RepetitionCode(d, d, p);

    [Theory]
    [MemberData(nameof(Codes))]
    public void Noiseless_EveryDetectorIsQuietAndTheObservableIsZero(string code, int d)
    {
        var program = MemoryExperimentRunner.Program(Make(code, d, 0));
        var bits = new PauliFrameSampler(program, 1).SampleDetectors(2000);
        for (int column = 0; column < bits.Columns; column++)
        {
            Assert.True(bits.CountOnes(column) == 0, $"column {column} fired without noise");
        }
    }

    [Theory]
    [MemberData(nameof(Codes))]
    public void EverySingleFault_IsGraphlikeAndCorrected(string code, int d)
    {
        // Distance ≥ 3 means any one fault is corrected: decode each mechanism's own detection pattern.
        var model = MemoryExperimentRunner.ErrorModel(Make(code, d, 0.001));
        var decoder = new MatchingDecoder(model, 'Z');
        Assert.Equal(0, decoder.HyperedgesLeftOut);
        var events = new bool[model.DetectorCount];
        foreach (var error in model.Errors)
        {
            Array.Clear(events);
            foreach (int det in error.Detectors)
            {
                events[det] = true;
            }

            ulong zPart = error.ObservableMask;
            Assert.Equal(zPart, decoder.Decode(events));
        }
    }

    [Theory]
    [InlineData(5, 0.005, 3000)]
    [InlineData(7, 0.01, 600)]
    public void SparseBlossom_OnSurfaceCodeShots_HasTheAllPairsReferenceWeight(int d, double p, int shots)
    {
        // Every shot's matching weighs what the first version's matching weighs; the predictions may differ only
        // where two matchings tie, so the logical error counts agree within statistics.
        var experiment = MemoryCircuits.RotatedSurfaceCode(d, d, p);
        var program = MemoryExperimentRunner.Program(experiment);
        var model = DetectorErrorModel.FromProgram(program);
        var decoder = new MatchingDecoder(model, 'Z');
        var bits = new PauliFrameSampler(program, 20).SampleDetectors(shots, threads: 1);
        int detectors = program.Detectors.Length;
        int sparseFailures = 0, referenceFailures = 0, disagreements = 0;
        var events = new List<int>();
        for (int s = 0; s < shots; s++)
        {
            events.Clear();
            for (int det = 0; det < detectors; det++)
            {
                if (bits[s, det] && decoder.NodeOf(det) >= 0)
                {
                    events.Add(decoder.NodeOf(det));
                }
            }

            var (observables, weight, perfect) = decoder.Match([.. events]);
            var (referenceObservables, referenceWeight) = AllPairsMatching.Match(decoder.Graph, [.. events]);
            Assert.True(perfect);
            Assert.True(weight == referenceWeight, $"shot {s}: {events.Count} events, weight {weight}, reference {referenceWeight}");
            bool actual = bits[s, detectors];
            sparseFailures += ((observables & 1) != 0) != actual ? 1 : 0;
            referenceFailures += ((referenceObservables & 1) != 0) != actual ? 1 : 0;
            disagreements += observables != referenceObservables ? 1 : 0;
        }

        output.WriteLine($"d={d} p={p}: sparse {sparseFailures}, reference {referenceFailures} failures of {shots}; {disagreements} tied shots predicted differently");
        Assert.True(Math.Abs(sparseFailures - referenceFailures) <= disagreements);
        Assert.True(disagreements <= shots / 20, $"{disagreements} of {shots} shots predicted differently");
    }

    [Fact]
    public void SurfaceCode_ErrorModel_HasTheExpectedSize()
    {
        // d = 3, 3 rounds: 8 checks (4 Z) per round → 4 + 8 + 8 + 4 final = 24 detectors, 17 qubits.
        var experiment = MemoryCircuits.RotatedSurfaceCode(3, 3, 0.001);
        Assert.Equal(17, experiment.Circuit.QubitCount);
        var model = MemoryExperimentRunner.ErrorModel(experiment);
        Assert.Equal(24, model.DetectorCount);
        Assert.Equal(1, model.ObservableCount);
        Assert.Contains("error(", model.ToStimText());
        Assert.Contains("detector(", model.ToStimText());
    }

    [Theory]
    [InlineData("surface", 0.003, 20000, true)]
    [InlineData("surface", 0.010, 3000, false)]
    [InlineData("repetition", 0.02, 10000, true)]
    [InlineData("repetition", 0.10, 3000, false)]
    public void LogicalErrorRate_FallsWithDistanceBelowThreshold_AndRisesAbove(string code, double p, int shots, bool below)
    {
        // The surface code's threshold under this noise lies between these two points (measured near 0.6–0.7 %,
        // docs/qec.md); the repetition code's, between 2 % and 10 %.
        var rates = new List<LogicalErrorEstimate>();
        foreach (int d in new[] { 3, 5, 7 })
        {
            var estimate = MemoryExperimentRunner.Run(Make(code, d, p), shots, 7);
            output.WriteLine($"{code} d={d} p={p}: {estimate.Rate:F5} ± {estimate.StandardError:F5} ({estimate.Failures}/{estimate.Shots})");
            rates.Add(estimate);
        }

        for (int i = 1; i < rates.Count; i++)
        {
            double gap = rates[i].Rate - rates[i - 1].Rate;
            double sigma = Math.Sqrt((rates[i].StandardError * rates[i].StandardError) + (rates[i - 1].StandardError * rates[i - 1].StandardError));
            Assert.True(below ? gap < -2 * sigma : gap > 2 * sigma, $"{rates[i - 1].Experiment}: {rates[i - 1].Rate:F5} → {rates[i].Experiment}: {rates[i].Rate:F5}");
        }
    }

    [Fact]
    public void SameSeed_SameLogicalErrorCount()
    {
        var experiment = MemoryCircuits.RotatedSurfaceCode(3, 3, 0.01);
        Assert.Equal(MemoryExperimentRunner.Run(experiment, 3000, 5, threads: 1).Failures, MemoryExperimentRunner.Run(experiment, 3000, 5, threads: 2).Failures);
    }

    [Fact]
    public void ErrorModel_MatchesStimsMechanismByMechanism()
    {
        // The golden model is Stim's `analyze_errors` of the circuit our generator exports (testdata/README.md). The
        // committed circuit must still be what the generator writes, or the comparison would test a stale file.
        string folder = Path.Combine(AppContext.BaseDirectory, "testdata", "stim");
        var experiment = MemoryCircuits.RotatedSurfaceCode(3, 3, 0.001);
        string committed = File.ReadAllText(Path.Combine(folder, "surface_d3_r3_p0.001.stim"));
        Assert.Equal(committed[(committed.IndexOf('\n', StringComparison.Ordinal) + 1)..], StimFormat.Write(experiment.Circuit, experiment.Noise));

        var stim = Mechanisms(File.ReadAllText(Path.Combine(folder, "surface_d3_r3_p0.001.dem")));
        var ours = Mechanisms(MemoryExperimentRunner.ErrorModel(experiment).ToStimText());
        Assert.Equal(219, stim.Count);
        Assert.Equal(stim.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        double worst = 0;
        foreach (var (targets, p) in stim)
        {
            double relative = Math.Abs(ours[targets] - p) / p;
            worst = Math.Max(worst, relative);

            // Both rewrite the depolarizing channels as exactly equivalent independent components.
            Assert.True(relative < 1e-9, $"{targets}: ours {ours[targets]:R}, Stim {p:R}");
        }

        output.WriteLine($"219 mechanisms, the same detectors and observables; worst relative difference {worst:E2}");
    }

    /// <summary>The error lines of a detector error model: "D0 D2 L0" (targets sorted) → probability.</summary>
    private static Dictionary<string, double> Mechanisms(string dem)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in dem.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("error(", StringComparison.Ordinal)))
        {
            int close = line.IndexOf(')', StringComparison.Ordinal);
            double p = double.Parse(line[6..close], System.Globalization.CultureInfo.InvariantCulture);
            string[] targets = line[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.DoesNotContain("^", targets);
            string key = string.Join(' ', targets.OrderBy(t => t[0]).ThenBy(t => int.Parse(t[1..], System.Globalization.CultureInfo.InvariantCulture)));
            Assert.True(result.TryAdd(key, p), $"mechanism {key} listed twice");
        }

        return result;
    }

    [Fact]
    public void StimExport_HasTheCircuitDetectorsAndObservable()
    {
        var experiment = MemoryCircuits.RotatedSurfaceCode(3, 2, 0.001);
        string text = StimFormat.Write(experiment.Circuit, experiment.Noise);
        Assert.Contains("DEPOLARIZE2(0.001) ", text);
        Assert.Contains("X_ERROR(0.001) ", text);
        Assert.Contains("DEPOLARIZE1(0.001) ", text);
        Assert.Contains("CX ", text);
        Assert.Contains("DETECTOR(2, 0, 1) rec[-", text);
        Assert.Contains("OBSERVABLE_INCLUDE(0) rec[-", text);
        Assert.Equal((8 * 2) + 9, text.Split('\n').Count(l => l.StartsWith("M ", StringComparison.Ordinal)));
        Assert.Equal(4 + 8 + 4, text.Split('\n').Count(l => l.StartsWith("DETECTOR", StringComparison.Ordinal)));
    }
}

public sealed class ThresholdSweepTests
{
    private static ThresholdPoint Point(int d, double p, int failures) => new(d, p, new LogicalErrorEstimate("x", 1000, failures, 0, 0, 0, 0, 0));

    [Fact]
    public void Crossings_InterpolateInLogP_BetweenTheBracketingPoints()
    {
        // d = 3: 10, 20; d = 5: 5, 40 failures per 1000 at p = 0.001, 0.01 → difference −5 then +20: t = 0.2.
        var points = new[] { Point(3, 0.001, 10), Point(5, 0.001, 5), Point(3, 0.01, 20), Point(5, 0.01, 40) };
        var crossing = Assert.Single(ThresholdSweep.Crossings(points));
        Assert.Equal((3, 5), (crossing.SmallerDistance, crossing.LargerDistance));
        Assert.Equal(Math.Exp(Math.Log(0.001) + (0.2 * Math.Log(10))), crossing.PhysicalErrorRate, 12);

        // Lines that never cross give none.
        Assert.Empty(ThresholdSweep.Crossings([Point(3, 0.001, 10), Point(5, 0.001, 5), Point(3, 0.01, 20), Point(5, 0.01, 15)]));
    }

    [Fact]
    public void Run_GivesTheSameTableOnAnyThreadCount_AndAgreesWithTheRunner()
    {
        var sweep = ThresholdSweep.Run("repetition", [3, 5], [0.03, 0.3], 2000, seed: 4, threads: 1);
        var again = ThresholdSweep.Run("repetition", [3, 5], [0.03, 0.3], 2000, seed: 4, threads: 2);
        Assert.Equal(4, sweep.Points.Count);
        Assert.Equal(sweep.Points.Select(p => p.Estimate.Failures), again.Points.Select(p => p.Estimate.Failures));
        foreach (var point in sweep.Points)
        {
            // The sweep runs through the collection, seeded per task; the runner, with its own seed, is an independent
            // sample of the same experiment: the two rates agree within five standard errors.
            var runner = MemoryExperimentRunner.Run(MemoryCodes.Create("repetition", point.Distance, null, point.PhysicalErrorRate), 2000, 4);
            Assert.Equal(2000, point.Estimate.Shots);
            double sigma = Math.Sqrt((point.Estimate.StandardError * point.Estimate.StandardError) + (runner.StandardError * runner.StandardError));
            Assert.True(Math.Abs(point.Estimate.Rate - runner.Rate) < 5 * sigma, $"d = {point.Distance}, p = {point.PhysicalErrorRate}: {point.Estimate.Rate} against {runner.Rate}");
            Assert.Equal(runner.Detectors, point.Estimate.Detectors);
            Assert.Equal(runner.MatchingEdges, point.Estimate.MatchingEdges);
        }

        Assert.InRange(Assert.Single(sweep.Crossings).PhysicalErrorRate, 0.03, 0.3);
        Assert.StartsWith("unknown code 'toric' (known: surface, repetition)", Assert.Throws<ArgumentException>(() => ThresholdSweep.Run("toric", [3], [0.01], 10, 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ThresholdSweep.Run("surface", [3, 4], [0.01], 10, 1));
    }

    [Fact]
    public void Run_StopsAPointAtMaxErrors()
    {
        // At p = 0.2 about 45 % of shots fail: the first batch (the sampler's smallest) already brings the 500 errors.
        var sweep = ThresholdSweep.Run("repetition", [3, 5], [0.01, 0.2], 1_000_000, seed: 2, maxErrors: 500);
        Assert.All(sweep.Points.Where(p => p.PhysicalErrorRate == 0.2), p => Assert.Equal((PauliFrameSampler.BatchShots, true), (p.Estimate.Shots, p.Estimate.Failures >= 500)));

        // At p = 0.01 errors are rarer: more shots, still far fewer than the limit, and the error count just past 500.
        Assert.All(sweep.Points.Where(p => p.PhysicalErrorRate == 0.01), p => Assert.True(p.Estimate.Failures >= 500 && p.Estimate.Failures < 700 && p.Estimate.Shots < 1_000_000, $"d = {p.Distance}: {p.Estimate.Failures} errors in {p.Estimate.Shots} shots"));
    }
}
