using System.Collections.Immutable;
using System.Globalization;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Noise;

namespace VnQuantum.Circuits.Qec;

/// <summary>A generated memory experiment: the circuit (with detectors and the logical observable) and its noise.</summary>
/// <param name="Name">e.g. "surface_code:rotated_memory_z d=5 r=5 p=0.001".</param>
public sealed record MemoryExperiment(string Name, int Distance, int Rounds, double Probability, Circuit Circuit, NoiseModel Noise);

/// <summary>
/// Quantum-memory circuits for error-correction studies, in the shape of Stim's generated circuits
/// (<c>stim.Circuit.generated</c>): reset, <c>rounds</c> rounds of stabilizer measurement, a final data measurement,
/// detectors comparing each stabilizer with its previous round, and the logical Z observable. Noise is Stim's
/// standard circuit-level model with one parameter p: DEPOLARIZE1(p) after each H and on the data before each round,
/// DEPOLARIZE2(p) after each CX, an X flip with probability p before each measurement and after each reset.
/// </summary>
public static class MemoryCircuits
{
    /// <summary>
    /// The rotated surface code memory in the Z basis, distance d (odd, ≥ 3). Data qubits sit at odd coordinates
    /// (2i+1, 2j+1); measure qubits at even ones, X-type on the top and bottom boundaries, Z-type on the left and
    /// right. X checks touch their data in the order NW, NE, SW, SE so that a fault on the measure qubit spreads to
    /// two data qubits of one row, along the logical Z (a row), never shortening the distance; Z checks use NW, SW,
    /// NE, SE, which keeps every pair of overlapping checks in a consistent order.
    /// </summary>
    public static MemoryExperiment RotatedSurfaceCode(int distance, int rounds, double p)
    {
        if (distance < 3 || distance % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(distance), distance, "The rotated surface code takes an odd distance ≥ 3.");
        }

