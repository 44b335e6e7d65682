using System.Collections.Immutable;
using System.Globalization;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Qec;

/// <summary>
/// Runs a read Stim circuit's lines in order (REPEAT bodies as many times as they say) and writes the engine
/// instructions each stands for, keeping Stim's bookkeeping: the measurement count that <c>rec[-k]</c> counts back
/// from, the coordinate shift, the observables' record sets.
/// </summary>
internal sealed class StimProgramBuilder
{
    private readonly string _file;
    private readonly int _padQubit;
    private readonly int _qubitCount;
    private readonly List<CliffordInstruction> _instructions = [];
    private readonly List<DetectorDefinition> _detectors = [];
    private readonly SortedDictionary<int, HashSet<int>> _observables = [];
    private readonly Dictionary<int, ImmutableArray<double>> _qubitCoordinates = [];
    private double[] _shift = [];
    private int _records;
    private long _steps;
    private bool _padUsed;
    private StimLine _current = null!;

    public StimProgramBuilder(string file, int largestQubit)
    {
        _file = file;
        _qubitCount = largestQubit + 1;
        _padQubit = largestQubit + 1; // MPAD's constant records come from measuring a qubit no gate touches
    }

    public void Run(List<StimLine> block)
    {
        foreach (var line in block)
        {
            _current = line;
            if (line.Body is { } body)
            {
                for (long r = 0; r < line.Repetitions; r++)
                {
                    // Every pass counts, so that nested or empty REPEAT blocks cannot loop for ever on no instructions.
                    Step(line, 1);
                    Run(body);
                    _current = line;
                }

                continue;
            }

            Step(line, 1 + line.Targets.Length + line.Arguments.Length);
            Apply(line);
        }
    }

    /// <summary>
    /// Bounds the work a circuit can ask for: lines run, their targets and arguments (a detector's records, a
    /// coordinate list), plus instructions written, at most <see cref="StimCircuit.MaxInstructions"/>.
    /// </summary>
    private void Step(StimLine line, int cost)
    {
        _steps += cost;
        if (_steps + _instructions.Count > StimCircuit.MaxInstructions)
        {
            throw Error(line.Column, $"the circuit unrolls to more than {StimCircuit.MaxInstructions:N0} instructions; vnq runs a circuit with its REPEAT blocks unrolled");
        }
    }

    public StimCircuit Finish()
    {
        int qubits = Math.Max(1, _padUsed ? _padQubit + 1 : _qubitCount);
        int observableCount = _observables.Count == 0 ? 0 : _observables.Keys.Max() + 1;
        var observables = Enumerable.Range(0, observableCount)
            .Select(o => _observables.TryGetValue(o, out var set) ? set.Order().ToImmutableArray() : [])
            .ToImmutableArray();
        var program = new CliffordProgram(qubits, _records, [.. _instructions], [.. _detectors], observables);
        return StimCircuit.Create(program, _qubitCount, _qubitCoordinates.ToImmutableDictionary());
    }

