using System.Globalization;
using System.Numerics;
using VnQuantum.Circuits.Qec;
using VnQuantum.Simulation.Decoding;
using VnQuantum.Simulation.Stabilizer;
using VnQuantum.Testing;
using Xunit.Abstractions;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// Stim's circuit format read into the stabilizer engine, checked against Stim itself: the golden detector error
/// models in testdata/stim are Stim's <c>analyze_errors</c> of circuits from <c>stim gen</c> and of a hand-written
/// circuit that uses every instruction the reader takes (testdata/README.md).
/// </summary>
public sealed class StimCircuitTests(ITestOutputHelper output)
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "testdata", "stim");

    [Theory]
    [InlineData("rotated_memory_z_d3_r3")]
    [InlineData("rotated_memory_x_d3_r2")]
    [InlineData("unrotated_memory_z_d3_r2")]
    public void DecomposedErrorModel_OfStimsCircuits_EqualsStimsPieceByPiece(string name)
    {
        var circuit = StimCircuit.Load(Path.Combine(Folder, name + ".stim"));
        var expected = DecomposedMechanisms(DetectorErrorModel.Parse(File.ReadAllText(Path.Combine(Folder, name + ".decomposed.dem"))));
        var actual = DecomposedMechanisms(DetectorErrorModel.FromProgram(circuit.Program, decomposeErrors: true));
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, p) in expected)
        {
            Assert.True(Math.Abs(actual[key] - p) < 1e-9 * p, $"{name} {key}: ours {actual[key]:R}, Stim {p:R}");
        }

        // Written out and read back, the pieces survive.
        var written = DetectorErrorModel.Parse(DetectorErrorModel.FromProgram(circuit.Program, decomposeErrors: true).ToStimText());
        Assert.Equal(actual.Keys.Order(StringComparer.Ordinal), DecomposedMechanisms(written).Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("rotated_memory_z_d3_r3")]
    [InlineData("rotated_memory_x_d3_r2")]
    [InlineData("unrotated_memory_z_d3_r2")]
    public void MatchingGraph_OfStimsCircuits_IsTheGraphOfStimsDecomposedModel(string name)
    {
        // Decomposed as Stim's --decompose_errors does (a Y error as its X part and its Z part), the model makes the
        // same matching graph as Stim's decomposed model: the same edges, probabilities and observables.
        var ours = new MatchingDecoder(DetectorErrorModel.FromProgram(StimCircuit.Load(Path.Combine(Folder, name + ".stim")).Program, decomposeErrors: true));
        var stims = new MatchingDecoder(DetectorErrorModel.Parse(File.ReadAllText(Path.Combine(Folder, name + ".decomposed.dem"))));
        Assert.Equal(0, ours.HyperedgesLeftOut);
        var expected = stims.Edges().ToDictionary(e => (e.From, e.To));
        var actual = ours.Edges().ToDictionary(e => (e.From, e.To));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, edge) in expected)
        {
            Assert.True(Math.Abs(actual[key].Probability - edge.Probability) <= 1e-9 * edge.Probability, $"{name} edge {key}: {actual[key].Probability} against Stim's {edge.Probability}");
            Assert.Equal(edge.Observables, actual[key].Observables);
        }
    }

    [Theory]
    [InlineData("rotated_memory_z_d3_r3")]
    [InlineData("rotated_memory_x_d3_r2")]
    [InlineData("unrotated_memory_z_d3_r2")]
    [InlineData("repetition_memory_d5_r4")]
    [InlineData("color_memory_xyz_d3_r3")]
    [InlineData("every_instruction")]
    public void ErrorModel_OfStimsCircuits_EqualsStimsMechanismByMechanism(string name)
    {
        var circuit = StimCircuit.Load(Path.Combine(Folder, name + ".stim"));
        var ours = DetectorErrorModel.FromProgram(circuit.Program);
        var stim = DetectorErrorModel.Parse(File.ReadAllText(Path.Combine(Folder, name + ".dem")), name + ".dem");

        Assert.Equal(stim.DetectorCount, circuit.DetectorCount);
        var expected = Mechanisms(stim);
        var actual = Mechanisms(ours);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        double worst = 0;
        foreach (var (targets, p) in expected)
        {
            double relative = Math.Abs(actual[targets] - p) / p;
            worst = Math.Max(worst, relative);
            Assert.True(relative < 1e-9, $"{targets}: ours {actual[targets]:R}, Stim {p:R}");
        }

        // Stim declares the coordinates (shifted as Stim's own file says) of every detector that has them.
        for (int d = 0; d < stim.DetectorCount; d++)
        {
            Assert.Equal(stim.DetectorDefinitions[d].Coordinates.ToArray(), circuit.Program.Detectors[d].Coordinates.ToArray());
        }

        output.WriteLine($"{name}: {expected.Count} mechanisms equal, worst relative difference {worst:E1}");
    }

    [Fact]
    public void EveryUnitaryGate_IsItsMatrixInStimsGateReference_UpToPhase()
    {
        var reference = ReadUnitaries(Path.Combine(Folder, "gate_unitaries.txt"));
        int checkedGates = 0;
        foreach (string gate in StimGates.UnitaryNames)
        {
            string documented = gate == "SWAPCZ" ? "CZSWAP" : gate;
            Assert.True(reference.TryGetValue(documented, out var expected), $"{gate} has no matrix in the reference");
            bool two = StimGates.TryTwoQubit(gate, out var steps);
            if (!two)
            {
                StimGates.TryOneQubit(gate, out steps);
            }

            var product = DenseReference.Identity(two ? 4 : 2);
            foreach (var step in steps)
            {
                product = DenseReference.Multiply(Matrix(step, two ? 2 : 1), product);
            }

            Assert.True(EqualUpToPhase(expected, product), $"{gate}: the decomposition is not the gate");
            checkedGates++;
        }

        Assert.Equal(47, checkedGates); // the 46 unitary gates of Stim's reference, and CZSWAP's other name SWAPCZ
    }

    [Fact]
    public void Decompositions_WithOneStepChanged_AreCaught()
    {
        // The matrix check must be able to fail: S instead of S† in SQRT_X_DAG is SQRT_X.
        var reference = ReadUnitaries(Path.Combine(Folder, "gate_unitaries.txt"));
        StimGates.TryOneQubit("SQRT_X", out var sqrtX);
        var product = DenseReference.Identity(2);
        foreach (var step in sqrtX)
        {
            product = DenseReference.Multiply(Matrix(step, 1), product);
        }

        Assert.False(EqualUpToPhase(reference["SQRT_X_DAG"], product));
    }

    [Fact]
    public void Detectors_FireAtTheRatesTheirErrorModelPredicts()
    {
        // The frame sampler against the error model (which equals Stim's): a detector fires when an odd number of
        // the independent mechanisms that touch it happen, P = (1 − Π(1 − 2p)) / 2.
        var circuit = StimCircuit.Load(Path.Combine(Folder, "every_instruction.stim"));
        var model = DetectorErrorModel.FromProgram(circuit.Program);
        const int shots = 200_000;
        var table = new PauliFrameSampler(circuit.Program, 17).SampleDetectors(shots);
        for (int d = 0; d < circuit.DetectorCount; d++)
        {
            double quiet = 1;
            foreach (var error in model.Errors.Where(e => e.Detectors.Contains(d)))
            {
                quiet *= 1 - (2 * error.Probability);
            }

            double predicted = (1 - quiet) / 2;
            double measured = (double)table.CountOnes(d) / shots;
            double sigma = Math.Sqrt(Math.Max(predicted * (1 - predicted), 1e-6) / shots);
            Assert.True(Math.Abs(measured - predicted) < 5 * sigma, $"D{d}: sampled {measured:G4}, model {predicted:G4}");
        }
    }

    [Fact]
    public void ChunkedDetectorSampling_GivesTheSameBits_AsOneCall()
    {
        var circuit = StimCircuit.Load(Path.Combine(Folder, "rotated_memory_z_d3_r3.stim"));
        var sampler = new PauliFrameSampler(circuit.Program, 5);
        const int shots = (2 * 16 * PauliFrameSampler.BatchShots) + 1000;
        var whole = sampler.SampleDetectors(shots);
        int offset = 0;
        sampler.SampleInChunks(shots, detectors: true, 16 * PauliFrameSampler.BatchShots, chunk =>
        {
            for (int c = 0; c < chunk.Columns; c++)
            {
                var expected = whole.Column(c);
                var actual = chunk.Column(c);
                for (int w = 0; w < actual.Length; w++)
                {
                    Assert.Equal(expected[(offset / 64) + w], actual[w]);
                }
            }

            offset += chunk.Shots;
        });
        Assert.Equal(shots, offset);
        Assert.True(whole.CountOnes(0) > 0);
    }

    [Fact]
    public void NoiselessCircuit_HasQuietDetectors_AndTheReferenceRecords()
    {
        string text = """
            R 0 1
            H 0
            CNOT 0 1
            MPP X0*X1 Z0*Z1 !Y0*Y1
            MPAD 1 0
            M !0 !1
            DETECTOR rec[-1] rec[-2]
            DETECTOR rec[-4]
            """;
        var circuit = StimCircuit.Parse(text);
        Assert.Equal(2, circuit.QubitCount);
        Assert.Equal(3, circuit.Program.QubitCount); // MPAD's ancilla
        var sampler = new PauliFrameSampler(circuit.Program, 3);

        // X0X1 = +1, Z0Z1 = +1 and −Y0Y1 = +1 (Y⊗Y of a Bell pair is −1): results 0, 0, 0; MPAD 1, 0.
        Assert.Equal([false, false, false, true, false], sampler.Reference.Take(5));
        var detectors = sampler.SampleDetectors(1000);
        Assert.Equal(0, detectors.CountOnes(0) + detectors.CountOnes(1));
    }

    [Fact]
    public void Feedback_OnARandomMeasurement_MakesTheNextOneCertain()
    {
        var circuit = StimCircuit.Parse("H 0\nM 0\nCX rec[-1] 0\nM 0\nDETECTOR rec[-1]\nH 1\nM 1\nCZ 2 rec[-1]\nCY sweep[0] 1\n");
        var table = new PauliFrameSampler(circuit.Program, 9).Sample(4096);
        Assert.InRange(table.CountOnes(0), 1800, 2300); // the first is random
        Assert.Equal(0, table.CountOnes(1));
        Assert.Equal(0, new PauliFrameSampler(circuit.Program, 9).SampleDetectors(4096).CountOnes(0));
    }

    [Fact]
    public void RepeatBlocks_UnrollWithShiftedCoordinates()
    {
        var circuit = StimCircuit.Parse("""
            R 0
            REPEAT 3 {
                M 0
                REPEAT 2 {
                    DETECTOR(1, 2) rec[-1]
                    SHIFT_COORDS(0, 10)
                }
                SHIFT_COORDS(100)
            }
            QUBIT_COORDS(5, 5) 0
            """);
        Assert.Equal(3, circuit.MeasurementCount);
        Assert.Equal(6, circuit.DetectorCount);
        Assert.Equal([1.0, 2.0], circuit.Program.Detectors[0].Coordinates.ToArray());
        Assert.Equal([1.0, 12.0], circuit.Program.Detectors[1].Coordinates.ToArray());
        Assert.Equal([101.0, 22.0], circuit.Program.Detectors[2].Coordinates.ToArray());
        Assert.Equal([2], circuit.Program.Detectors[5].Records.ToArray());
        Assert.Equal([305.0, 65.0], circuit.QubitCoordinates[0].ToArray());
    }

    [Fact]
    public void OurExport_ReadsBack_ToTheSameErrorModel()
    {
        var experiment = MemoryCircuits.RotatedSurfaceCode(3, 2, 0.003);
        var original = MemoryExperimentRunner.ErrorModel(experiment);
        var read = DetectorErrorModel.FromProgram(StimCircuit.Parse(StimFormat.Write(experiment.Circuit, experiment.Noise)).Program);
        Assert.Equal(Mechanisms(original), Mechanisms(read));
    }

    [Theory]
    [InlineData("H 0\nQ 1\n", 2, 1, "unknown instruction 'Q'")]
    [InlineData("M 0\nDETECTOR rec[-2]\n", 2, 10, "rec[-2] looks back past the first measurement")]
    [InlineData("CX 0 1 2\n", 1, 8, "target 3 has no partner")]
    [InlineData("CX 0 0\n", 1, 6, "names qubit 0 twice")]
    [InlineData("X_ERROR(1.5) 0\n", 1, 1, "not between 0 and 1")]
    [InlineData("DEPOLARIZE1 0\n", 1, 1, "takes a probability")]
    [InlineData("PAULI_CHANNEL_1(0.1) 0\n", 1, 1, "takes 3 arguments, not 1")]
    [InlineData("REPEAT 2 {\nH 0\n", 1, 1, "never closed")]
    [InlineData("H 0\n}\n", 2, 1, "closes no REPEAT")]
    [InlineData("H !0\n", 1, 3, "cannot take an inverted target")]
    [InlineData("MPP X0*X0\n", 1, 8, "names qubit 0 twice")]
    [InlineData("E(0.1) X0 Y1 Z2\n", 1, 1, "E on 3 qubits is not supported")]
    [InlineData("HERALDED_ERASE(0.1) 0\n", 1, 1, "heralded noise")]
    [InlineData("M 0\nH rec[-1]\n", 2, 3, "takes qubit targets")]
    [InlineData("H 0 x\n", 1, 5, "'x' is not a target")]
    [InlineData("X_ERROR(0.1 0\n", 1, 8, "never closed")]
    [InlineData("H(0.1) 0\n", 1, 1, "takes no arguments")]
    [InlineData("M 0\nOBSERVABLE_INCLUDE rec[-1]\n", 2, 1, "takes the observable's index")]
    [InlineData("# Stim's header comment\nREPEAT 0 {\n}\n", 2, 8, "positive whole count")]
    [InlineData("TICK(1)\n", 1, 1, "takes no arguments")]
    [InlineData("TICK 0\n", 1, 6, "takes no targets")]
    [InlineData("M 300000\n", 1, 3, "past the largest")]
    public void BadLines_AreRefused_WithFileLineAndColumn(string text, int line, int column, string reason)
    {
        var e = Assert.Throws<StimCircuitException>(() => StimCircuit.Parse(text, "bad.stim"));
        Assert.Equal(("bad.stim", line, column), (e.File, e.Line, e.Column));
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"bad.stim:{line}:{column}: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AHugeRepeat_IsRefusedBeforeItFillsMemory()
    {
        var e = Assert.Throws<StimCircuitException>(() => StimCircuit.Parse("REPEAT 1000000000 {\n  H 0\n}\n", "big.stim"));
        Assert.Contains("unrolls to more than", e.Reason, StringComparison.Ordinal);

        // Nothing but annotations, or nothing at all, inside nested blocks: bounded too, not a loop for ever.
        foreach (string body in new[] { "TICK", "" })
        {
            var nested = Assert.Throws<StimCircuitException>(() => StimCircuit.Parse($"REPEAT 1000000 {{\nREPEAT 1000000000000 {{\n{body}\n}}\n}}\n", "nested.stim"));
            Assert.Contains("unrolls to more than", nested.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RandomDetectorsAndObservables_HaveNoErrorModel()
    {
        // Stim's analyze_errors refuses these too: D0 fires in half the noiseless shots, so no mechanism list is right.
        var random = StimCircuit.Parse("RX 0\nX_ERROR(0.1) 0\nM 0\nDETECTOR rec[-1]\n");
        Assert.Contains("detector D0 is not deterministic", Assert.Throws<ArgumentException>(() => DetectorErrorModel.FromProgram(random.Program)).Message, StringComparison.Ordinal);
        var observable = StimCircuit.Parse("R 0 1\nH 1\nM 0 1\nDETECTOR rec[-2]\nOBSERVABLE_INCLUDE(0) rec[-1]\n");
        Assert.Contains("observable L0 is not deterministic", Assert.Throws<ArgumentException>(() => DetectorErrorModel.FromProgram(observable.Program)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorModelText_DeclaresEveryDetectorAndObservable_SoItReadsBackWithItsSizes()
    {
        // The last detector and the observable never fire here; without declarations a reader would miss them.
        var circuit = StimCircuit.Parse("R 0 1\nX_ERROR(0.2) 0\nCX 0 1\nM 0 1\nDETECTOR rec[-2]\nDETECTOR rec[-1]\nR 2\nM 2\nDETECTOR rec[-1]\nOBSERVABLE_INCLUDE(0) rec[-2]\n");
        var model = DetectorErrorModel.FromProgram(circuit.Program);
        var read = DetectorErrorModel.Parse(model.ToStimText());
        Assert.Equal((3, 1), (read.DetectorCount, read.ObservableCount));
    }

    [Fact]
    public void TagsAndBounds_InStimsFiles()
    {
        // Stim writes a circuit's tags into its model; a '#' inside a tag is not a comment.
        var tagged = StimCircuit.Parse("R 0\n    X_ERROR[leak#1](0.1) 0\nM 0 # a comment\nDETECTOR[t] rec[-1]\n");
        Assert.Equal(1, tagged.DetectorCount);
        var model = DetectorErrorModel.Parse("error[leak](0.1) D0\ndetector[t] D0\n");
        Assert.Single(model.Errors);

        // A small file cannot ask for unbounded work: a long detector repeated, a huge repeat, a far detector index.
        string records = string.Join(' ', Enumerable.Range(1, 1000).Select(k => $"rec[-{k}]"));
        string manyTargets = "M " + string.Join(' ', Enumerable.Range(0, 1000)) + $"\nREPEAT 1000000 {{\nDETECTOR {records}\n}}\n";
        Assert.Contains("unrolls to more than", Assert.Throws<StimCircuitException>(() => StimCircuit.Parse(manyTargets)).Reason, StringComparison.Ordinal);
        Assert.Contains("unrolls to more than", Assert.Throws<FormatException>(() => DetectorErrorModel.Parse("repeat 1000000000000 {\n}\nerror(0.1) D0\n")).Message, StringComparison.Ordinal);
        Assert.Contains("at most", Assert.Throws<FormatException>(() => DetectorErrorModel.Parse("error(0.1) D100000000\n")).Message, StringComparison.Ordinal);
        Assert.Contains("unrolls to more than", Assert.Throws<FormatException>(() => DetectorErrorModel.Parse("repeat 100000000 {\nerror(0.1) D0\nshift_detectors 0\n}\n")).Message, StringComparison.Ordinal);

        // Deep nesting is refused at its line instead of overflowing the stack.
        string deep = string.Concat(Enumerable.Repeat("REPEAT 1 {\n", 100_000)) + "H 0\n" + string.Concat(Enumerable.Repeat("}\n", 100_000));
        var nested = Assert.Throws<StimCircuitException>(() => StimCircuit.Parse(deep));
        Assert.Equal((101, "REPEAT blocks nest more than 100 deep"), (nested.Line, nested.Reason));
        string deepModel = string.Concat(Enumerable.Repeat("repeat 1 {\n", 100_000)) + "error(0.1) D0\n" + string.Concat(Enumerable.Repeat("}\n", 100_000));
        Assert.Contains(":101:1: repeat blocks nest more than 100 deep", Assert.Throws<FormatException>(() => DetectorErrorModel.Parse(deepModel)).Message, StringComparison.Ordinal);
        Assert.Equal(0, StimCircuit.Parse("").MeasurementCount); // an empty file is an empty circuit, as in Stim
    }

    [Fact]
    public void ErrorModelText_ReadsBack_WithDecompositionsAndShifts()
    {
        var model = DetectorErrorModel.Parse("""
            error(0.1) D0 D1 ^ D2 L0
            repeat 2 {
                error(0.2) D0
                detector(1, 2) D0
                shift_detectors(0, 1) 1
            }
            logical_observable L1
            """);
        Assert.Equal(3, model.DetectorCount);
        Assert.Equal(2, model.ObservableCount);
        Assert.Equal(3, model.Errors.Length);

        // The decomposed mechanism keeps its pieces; its own effect is their sum.
        Assert.Equal([0, 1, 2], model.Errors[0].Detectors.ToArray());
        Assert.Equal(1UL, model.Errors[0].ObservableMask);
        Assert.Equal(2, model.Errors[0].Components.Length);
        Assert.Equal([0, 1], model.Errors[0].Components[0].Detectors.ToArray());
        Assert.Equal([2], model.Errors[0].Components[1].Detectors.ToArray());
        Assert.Equal(1UL, model.Errors[0].Components[1].ObservableMask);
        Assert.Equal("error(0.1) D0 D1 ^ D2 L0", model.ToStimText().Split('\n')[0]);
        Assert.Equal([1], model.Errors[2].Detectors.ToArray());
        Assert.Equal([1.0, 3.0], model.DetectorDefinitions[1].Coordinates.ToArray());
        var bad = Assert.Throws<FormatException>(() => DetectorErrorModel.Parse("error(0.1) D0\nerror(0.1) Q3\n", "m.dem"));
        Assert.StartsWith("m.dem:2:", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MutatedCircuits_ParseOrFailWithALocatedError_NeverCrash()
    {
        // A CI-sized campaign (2,000 mutants of the every-instruction circuit); raise the count to fuzz longer.
        string original = File.ReadAllText(Path.Combine(Folder, "every_instruction.stim"));
        const string alphabet = "0123456789 !*()[]{}-_.,#\nXYZMRrecswep";
        var random = new Random(20);
        int parsed = 0, refused = 0;
        for (int n = 0; n < 2000; n++)
        {
            var text = new System.Text.StringBuilder(original);
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, Math.Min(random.Next(1, 6), text.Length - at)); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            try
            {
                var circuit = StimCircuit.Parse(text.ToString(), "mutant.stim");
                if (circuit.Program.FrameSamplingObstacle() is null)
                {
                    try
                    {
                        _ = DetectorErrorModel.FromProgram(circuit.Program);
                    }
                    catch (ArgumentException e) when (e.Message.Contains("is not deterministic", StringComparison.Ordinal))
                    {
                        // A mutant whose detector became random has no error model; Stim refuses it the same way.
                    }
                }

                parsed++;
            }
            catch (StimCircuitException e)
            {
                Assert.StartsWith("mutant.stim:", e.Message, StringComparison.Ordinal);
                Assert.InRange(e.Line, 1, text.ToString().Split('\n').Length);
                refused++;
            }
        }

        output.WriteLine($"{parsed} mutants parsed, {refused} refused with a located error");
        Assert.True(parsed > 100 && refused > 100);
    }

    /// <summary>Mechanism targets ("D0 D2 L0") → probability, merging repeats as independent errors.</summary>
    private static Dictionary<string, double> Mechanisms(DetectorErrorModel model)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e in model.Errors)
        {
            string key = string.Join(' ', e.Detectors.Select(d => "D" + d.ToString(CultureInfo.InvariantCulture))
                .Concat(Enumerable.Range(0, 64).Where(o => (e.ObservableMask & (1UL << o)) != 0).Select(o => "L" + o.ToString(CultureInfo.InvariantCulture))));
            result[key] = result.TryGetValue(key, out double p) ? p + e.Probability - (2 * p * e.Probability) : e.Probability;
        }

        return result;
    }

    /// <summary>Mechanisms keyed by their pieces, in any order (Stim orders them its own way), probabilities merged.</summary>
    private static Dictionary<string, double> DecomposedMechanisms(DetectorErrorModel model)
    {
        static string Piece(DetectorSymptom s) => string.Join(' ', s.Detectors.Select(d => "D" + d.ToString(CultureInfo.InvariantCulture))
            .Concat(Enumerable.Range(0, 64).Where(o => (s.ObservableMask & (1UL << o)) != 0).Select(o => "L" + o.ToString(CultureInfo.InvariantCulture))));
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var e in model.Errors)
        {
            var pieces = e.Components.IsEmpty ? [new DetectorSymptom(e.Detectors, e.ObservableMask)] : e.Components;
            string key = string.Join(" ^ ", pieces.Select(Piece).Order(StringComparer.Ordinal));
            result[key] = result.TryGetValue(key, out double p) ? p + e.Probability - (2 * p * e.Probability) : e.Probability;
        }

        return result;
    }

    private static Dictionary<string, Complex[,]> ReadUnitaries(string path)
    {
        var result = new Dictionary<string, Complex[,]>(StringComparer.Ordinal);
        string[] lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length;)
        {
            string name = lines[i++];
            var firstRow = lines[i].Split(' ');
            int n = firstRow.Length;
            var m = new Complex[n, n];
            for (int r = 0; r < n; r++)
            {
                var cells = lines[i++].Split(' ');
                for (int c = 0; c < n; c++)
                {
                    var parts = cells[c].Split(',');
                    m[r, c] = new Complex(double.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture));
                }
            }

            result[name] = m;
        }

        return result;
    }

    /// <summary>
    /// The matrix of one engine gate on the instruction's targets, from the shared dense reference; index bit t is
    /// target t (Stim's little-endian order).
    /// </summary>
    private static Complex[,] Matrix(StimGates.Step step, int qubits)
    {
        double s = 1 / Math.Sqrt(2);
        Complex i = Complex.ImaginaryOne;
        var x = new Complex[,] { { 0, 1 }, { 1, 0 } };
        var y = new Complex[,] { { 0, -i }, { i, 0 } };
        var z = new Complex[,] { { 1, 0 }, { 0, -1 } };
        var swap = new Complex[,] { { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 1, 0, 0 }, { 0, 0, 0, 1 } };
        return step.Kind switch
        {
            CliffordKind.H => DenseReference.Embed(qubits, [step.First], new Complex[,] { { s, s }, { s, -s } }),
            CliffordKind.S => DenseReference.Embed(qubits, [step.First], new Complex[,] { { 1, 0 }, { 0, i } }),
            CliffordKind.Sdg => DenseReference.Embed(qubits, [step.First], new Complex[,] { { 1, 0 }, { 0, -i } }),
            CliffordKind.X => DenseReference.Embed(qubits, [step.First], x),
            CliffordKind.Y => DenseReference.Embed(qubits, [step.First], y),
            CliffordKind.Z => DenseReference.Embed(qubits, [step.First], z),
            CliffordKind.CX => DenseReference.Embed(qubits, [step.Second], x, step.First),
            CliffordKind.CY => DenseReference.Embed(qubits, [step.Second], y, step.First),
            CliffordKind.CZ => DenseReference.Embed(qubits, [step.Second], z, step.First),
            CliffordKind.Swap => DenseReference.Embed(qubits, [step.First, step.Second], swap),
            _ => throw new InvalidOperationException($"No matrix for {step.Kind}."),
        };
    }

    private static bool EqualUpToPhase(Complex[,] expected, Complex[,] actual)
    {
        int n = expected.GetLength(0);
        if (actual.GetLength(0) != n)
        {
            return false;
        }

        Complex phase = 0;
        for (int r = 0; r < n && phase == 0; r++)
        {
            for (int c = 0; c < n && phase == 0; c++)
            {
                if (expected[r, c].Magnitude > 1e-9)
                {
                    phase = actual[r, c] / expected[r, c];
                }
            }
        }

        if (Math.Abs(phase.Magnitude - 1) > 1e-9)
        {
            return false;
        }

        for (int r = 0; r < n; r++)
        {
            for (int c = 0; c < n; c++)
            {
                if ((actual[r, c] - (phase * expected[r, c])).Magnitude > 1e-9)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
