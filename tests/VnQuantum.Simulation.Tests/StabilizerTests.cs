using System.Collections.Immutable;
using System.Numerics;
using VnQuantum.Randomness;
using VnQuantum.Simulation;
using VnQuantum.Simulation.Noise;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Simulation.Tests;

public class StabilizerTests
{
    private static readonly CliffordKind[] OneQubitGates = [CliffordKind.H, CliffordKind.S, CliffordKind.Sdg, CliffordKind.X, CliffordKind.Y, CliffordKind.Z];
    private static readonly CliffordKind[] TwoQubitGates = [CliffordKind.CX, CliffordKind.CY, CliffordKind.CZ, CliffordKind.Swap];

    [Theory]
    [InlineData(2, 1)]
    [InlineData(5, 2)]
    [InlineData(9, 3)]
    [InlineData(12, 4)]
    public void RandomCliffordCircuit_StabilizersStabilizeTheStateVector(int n, int seed)
    {
        var random = new Random(seed);
        for (int trial = 0; trial < 5; trial++)
        {
            var tableau = new StabilizerTableau(n);
            using var state = StateVector.Create(n, threads: 1);
            var rng = new SeededRandom((ulong)((seed * 100) + trial));
            for (int step = 0; step < 30 * n; step++)
            {
                if (random.Next(12) == 0)
                {
                    // Mid-circuit measurement: force the state vector to the tableau's outcome.
                    int q = random.Next(n);
                    bool determined = tableau.IsDeterministic(q);
                    int outcome = tableau.MeasureZ(q, rng);
                    double p1 = state.ProbabilityOfOne(q);
                    if (determined)
                    {
                        Assert.Equal(outcome, p1, 9);
                    }
                    else
                    {
                        Assert.Equal(0.5, p1, 9);
                    }

                    Project(state, q, outcome);
                    continue;
                }

                var op = RandomGate(random, n);
                Apply(tableau, op);
                ApplyToState(state, op);
            }

            foreach (string generator in tableau.Stabilizers())
            {
                double sign = generator[0] == '-' ? -1 : 1;
                Assert.Equal(sign, state.Expectation(PauliString.Parse(generator[1..])), 9);
            }
        }
    }