    private void Apply(StimLine line)
    {
        string name = line.Name;
        if (StimGates.TryOneQubit(name, out var one))
        {
            NoArguments(line);
            foreach (var t in line.Targets)
            {
                int q = Qubit(t);
                foreach (var step in one)
                {
                    Emit(new CliffordInstruction(step.Kind, q));
                }
            }

            return;
        }

        if (StimGates.TryTwoQubit(name, out var two))
        {
            NoArguments(line);
            ApplyPairs(line, two);
            return;
        }

        switch (name)
        {
            case "M": Measurements(line, basis: 'Z', reset: false); break;
            case "MX": Measurements(line, basis: 'X', reset: false); break;
            case "MY": Measurements(line, basis: 'Y', reset: false); break;
            case "MR": Measurements(line, basis: 'Z', reset: true); break;
            case "MRX": Measurements(line, basis: 'X', reset: true); break;
            case "MRY": Measurements(line, basis: 'Y', reset: true); break;
            case "R": Resets(line, 'Z'); break;
            case "RX": Resets(line, 'X'); break;
            case "RY": Resets(line, 'Y'); break;
            case "MPP": ProductMeasurements(line); break;
            case "MXX": PairMeasurements(line, 'X'); break;
            case "MYY": PairMeasurements(line, 'Y'); break;
            case "MZZ": PairMeasurements(line, 'Z'); break;
            case "MPAD": Pads(line); break;
            case "X_ERROR": SingleChannels(line, Probability(line, 0), 0, 0); break;
            case "Y_ERROR": SingleChannels(line, 0, Probability(line, 0), 0); break;
            case "Z_ERROR": SingleChannels(line, 0, 0, Probability(line, 0)); break;
            case "DEPOLARIZE1":
                {
                    double p = Probability(line, 0);
                    SingleChannels(line, p / 3, p / 3, p / 3);
                    break;
                }

            case "PAULI_CHANNEL_1":
                {
                    Count(line, 3);
                    SingleChannels(line, Probability(line, 0), Probability(line, 1), Probability(line, 2));
                    break;
                }

            case "DEPOLARIZE2": Depolarize2(line); break;
            case "PAULI_CHANNEL_2": PauliChannel2(line); break;
            case "E": CorrelatedError(line); break;
            case "I_ERROR":
            case "II_ERROR":
                break; // identity noise: a tag for other tools, nothing to simulate
            case "DETECTOR": Detector(line); break;
            case "OBSERVABLE_INCLUDE": ObservableInclude(line); break;
            case "QUBIT_COORDS":
                foreach (var t in line.Targets)
                {
                    _qubitCoordinates[Qubit(t)] = Shifted(line.Arguments);
                }

                break;
            case "SHIFT_COORDS":
                if (line.Targets.Length > 0)
                {
                    throw Error(line.Targets[0].Column, "SHIFT_COORDS takes no targets");
                }

                if (line.Arguments.Length > _shift.Length)
                {
                    Array.Resize(ref _shift, line.Arguments.Length);
                }

                for (int i = 0; i < line.Arguments.Length; i++)
                {
                    _shift[i] += line.Arguments[i];
                }

                break;
            case "TICK":
                NoArguments(line);
                if (line.Targets.Length > 0)
                {
                    throw Error(line.Targets[0].Column, "TICK takes no targets");
                }

                break;
            case "ELSE_CORRELATED_ERROR":
                throw Error(line.Column, "ELSE_CORRELATED_ERROR is not supported: vnq's noise channels are independent, one instruction at a time");
            case "HERALDED_ERASE":
            case "HERALDED_PAULI_CHANNEL_1":
                throw Error(line.Column, $"{name} is not supported: heralded noise needs a record for each herald, which vnq's stabilizer engine does not model");
            case "SPP":
            case "SPP_DAG":
                throw Error(line.Column, $"{name} (a Pauli product phase) is not supported yet");
            default:
                throw Error(line.Column, $"unknown instruction '{name}'");
        }
    }

    private void ApplyPairs(StimLine line, StimGates.Step[] steps)
    {
        var targets = line.Targets;
        if (targets.Length % 2 != 0)
        {
            throw Error(targets[^1].Column, $"{line.Name} acts on pairs of targets; target {targets.Length} has no partner");
        }

        for (int i = 0; i < targets.Length; i += 2)
        {
            var (a, b) = (targets[i], targets[i + 1]);
            bool aClassical = a.Kind is StimTargetKind.Record or StimTargetKind.Sweep;
            bool bClassical = b.Kind is StimTargetKind.Record or StimTargetKind.Sweep;
            if (aClassical || bClassical)
            {
                Feedback(line.Name, a, b, aClassical, bClassical);
                continue;
            }

            int qa = Qubit(a);
            int qb = Qubit(b);
            if (qa == qb)
            {
                throw Error(b.Column, $"{line.Name} names qubit {qa} twice in one pair");
            }

            foreach (var step in steps)
            {
                int first = step.First == 0 ? qa : qb;
                int second = step.Second < 0 ? -1 : step.Second == 0 ? qa : qb;
                Emit(new CliffordInstruction(step.Kind, first, second));
            }
        }
    }