        Validate(rounds, p);
        int d = distance;
        var data = new Dictionary<(int X, int Y), int>();
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < d; i++)
            {
                data[((2 * i) + 1, (2 * j) + 1)] = data.Count;
            }
        }

        var checks = new List<(int X, int Y, char Basis)>();
        for (int b = 0; b <= d; b++)
        {
            for (int a = 0; a <= d; a++)
            {
                char basis = (a + b) % 2 == 0 ? 'Z' : 'X';
                bool interior = a is > 0 && a < d && b > 0 && b < d;
                bool topBottom = (b == 0 || b == d) && a > 0 && a < d;
                bool leftRight = (a == 0 || a == d) && b > 0 && b < d;
                if (interior || (topBottom && basis == 'X') || (leftRight && basis == 'Z'))
                {
                    checks.Add((2 * a, 2 * b, basis));
                }
            }
        }

        (int, int)[] xOrder = [(-1, -1), (1, -1), (-1, 1), (1, 1)];
        (int, int)[] zOrder = [(-1, -1), (-1, 1), (1, -1), (1, 1)];
        var neighbours = checks.Select(c => (c.Basis == 'X' ? xOrder : zOrder)
            .Select(o => data.TryGetValue((c.X + o.Item1, c.Y + o.Item2), out int q) ? q : -1).ToArray()).ToList();

        // Logical Z: the data of the first row (it meets every X check on 0 or 2 qubits).
        var logical = Enumerable.Range(0, d).Select(i => data[((2 * i) + 1, 1)]).ToArray();
        return Build(
            $"surface_code:rotated_memory_z d={d} r={rounds} p={p.ToString("G4", CultureInfo.InvariantCulture)}",
            d,
            rounds,
            p,
            data.Count,
            checks.Select(c => (c.Basis, (double)c.X, (double)c.Y)).ToList(),
            neighbours,
            logical);
    }

    /// <summary>
    /// The repetition code memory (bit-flip code) of distance d: d data qubits in a line, d − 1 measure qubits each
    /// checking Z_i Z_{i+1}; the logical observable is data qubit 0.
    /// </summary>
    public static MemoryExperiment RepetitionCode(int distance, int rounds, double p)
    {
        if (distance < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(distance), distance, "The repetition code takes a distance ≥ 2.");
        }

        Validate(rounds, p);
        var checks = Enumerable.Range(0, distance - 1).Select(i => ('Z', (double)((2 * i) + 1), 0.0)).ToList();
        var neighbours = Enumerable.Range(0, distance - 1).Select(i => new[] { i, i + 1 }).ToList();
        return Build(
            $"repetition_code:memory d={distance} r={rounds} p={p.ToString("G4", CultureInfo.InvariantCulture)}",
            distance,
            rounds,
            p,
            distance,
            checks,
            neighbours,
            [0]);
    }

    private static void Validate(int rounds, double p)
    {
        if (rounds < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds, "A memory experiment needs at least one round.");
        }

        if (!(p >= 0) || p > 0.5)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The physical error probability must be in [0, 0.5].");
        }
    }

    /// <summary>
    /// Builds the circuit: data qubits 0..D−1, measure qubit i at D + i; classical register m{t} holds round t's
    /// check results and register "data" the final data measurements.
    /// </summary>
    private static MemoryExperiment Build(
        string name,
        int distance,
        int rounds,
        double p,
        int dataCount,
        List<(char Basis, double X, double Y)> checks,
        List<int[]> neighbours,
        int[] logical)
    {
        int checkCount = checks.Count;
        int qubits = dataCount + checkCount;
        var qregs = ImmutableArray.Create(new Register("q", qubits, 0));
        var cregs = ImmutableArray.CreateBuilder<Register>();
        for (int t = 0; t < rounds; t++)
        {
            cregs.Add(new Register($"m{t}", checkCount, t * checkCount));
        }

        int dataOffset = rounds * checkCount;
        cregs.Add(new Register("data", dataCount, dataOffset));

        var ops = ImmutableArray.CreateBuilder<Operation>();
        int Ancilla(int c) => dataCount + c;
        int Clbit(int round, int c) => (round * checkCount) + c;

        for (int q = 0; q < qubits; q++)
        {
            ops.Add(new ResetOperation(q));
        }

        var xChecks = Enumerable.Range(0, checkCount).Where(c => checks[c].Basis == 'X').ToList();
        int layers = neighbours.Max(n => n.Length);
        for (int t = 0; t < rounds; t++)
        {
            for (int q = 0; q < dataCount; q++)
            {
                ops.Add(new GateOperation("id", [], [q]));
            }

            foreach (int c in xChecks)
            {
                ops.Add(new GateOperation("h", [], [Ancilla(c)]));
            }

            for (int layer = 0; layer < layers; layer++)
            {
                for (int c = 0; c < checkCount; c++)
                {
                    if (layer >= neighbours[c].Length || neighbours[c][layer] < 0)
                    {
                        continue;
                    }

                    int dataQubit = neighbours[c][layer];
                    ops.Add(checks[c].Basis == 'X'
                        ? new GateOperation("cx", [], [Ancilla(c), dataQubit])
                        : new GateOperation("cx", [], [dataQubit, Ancilla(c)]));
                }
            }

            foreach (int c in xChecks)
            {
                ops.Add(new GateOperation("h", [], [Ancilla(c)]));
            }

            for (int c = 0; c < checkCount; c++)
            {
                ops.Add(new MeasureOperation(Ancilla(c), Clbit(t, c)));
            }

            for (int c = 0; c < checkCount; c++)
            {
                ops.Add(new ResetOperation(Ancilla(c)));
            }

            for (int c = 0; c < checkCount; c++)
            {
                var (basis, x, y) = checks[c];
                if (t == 0 && basis == 'X')
                {
                    continue; // the first X results are random: data start in |0…0⟩
                }

                ImmutableArray<int> clbits = t == 0 ? [Clbit(0, c)] : [Clbit(t, c), Clbit(t - 1, c)];
                ops.Add(new DetectorOperation(clbits, [x, y, t], basis));
            }
        }

        for (int q = 0; q < dataCount; q++)
        {
            ops.Add(new MeasureOperation(q, dataOffset + q));
        }

        for (int c = 0; c < checkCount; c++)
        {
            var (basis, x, y) = checks[c];
            if (basis != 'Z')
            {
                continue;
            }

            var clbits = neighbours[c].Where(q => q >= 0).Select(q => dataOffset + q).Append(Clbit(rounds - 1, c)).ToImmutableArray();
            ops.Add(new DetectorOperation(clbits, [x, y, rounds], 'Z'));
        }

        ops.Add(new ObservableOperation(0, [.. logical.Select(q => dataOffset + q)]));
        var circuit = new Circuit(qregs, cregs.ToImmutable(), ops.ToImmutable());
        return new MemoryExperiment(name, distance, rounds, p, circuit, StandardNoise(p));
    }

    /// <summary>Stim's one-parameter circuit-level model, as a <see cref="NoiseModel"/> on the gates these circuits use.</summary>
    public static NoiseModel StandardNoise(double p)
    {
        if (p == 0)
        {
            return new NoiseModel([]);
        }

        // Stim's DEPOLARIZE1(p) is each of X, Y, Z with p/3, i.e. Qiskit's depolarizing λ = 4p/3; DEPOLARIZE2(p) is λ = 16p/15.
        var one = Simulation.Noise.KrausChannel.Depolarizing(4 * p / 3);
        var two = Simulation.Noise.KrausChannel.Depolarizing(16 * p / 15, 2);
        var flip = Simulation.Noise.KrausChannel.Pauli(1, [0, p, 0, 0], $"x_error({p.ToString("G4", CultureInfo.InvariantCulture)})");
        return new NoiseModel(
        [
            new NoiseRule(["h", "id"], [], one),
            new NoiseRule(["cx"], [], two),
            new NoiseRule(["measure", "reset"], [], flip),
        ],
        description: $"circuit-level depolarizing noise, p = {p.ToString("G4", CultureInfo.InvariantCulture)}");
    }
}