    [Fact]
    public void ScalarAndVectorWordOps_AreEqual()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 20; trial++)
        {
            int words = 1 + random.Next(13);
            var inputs = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, words).Select(_ => (ulong)random.NextInt64()).ToArray()).ToArray();
            ulong[][] Run(bool vectors)
            {
                var c = inputs.Select(a => (ulong[])a.Clone()).ToArray();
                BitWords.ControlledX(c[0], c[1], c[2], c[3], c[4], vectors);
                BitWords.Hadamard(c[0], c[2], c[4], vectors);
                BitWords.Xor(c[1], c[3], vectors);
                BitWords.Swap(c[2], c[3], vectors);
                return c;
            }

            var vector = Run(true);
            var scalar = Run(false);
            for (int i = 0; i < 5; i++)
            {
                Assert.Equal(scalar[i], vector[i]);
            }
        }
    }

    [Fact]
    public void ManyWordTableau_RepeatedMeasurementsAgree_AndTheInverseCircuitReturnsToZero()
    {
        // 150 qubits span three words per half: the measurement paths that visit only the words in use are checked
        // where the state-vector test cannot reach. A measurement repeated at once is determined and agrees; a random
        // circuit followed by its inverse brings |0…0⟩ back, every qubit determined 0.
        const int n = 150;
        var random = new Random(8);
        var rng = new SeededRandom(8);
        var tableau = new StabilizerTableau(n);
        var circuit = new List<(CliffordKind Kind, int A, int B)>();
        for (int step = 0; step < 3000; step++)
        {
            var op = RandomGate(random, n);
            circuit.Add(op);
            Apply(tableau, op);
        }

        var copy = new StabilizerTableau(n);
        foreach (var op in circuit)
        {
            Apply(copy, op);
        }

        for (int k = 0; k < 40; k++)
        {
            int q = random.Next(n);
            int first = copy.MeasureZ(q, rng);
            Assert.True(copy.IsDeterministic(q));
            Assert.Equal(first, copy.MeasureZ(q, rng));
        }

        for (int i = circuit.Count - 1; i >= 0; i--)
        {
            Apply(tableau, Inverse(circuit[i]));
        }

        for (int q = 0; q < n; q++)
        {
            Assert.True(tableau.IsDeterministic(q));
            Assert.Equal(0, tableau.MeasureZ(q, rng));
        }
    }

    [Fact]
    public void ScrambledGhz_WithFlips_EveryDeterminedOutcomeHasItsSign()
    {
        // A GHZ state over 300 qubits built along a random order, then X on a random third of them: after the first
        // (random) result every other is determined, and equals it exactly where the flips of the two qubits agree.
        // Z_q is then the product of a long chain of stabilizers spread over all five words.
        const int n = 300;
        var random = new Random(12);
        var order = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        var tableau = new StabilizerTableau(n);
        tableau.H(order[0]);
        for (int k = 1; k < n; k++)
        {
            tableau.CX(order[random.Next(k)], order[k]);
        }

        var flipped = new bool[n];
        for (int q = 0; q < n; q++)
        {
            if (random.Next(3) == 0)
            {
                flipped[q] = true;
                tableau.PauliX(q);
            }
        }

        var rng = new SeededRandom(12);
        int first = tableau.MeasureZ(order[0], rng);
        foreach (int q in order.Skip(1).OrderBy(_ => random.Next()))
        {
            Assert.True(tableau.IsDeterministic(q));
            Assert.Equal(first ^ (flipped[q] != flipped[order[0]] ? 1 : 0), tableau.MeasureZ(q, rng));
        }
    }

    [Fact]
    public void DeterminedOutcomes_OnManyWords_EqualTheProductOfStabilizerStrings()
    {
        // The reference is written out by hand: Z_q is ± the product of the stabilizers whose destabilizers anticommute
        // with Z_q, multiplied here as Pauli strings with their phases. 150 qubits is three words per half; random
        // Clifford gates and collapses make the generators dense, with X and Y parts that the sign depends on.
        const int n = 150;
        var random = new Random(31);
        var rng = new SeededRandom(31);
        var tableau = new StabilizerTableau(n);
        int determined = 0;
        for (int round = 0; round < 12; round++)
        {
            for (int step = 0; step < 400; step++)
            {
                Apply(tableau, RandomGate(random, n));
            }

            for (int k = 0; k < 30; k++)
            {
                int q = random.Next(n);
                if (!tableau.IsDeterministic(q))
                {
                    tableau.MeasureZ(q, rng);
                    continue;
                }

                var stabilizers = tableau.Stabilizers();
                var destabilizers = tableau.Destabilizers();
                int phase = 0; // power of i
                var product = new char[n];
                Array.Fill(product, 'I');
                for (int i = 0; i < n; i++)
                {
                    char d = destabilizers[i][n - q]; // labels run from qubit n − 1 down to 0 after the sign
                    if (d is 'X' or 'Y')
                    {
                        phase += stabilizers[i][0] == '-' ? 2 : 0;
                        for (int j = 0; j < n; j++)
                        {
                            (product[j], int p) = MultiplyPaulis(product[j], stabilizers[i][n - j]);
                            phase += p;
                        }
                    }
                }

                Assert.Equal(0, phase % 2);
                Assert.All(Enumerable.Range(0, n), j => Assert.Equal(j == q ? 'Z' : 'I', product[j]));
                Assert.Equal(phase % 4 == 2 ? 1 : 0, tableau.MeasureZ(q, rng));
                determined++;
            }
        }

        Assert.True(determined > 100, $"only {determined} determined measurements were checked");
    }

    /// <summary>a·b for single-qubit Paulis: the product and the power of i it picks up (XY = iZ, YX = −iZ, …).</summary>
    private static (char Product, int Phase) MultiplyPaulis(char a, char b)
    {
        if (a == 'I')
        {
            return (b, 0);
        }

        if (b == 'I')
        {
            return (a, 0);
        }

        if (a == b)
        {
            return ('I', 0);
        }

        const string cycle = "XYZ";
        int ia = cycle.IndexOf(a, StringComparison.Ordinal), ib = cycle.IndexOf(b, StringComparison.Ordinal);
        char third = cycle[3 - ia - ib];
        return (third, (ib - ia + 3) % 3 == 1 ? 1 : 3);
    }

    [Fact]
    public void ChunkedSampling_GivesTheSameBits_AsOneCall()
    {
        var program = RandomNoisyProgram(new Random(41), 6, 300);
        var sampler = new PauliFrameSampler(program, 41);
        const int shots = (3 * PauliFrameSampler.BatchShots) + 100;
        foreach (bool detectors in new[] { false, true })
        {
            var whole = detectors ? sampler.SampleDetectors(shots) : sampler.Sample(shots);
            int offset = 0;
            sampler.SampleInChunks(shots, detectors, PauliFrameSampler.BatchShots, chunk =>
            {
                Assert.Equal(whole.Columns, chunk.Columns);
                for (int c = 0; c < chunk.Columns; c++)
                {
                    for (int s = 0; s < chunk.Shots; s++)
                    {
                        Assert.Equal(whole[offset + s, c], chunk[s, c]);
                    }
                }

                offset += chunk.Shots;
            }, threads: 2);
            Assert.Equal(shots, offset);
        }
    }

    [Fact]
    public void Ghz_On5000Qubits_AllOutcomesAgree()
    {
        const int n = 5000;
        var tableau = new StabilizerTableau(n);
        tableau.H(0);
        for (int q = 1; q < n; q++)
        {
            tableau.CX(q - 1, q);
        }

        var random = new SeededRandom(2);
        int first = tableau.MeasureZ(0, random);
        for (int q = 1; q < n; q++)
        {
            Assert.True(tableau.IsDeterministic(q));
            Assert.Equal(first, tableau.MeasureZ(q, random));
        }
    }

    [Fact]
    public void MeasureXAndY_OnTheirEigenstates_AreDetermined()
    {
        var t = new StabilizerTableau(2);
        t.H(0); // |+⟩
        t.H(1);
        t.S(1); // |+i⟩
        var random = new SeededRandom(1);
        Assert.Equal(0, t.MeasureX(0, random));
        Assert.Equal(0, t.MeasureY(1, random));
        t.PauliZ(0);
        t.PauliX(1);
        Assert.Equal(1, t.MeasureX(0, random));
        Assert.Equal(1, t.MeasureY(1, random));
    }

    [Fact]
    public void Decomposition_ReproducesEveryCliffordUpToGlobalPhase()
    {
        var random = new Random(3);
        for (int trial = 0; trial < 200; trial++)
        {
            int qubits = 1 + random.Next(2);
            int dim = 1 << qubits;

            // A random Clifford as a random word, multiplied out densely.
            var u = Identity(dim);
            for (int k = 0; k < 12; k++)
            {
                var step = qubits == 1 ? new CliffordStep(OneQubitGates[random.Next(OneQubitGates.Length)], 0) : RandomStep(random);
                u = DenseMatrices.Multiply(StepMatrix(step, qubits), u, dim);
            }

            Assert.True(CliffordDecomposition.TryDecompose(u, out var steps));
            var v = Identity(dim);
            foreach (var step in steps)
            {
                v = DenseMatrices.Multiply(StepMatrix(step, qubits), v, dim);
            }

            AssertEqualUpToPhase(u, v);
        }
    }

    [Fact]
    public void Decomposition_RefusesNonCliffords()
    {
        var t = new Complex[] { 1, 0, 0, Complex.FromPolarCoordinates(1, Math.PI / 4) };
        Assert.False(CliffordDecomposition.TryDecompose(t, out _));
        var rz = new Complex[] { Complex.FromPolarCoordinates(1, -0.1), 0, 0, Complex.FromPolarCoordinates(1, 0.1) };
        Assert.False(CliffordDecomposition.TryDecompose(rz, out _));
    }

    [Fact]
    public void FrameSampler_SameSeedSameBits_OnAnyThreadCount()
    {
        var program = RandomNoisyProgram(new Random(9), 6, 40);
        var a = new PauliFrameSampler(program, 77).Sample(10000, threads: 1);
        var b = new PauliFrameSampler(program, 77).Sample(10000, threads: 3);
        for (int r = 0; r < program.RecordCount; r++)
        {
            Assert.Equal(a.Column(r).ToArray(), b.Column(r).ToArray());
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void FrameSampler_AgreesWithTableauShots(int seed)
    {
        // Marginals of every record and parities of record pairs: frames and per-shot tableau runs must agree.
        var random = new Random(seed);
        var program = RandomNoisyProgram(random, 5, 30);
        const int shots = 20000;
        var frames = new PauliFrameSampler(program, (ulong)seed).Sample(shots);
        var tableauRecords = new bool[shots, program.RecordCount];
        var rng = new SeededRandom((ulong)seed + 1000);
        var record = new bool[program.RecordCount];
        for (int s = 0; s < shots; s++)
        {
            var t = new StabilizerTableau(program.QubitCount);
            program.RunShot(t, record, rng);
            for (int r = 0; r < record.Length; r++)
            {
                tableauRecords[s, r] = record[r];
            }
        }

        for (int r = 0; r < program.RecordCount; r++)
        {
            for (int r2 = r; r2 < program.RecordCount; r2++)
            {
                int frameCount = 0, tableauCount = 0;
                for (int s = 0; s < shots; s++)
                {
                    frameCount += frames[s, r] ^ (r2 != r && frames[s, r2]) ? 1 : 0;
                    tableauCount += tableauRecords[s, r] ^ (r2 != r && tableauRecords[s, r2]) ? 1 : 0;
                }

                // Two binomial estimates of the same p: their difference has σ ≤ √(2·0.25/shots) ≈ 0.005.
                Assert.True(Math.Abs(frameCount - tableauCount) / (double)shots < 0.025, $"records {r},{r2}: frames {frameCount}, tableau {tableauCount}");
            }
        }
    }

    [Fact]
    public void FrameSampler_RefusesNonPauliFeedback()
    {
        var program = new CliffordProgram(2, 1,
        [
            new(CliffordKind.H, 0),
            new(CliffordKind.Measure, 0) { Record = 0 },
            new(CliffordKind.Conditional, -1) { Conditions = [0], ExpectedBits = 1, Body = [new(CliffordKind.H, 1)] },
        ]);
        Assert.Contains("not a Pauli", program.FrameSamplingObstacle());
        Assert.Throws<ArgumentException>(() => new PauliFrameSampler(program, 1));
    }

    [Fact]
    public void FrameSampler_PauliFeedback_TeleportsAZero()
    {
        // Measure a |+⟩ and correct with X: the corrected qubit always reads what the measured one read.
        var program = new CliffordProgram(2, 2,
        [
            new(CliffordKind.H, 0),
            new(CliffordKind.CX, 0, 1),
            new(CliffordKind.Measure, 0) { Record = 0 },
            new(CliffordKind.Conditional, -1) { Conditions = [0], ExpectedBits = 1, Body = [new(CliffordKind.X, 1)] },
            new(CliffordKind.Measure, 1) { Record = 1 },
        ]);
        var bits = new PauliFrameSampler(program, 4).Sample(5000);
        int ones = 0;
        for (int s = 0; s < 5000; s++)
        {
            Assert.False(bits[s, 1]);
            ones += bits[s, 0] ? 1 : 0;
        }

        Assert.InRange(ones, 2300, 2700);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(65)]
    [InlineData(130)]
    public void InverseTableau_RunsEveryShotBitForBitAsTheForwardTableau(int n)
    {
        // Random gates, noise, mid-circuit measurements with readout flips, resets and feedback: the same generator
        // must give the same records on both tableaus (random outcomes draw the same bits, determined ones must agree),
        // and the noiseless reference shots (random outcomes forced to 0) must agree too.
        var random = new Random(n);
        for (int trial = 0; trial < (n > 64 ? 6 : 40); trial++)
        {
            var program = RandomNoisyProgram(random, n, n > 64 ? 1500 : 150);
            var forward = new bool[program.RecordCount];
            var inverse = new bool[program.RecordCount];
            program.RunShot(new StabilizerTableau(n), forward, new SeededRandom((ulong)trial));
            program.RunShot(inverse, new SeededRandom((ulong)trial));
            Assert.True(forward.SequenceEqual(inverse), $"n = {n}, trial {trial}: the shots differ at record {Enumerable.Range(0, forward.Length).FirstOrDefault(i => forward[i] != inverse[i])}");

            program.RunShot(new StabilizerTableau(n), forward, random: null);
            program.RunShot(inverse, random: null);
            Assert.True(forward.SequenceEqual(inverse), $"n = {n}, trial {trial}: the reference shots differ");
        }
    }

    [Fact]
    public void InverseTableau_RowsAreTheInverseCliffordsImages()
    {
        // After H 0, CX 0 1 (C = CX·H): C⁻¹ X_0 C = H X_0 X_1 H... worked by hand: C⁻¹ = H_0 CX, so
        // C⁻¹ X_0 C = H_0 (CX X_0 CX) H_0 = H_0 X_0 X_1 H_0 = Z_0 X_1; C⁻¹ X_1 C = X_1; C⁻¹ Z_0 C = H_0 Z_0 H_0 = X_0;
        // C⁻¹ Z_1 C = H_0 Z_0 Z_1 H_0 = X_0 Z_1.
        var t = new InverseTableau(2);
        t.H(0);
        t.CX(0, 1);
        Assert.Equal(["+ZX", "+IX", "+XI", "+XZ"], Enumerable.Range(0, 4).Select(t.Row));

        // S then S†, and S twice (= Z), keep the rows Hermitian with the right signs: S·S = Z flips C⁻¹ X C's sign.
        var u = new InverseTableau(1);
        u.S(0);
        Assert.Equal("-Y", u.Row(0));
        u.S(0);
        Assert.Equal(["-X", "+Z"], new[] { u.Row(0), u.Row(1) });
        u.Sdg(0);
        u.Sdg(0);
        Assert.Equal(["+X", "+Z"], new[] { u.Row(0), u.Row(1) });
    }

    [Fact]
    public void InverseTableau_MeasuresALargeGhzStateInOneCollapse()
    {
        const int n = 3000;
        var ops = new List<CliffordInstruction> { new(CliffordKind.H, 0) };
        for (int q = 1; q < n; q++)
        {
            ops.Add(new(CliffordKind.CX, q - 1, q));
        }

        ops.Add(new(CliffordKind.X, 17));
        for (int q = 0; q < n; q++)
        {
            ops.Add(new(CliffordKind.Measure, q) { Record = q });
        }

        var program = new CliffordProgram(n, n, [.. ops]);
        var records = new bool[n];
        program.RunShot(records, new SeededRandom(3));
        bool first = records[0];
        Assert.All(Enumerable.Range(0, n), q => Assert.Equal(q == 17 ? !first : first, records[q]));
    }

    private static CliffordProgram RandomNoisyProgram(Random random, int n, int length)
    {
        var ops = new List<CliffordInstruction>();
        int records = 0;
        for (int i = 0; i < length; i++)
        {
            int a = random.Next(n);
            int b = (a + 1 + random.Next(n - 1)) % n;
            switch (random.Next(10))
            {
                case 0:
                    ops.Add(new(CliffordKind.Measure, a) { Record = records++, FlipZeroToOne = 0.02, FlipOneToZero = 0.05 });
                    break;
                case 1:
                    ops.Add(new(CliffordKind.Reset, a));
                    break;
                case 2:
                    ops.Add(new(CliffordKind.PauliChannel, a) { Probabilities = [.. KrausChannel.Depolarizing(0.1).PauliProbabilities] });
                    break;
                case 3:
                    ops.Add(new(CliffordKind.PauliChannel, a, b) { Probabilities = [.. KrausChannel.Depolarizing(0.2, 2).PauliProbabilities] });
                    break;
                case 4 when records > 0:
                    ops.Add(new(CliffordKind.Conditional, -1) { Conditions = [random.Next(records)], ExpectedBits = (ulong)random.Next(2), Body = [new(CliffordKind.Y, a)] });
                    break;
                case 5:
                case 6:
                    ops.Add(new(TwoQubitGates[random.Next(TwoQubitGates.Length)], a, b));
                    break;
                default:
                    ops.Add(new(OneQubitGates[random.Next(OneQubitGates.Length)], a));
                    break;
            }
        }

        for (int q = 0; q < n; q++)
        {
            ops.Add(new(CliffordKind.Measure, q) { Record = records++ });
        }

        return new CliffordProgram(n, records, [.. ops]);
    }

    private static (CliffordKind Kind, int A, int B) RandomGate(Random random, int n)
    {
        int a = random.Next(n);
        if (n > 1 && random.Next(3) == 0)
        {
            int b = (a + 1 + random.Next(n - 1)) % n;
            return (TwoQubitGates[random.Next(TwoQubitGates.Length)], a, b);
        }

        return (OneQubitGates[random.Next(OneQubitGates.Length)], a, -1);
    }

    private static CliffordStep RandomStep(Random random)
    {
        int a = random.Next(2);
        return random.Next(3) == 0
            ? new CliffordStep(TwoQubitGates[random.Next(TwoQubitGates.Length)], a, 1 - a)
            : new CliffordStep(OneQubitGates[random.Next(OneQubitGates.Length)], a);
    }

    /// <summary>The gate that undoes <paramref name="op"/>: S and S† trade places; the others are their own inverses.</summary>
    private static (CliffordKind Kind, int A, int B) Inverse((CliffordKind Kind, int A, int B) op) => op.Kind switch
    {
        CliffordKind.S => (CliffordKind.Sdg, op.A, op.B),
        CliffordKind.Sdg => (CliffordKind.S, op.A, op.B),
        _ => op,
    };

    // The production dispatch itself, so that a gate the switch maps wrongly fails here against the state vector.
    private static void Apply(StabilizerTableau t, (CliffordKind Kind, int A, int B) op) =>
        CliffordProgram.Execute(new CliffordInstruction(op.Kind, op.A, op.B), t, [], null);

    private static void ApplyToState(StateVector state, (CliffordKind Kind, int A, int B) op)
    {
        var m = StepMatrix(new CliffordStep(op.Kind, 0, op.B >= 0 ? 1 : -1), op.B >= 0 ? 2 : 1);
        if (op.B >= 0)
        {
            state.ApplyMatrix2(op.A, op.B, m);
        }
        else
        {
            state.ApplyMatrix1(op.A, m);
        }
    }

    private static void Project(StateVector state, int q, int outcome)
    {
        double p = outcome == 1 ? state.ProbabilityOfOne(q) : 1 - state.ProbabilityOfOne(q);
        var keep = new Complex(1 / Math.Sqrt(p), 0);
        state.ApplyDiagonal1(q, outcome == 0 ? keep : 0, outcome == 1 ? keep : 0);
    }

    /// <summary>The dense matrix of a step on 1 or 2 local qubits (index bit i = qubit i).</summary>
    private static Complex[] StepMatrix(CliffordStep step, int qubits)
    {
        var i = Complex.ImaginaryOne;
        double h = 1 / Math.Sqrt(2);
        Complex[] single = step.Kind switch
        {
            CliffordKind.H => [h, h, h, -h],
            CliffordKind.S => [1, 0, 0, i],
            CliffordKind.Sdg => [1, 0, 0, -i],
            CliffordKind.X => [0, 1, 1, 0],
            CliffordKind.Y => [0, -i, i, 0],
            CliffordKind.Z => [1, 0, 0, -1],
            _ => [],
        };
        int dim = 1 << qubits;
        var m = new Complex[dim * dim];
        for (int col = 0; col < dim; col++)
        {
            if (single.Length > 0)
            {
                int a = step.A;
                int bit = (col >> a) & 1;
                for (int r = 0; r < 2; r++)
                {
                    int row = (col & ~(1 << a)) | (r << a);
                    m[(row * dim) + col] += single[(r * 2) + bit];
                }

                continue;
            }

            int ca = (col >> step.A) & 1, cb = (col >> step.B) & 1;
            switch (step.Kind)
            {
                case CliffordKind.CX:
                    m[((ca == 1 ? col ^ (1 << step.B) : col) * dim) + col] = 1;
                    break;
                case CliffordKind.CZ:
                    m[(col * dim) + col] = ca == 1 && cb == 1 ? -1 : 1;
                    break;
                case CliffordKind.CY:
                    if (ca == 0)
                    {
                        m[(col * dim) + col] = 1;
                    }
                    else
                    {
                        // Y|0⟩ = i|1⟩, Y|1⟩ = −i|0⟩ on the target.
                        m[((col ^ (1 << step.B)) * dim) + col] = cb == 0 ? i : -i;
                    }

                    break;
                case CliffordKind.Swap:
                    int swapped = (col & ~((1 << step.A) | (1 << step.B))) | (ca << step.B) | (cb << step.A);
                    m[(swapped * dim) + col] = 1;
                    break;
            }
        }

        return m;
    }

    private static Complex[] Identity(int dim)
    {
        var m = new Complex[dim * dim];
        for (int d = 0; d < dim; d++)
        {
            m[(d * dim) + d] = 1;
        }

        return m;
    }

    private static void AssertEqualUpToPhase(Complex[] expected, Complex[] actual)
    {
        int pivot = Array.FindIndex(expected, z => z.Magnitude > 0.1);
        Complex phase = actual[pivot] / expected[pivot];
        Assert.Equal(1, phase.Magnitude, 9);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True((expected[k] * phase - actual[k]).Magnitude < 1e-9, $"entry {k}: {expected[k] * phase} vs {actual[k]}");
        }
    }
}