    /// <summary>
    /// A gate with a measurement record as one of its "qubits": a Pauli on the other target when the record is 1
    /// (CX/CY/CZ rec q; CZ q rec; XCZ q rec; YCZ q rec, as in Stim). Sweep bits are 0 without sweep data, so a
    /// sweep-controlled gate never fires.
    /// </summary>
    private void Feedback(string gate, StimTarget a, StimTarget b, bool aClassical, bool bClassical)
    {
        if (aClassical && bClassical)
        {
            throw Error(b.Column, $"{gate} between two classical bits does nothing in Stim and is refused here");
        }

        var (control, target) = aClassical ? (a, b) : (b, a);
        CliffordKind? pauli = (gate, aClassical) switch
        {
            ("CX", true) or ("XCZ", false) => CliffordKind.X,
            ("CY", true) or ("YCZ", false) => CliffordKind.Y,
            ("CZ", _) => CliffordKind.Z,
            _ => null,
        };
        if (pauli is null)
        {
            throw Error(control.Column, $"{gate} cannot take a measurement record there: classical control is CX/CY/CZ rec[-k] q (or CZ/XCZ/YCZ q rec[-k])");
        }

        int q = Qubit(target);
        if (control.Kind == StimTargetKind.Sweep)
        {
            return;
        }

        Emit(new CliffordInstruction(CliffordKind.Conditional, -1)
        {
            Conditions = [Record(control)],
            ExpectedBits = 1,
            Body = [new CliffordInstruction(pauli.Value, q)],
        });
    }

    private void Measurements(StimLine line, char basis, bool reset)
    {
        double flip = FlipProbability(line);
        foreach (var t in line.Targets)
        {
            int q = Qubit(t, allowInverted: true);
            ToZBasis(q, basis);
            Measure(q, t.Inverted, flip);
            if (reset)
            {
                Emit(new CliffordInstruction(CliffordKind.Reset, q));
            }

            FromZBasis(q, basis);
        }
    }

    private void Resets(StimLine line, char basis)
    {
        NoArguments(line);
        foreach (var t in line.Targets)
        {
            int q = Qubit(t);
            Emit(new CliffordInstruction(CliffordKind.Reset, q));
            FromZBasis(q, basis);
        }
    }

    private void PairMeasurements(StimLine line, char basis)
    {
        double flip = FlipProbability(line);
        var targets = line.Targets;
        if (targets.Length % 2 != 0)
        {
            throw Error(targets[^1].Column, $"{line.Name} measures pairs of qubits; target {targets.Length} has no partner");
        }

        for (int i = 0; i < targets.Length; i += 2)
        {
            var factors = new List<(char Pauli, int Qubit, int Column)>
            {
                (basis, Qubit(targets[i], allowInverted: true), targets[i].Column),
                (basis, Qubit(targets[i + 1], allowInverted: true), targets[i + 1].Column),
            };
            MeasureProduct(factors, targets[i].Inverted ^ targets[i + 1].Inverted, flip);
        }
    }

