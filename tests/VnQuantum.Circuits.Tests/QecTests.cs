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
        for (int i = 0; i < bits.Length; i++)
        {
            Assert.False(bits[i], $"bit {i % (program.Detectors.Length + 1)} of shot {i / (program.Detectors.Length + 1)} fired without noise");
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
    [InlineData("surface", 0.001)]
    [InlineData("surface", 0.004)]
    [InlineData("surface", 0.006)]
    [InlineData("surface", 0.008)]
    [InlineData("surface", 0.01)]
    [InlineData("surface", 0.015)]
    public void Explore(string code, double p)
    {
        foreach (int d in new[] { 3, 5, 7 })
        {
            var r = MemoryExperimentRunner.Run(Make(code, d, p), 10000, 7);
            output.WriteLine($"{code} d={d} p={p}: {r.Rate:F5} ± {r.StandardError:F5} ({r.Failures}/{r.Shots}), sample {r.SamplingSeconds:F2}s decode {r.DecodingSeconds:F2}s");
        }
    }
}