    /// <summary>MPP X1*Z2 Y3: each product is rotated to Z on every factor, its parity gathered onto the last factor by CX, measured, and undone.</summary>
    private void ProductMeasurements(StimLine line)
    {
        double flip = FlipProbability(line);
        var targets = line.Targets;
        int i = 0;
        while (i < targets.Length)
        {
            var factors = new List<(char Pauli, int Qubit, int Column)>();
            bool inverted = false;
            while (true)
            {
                var t = targets[i];
                if (t.Kind != StimTargetKind.Pauli)
                {
                    throw Error(t.Column, "MPP takes Pauli products such as X1*Z2 (with ! to invert a result)");
                }

                factors.Add((t.Pauli, t.Value, t.Column));
                inverted ^= t.Inverted;
                i++;
                if (i < targets.Length && targets[i].Kind == StimTargetKind.Combiner)
                {
                    i++;
                    if (i == targets.Length)
                    {
                        throw Error(targets[i - 1].Column, "'*' must join two Pauli targets");
                    }

                    continue;
                }

                break;
            }

            MeasureProduct(factors, inverted, flip);
        }
    }

    private void MeasureProduct(List<(char Pauli, int Qubit, int Column)> factors, bool inverted, double flip)
    {
        var seen = new HashSet<int>();
        foreach (var f in factors)
        {
            if (!seen.Add(f.Qubit))
            {
                throw Error(f.Column, $"the product names qubit {f.Qubit} twice; write each qubit once");
            }
        }

        int last = factors[^1].Qubit;
        foreach (var f in factors)
        {
            ToZBasis(f.Qubit, f.Pauli);
        }

        for (int k = 0; k < factors.Count - 1; k++)
        {
            Emit(new CliffordInstruction(CliffordKind.CX, factors[k].Qubit, last));
        }

        Measure(last, inverted, flip);
        for (int k = factors.Count - 2; k >= 0; k--)
        {
            Emit(new CliffordInstruction(CliffordKind.CX, factors[k].Qubit, last));
        }

        foreach (var f in factors)
        {
            FromZBasis(f.Qubit, f.Pauli);
        }
    }

    private void Pads(StimLine line)
    {
        double flip = FlipProbability(line);
        foreach (var t in line.Targets)
        {
            if (t.Kind != StimTargetKind.Qubit || t.Inverted || t.Value > 1)
            {
                throw Error(t.Column, "MPAD takes the values 0 and 1");
            }

            _padUsed = true;
            Measure(_padQubit, t.Value == 1, flip);
        }
    }

    /// <summary>Measures Z of <paramref name="q"/> into the next record; an inverted result is X before and after, which flips the outcome and leaves the state as measured.</summary>
    private void Measure(int q, bool inverted, double flip)
    {
        if (inverted)
        {
            Emit(new CliffordInstruction(CliffordKind.X, q));
        }

        Emit(new CliffordInstruction(CliffordKind.Measure, q) { Record = _records++, FlipZeroToOne = flip, FlipOneToZero = flip });
        if (inverted)
        {
            Emit(new CliffordInstruction(CliffordKind.X, q));
        }
    }

    /// <summary>The rotation that takes <paramref name="basis"/> to Z: H for X; S† then H for Y.</summary>
    private void ToZBasis(int q, char basis)
    {
        if (basis == 'Y')
        {
            Emit(new CliffordInstruction(CliffordKind.Sdg, q));
        }

        if (basis is 'X' or 'Y')
        {
            Emit(new CliffordInstruction(CliffordKind.H, q));
        }
    }

    private void FromZBasis(int q, char basis)
    {
        if (basis is 'X' or 'Y')
        {
            Emit(new CliffordInstruction(CliffordKind.H, q));
        }

        if (basis == 'Y')
        {
            Emit(new CliffordInstruction(CliffordKind.S, q));
        }
    }

    /// <summary>One-qubit Pauli channels, in the engine's index order (1 = X, 2 = Z, 3 = Y).</summary>
    private void SingleChannels(StimLine line, double px, double py, double pz)
    {
        if (line.Name is not "PAULI_CHANNEL_1")
        {
            Count(line, 1);
        }

        if (px + py + pz > 1 + 1e-12)
        {
            throw Error(line.Column, $"{line.Name}'s probabilities add up to {px + py + pz:R}, more than 1");
        }

        ImmutableArray<double> p = [Math.Max(0, 1 - px - py - pz), px, pz, py];
        foreach (var t in line.Targets)
        {
            Emit(new CliffordInstruction(CliffordKind.PauliChannel, Qubit(t)) { Probabilities = p });
        }
    }

    private void Depolarize2(StimLine line)
    {
        Count(line, 1);
        double p = Probability(line, 0);
        var probabilities = Enumerable.Repeat(p / 15, 16).ToArray();
        probabilities[0] = 1 - p;
        PairChannels(line, [.. probabilities]);
    }

    /// <summary>PAULI_CHANNEL_2's 15 arguments run IX, IY, IZ, XI, … ZZ, the first letter on the pair's first target.</summary>
    private void PauliChannel2(StimLine line)
    {
        Count(line, 15);
        int[] code = [0, 1, 3, 2]; // I, X, Y, Z → the engine's 2-bit codes
        var probabilities = new double[16];
        double total = 0;
        for (int k = 0; k < 15; k++)
        {
            double p = Probability(line, k);
            probabilities[code[(k + 1) >> 2] | (code[(k + 1) & 3] << 2)] = p;
            total += p;
        }

        if (total > 1 + 1e-12)
        {
            throw Error(line.Column, $"PAULI_CHANNEL_2's probabilities add up to {total:R}, more than 1");
        }

        probabilities[0] = Math.Max(0, 1 - total);
        PairChannels(line, [.. probabilities]);
    }

    private void PairChannels(StimLine line, ImmutableArray<double> probabilities)
    {
        var targets = line.Targets;
        if (targets.Length % 2 != 0)
        {
            throw Error(targets[^1].Column, $"{line.Name} acts on pairs of qubits; target {targets.Length} has no partner");
        }

        for (int i = 0; i < targets.Length; i += 2)
        {
            int a = Qubit(targets[i]);
            int b = Qubit(targets[i + 1]);
            if (a == b)
            {
                throw Error(targets[i + 1].Column, $"{line.Name} names qubit {a} twice in one pair");
            }

            Emit(new CliffordInstruction(CliffordKind.PauliChannel, a, b) { Probabilities = probabilities });
        }
    }

    /// <summary>E(p) X1 Z2: with probability p, that Pauli product (on one or two qubits, the engine's channel sizes).</summary>
    private void CorrelatedError(StimLine line)
    {
        Count(line, 1);
        double p = Probability(line, 0);
        var factors = line.Targets.Where(t => t.Kind != StimTargetKind.Combiner).ToList();
        foreach (var t in factors)
        {
            if (t.Kind != StimTargetKind.Pauli || t.Inverted)
            {
                throw Error(t.Column, "E takes Pauli targets such as X1 Z2");
            }
        }

        if (factors.Count is 0 or > 2)
        {
            throw Error(line.Column, $"E on {factors.Count} qubits is not supported: vnq's noise channels act on one or two qubits");
        }

        static int Code(char pauli) => pauli switch { 'X' => 1, 'Z' => 2, _ => 3 };
        if (factors.Count == 1)
        {
            var single = new double[4];
            single[0] = 1 - p;
            single[Code(factors[0].Pauli)] = p;
            Emit(new CliffordInstruction(CliffordKind.PauliChannel, factors[0].Value) { Probabilities = [.. single] });
            return;
        }

        if (factors[0].Value == factors[1].Value)
        {
            throw Error(factors[1].Column, $"E names qubit {factors[0].Value} twice");
        }

        var pair = new double[16];
        pair[0] = 1 - p;
        pair[Code(factors[0].Pauli) | (Code(factors[1].Pauli) << 2)] = p;
        Emit(new CliffordInstruction(CliffordKind.PauliChannel, factors[0].Value, factors[1].Value) { Probabilities = [.. pair] });
    }

    private void Detector(StimLine line)
    {
        var records = new HashSet<int>();
        foreach (var t in line.Targets)
        {
            if (t.Kind != StimTargetKind.Record)
            {
                throw Error(t.Column, "DETECTOR takes measurement records, rec[-k]");
            }

            int r = Record(t);
            if (!records.Add(r))
            {
                records.Remove(r); // a record named twice cancels in the parity, as in Stim
            }
        }

        _detectors.Add(new DetectorDefinition([.. records.Order()], Shifted(line.Arguments)));
    }

    private void ObservableInclude(StimLine line)
    {
        if (line.Arguments.Length != 1 || line.Arguments[0] < 0 || line.Arguments[0] != Math.Floor(line.Arguments[0]) || line.Arguments[0] >= 64)
        {
            throw Error(line.Column, "OBSERVABLE_INCLUDE takes the observable's index, a whole number from 0 to 63: OBSERVABLE_INCLUDE(0) rec[-1]");
        }

        int index = (int)line.Arguments[0];
        if (!_observables.TryGetValue(index, out var set))
        {
            _observables[index] = set = [];
        }

        foreach (var t in line.Targets)
        {
            if (t.Kind != StimTargetKind.Record)
            {
                throw Error(t.Column, "OBSERVABLE_INCLUDE takes measurement records, rec[-k] (Pauli targets are not supported)");
            }

            int r = Record(t);
            if (!set.Add(r))
            {
                set.Remove(r);
            }
        }
    }

    private ImmutableArray<double> Shifted(ImmutableArray<double> coordinates)
    {
        if (coordinates.IsEmpty || _shift.Length == 0)
        {
            return coordinates;
        }

        var shifted = coordinates.ToBuilder();
        for (int i = 0; i < Math.Min(shifted.Count, _shift.Length); i++)
        {
            shifted[i] += _shift[i];
        }

        return shifted.ToImmutable();
    }

    private int Qubit(StimTarget t, bool allowInverted = false)
    {
        if (t.Kind != StimTargetKind.Qubit)
        {
            throw Error(t.Column, $"{_current.Name} takes qubit targets here");
        }

        if (t.Inverted && !allowInverted)
        {
            throw Error(t.Column, $"{_current.Name} cannot take an inverted target (!{t.Value}): only measurements invert their results");
        }

        return t.Value;
    }

    private int Record(StimTarget t)
    {
        if (t.Value > _records)
        {
            throw Error(t.Column, $"rec[-{t.Value}] looks back past the first measurement: {_records} measurement{(_records == 1 ? "" : "s")} so far");
        }

        return _records - t.Value;
    }

    private void NoArguments(StimLine line)
    {
        if (!line.Arguments.IsEmpty)
        {
            throw Error(line.Column, $"{line.Name} takes no arguments");
        }
    }

    private void Count(StimLine line, int count)
    {
        if (line.Arguments.Length != count)
        {
            throw Error(line.Column, $"{line.Name} takes {count} argument{(count == 1 ? "" : "s")}, not {line.Arguments.Length}");
        }
    }

    private double Probability(StimLine line, int index)
    {
        if (index >= line.Arguments.Length)
        {
            throw Error(line.Column, $"{line.Name} takes a probability: {line.Name}(0.001)");
        }

        double p = line.Arguments[index];
        if (p is < 0 or > 1)
        {
            throw Error(line.Column, $"{line.Name}'s probability {p.ToString("R", CultureInfo.InvariantCulture)} is not between 0 and 1");
        }

        return p;
    }

    private double FlipProbability(StimLine line)
    {
        if (line.Arguments.Length > 1)
        {
            throw Error(line.Column, $"{line.Name} takes at most one argument, the probability of a flipped result");
        }

        return line.Arguments.IsEmpty ? 0 : Probability(line, 0);
    }

    private void Emit(CliffordInstruction instruction) => _instructions.Add(instruction);

    private StimCircuitException Error(int column, string reason) => new(_file, _current.Line, column, reason);
}
