using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace VnQuantum.Simulation.Stabilizer;

/// <summary>One independent error mechanism: with probability <see cref="Probability"/> it flips these detectors and observables.</summary>
public sealed record DetectorError(double Probability, ImmutableArray<int> Detectors, ulong ObservableMask)
{
    /// <summary>
    /// The pieces a matching decoder should see it as (Stim's <c>D0 D1 ^ D2 D3</c>): their detectors and observables
    /// add up to the mechanism's. Empty when the mechanism is one piece.
    /// </summary>
    public ImmutableArray<DetectorSymptom> Components { get; init; } = [];
}

/// <summary>The detectors and observables one piece of a decomposed mechanism flips.</summary>
public sealed record DetectorSymptom(ImmutableArray<int> Detectors, ulong ObservableMask);

/// <summary>
/// The detector error model of a noisy Clifford program, as Stim's <c>analyze_errors</c>: every Pauli of every noise
/// channel and every readout flip is an error mechanism; its effect on the detectors and observables is found by
/// propagating it through the rest of the circuit as a Pauli frame (4,096 mechanisms at a time, one per lane);
/// mechanisms with the same effect are merged (p = p₁ + p₂ − 2p₁p₂).
/// </summary>
/// <remarks>
/// A channel's Paulis are disjoint (one of them happens), a model's mechanisms independent. As Stim does, a one-qubit
/// channel is rewritten exactly as three independent X, Y, Z components where that is possible (depolarizing:
/// ½ − ½√(1 − 4p/3) each), a two-qubit depolarizing channel as fifteen (½ − ½(1 − 16p/15)^⅛ each); other two-qubit
/// channels keep their disjoint probabilities, Stim's <c>--approximate_disjoint_errors</c>, with the Paulis of one
/// channel that have the same effect added together first. Noise inside a classically controlled block is not
/// included (the QEC circuits this serves have none).
/// </remarks>
public sealed class DetectorErrorModel
{
    private DetectorErrorModel(int detectorCount, int observableCount, ImmutableArray<DetectorError> errors, ImmutableArray<DetectorDefinition> detectors)
    {
        DetectorCount = detectorCount;
        ObservableCount = observableCount;
        Errors = errors;
        DetectorDefinitions = detectors;
    }

    public int DetectorCount { get; }

    public int ObservableCount { get; }

    public ImmutableArray<DetectorError> Errors { get; }

    /// <summary>The detectors the model refers to, with their coordinates and bases.</summary>
    public ImmutableArray<DetectorDefinition> DetectorDefinitions { get; }

    /// <exception cref="ArgumentException">The program has more than 64 observables, or feedback frames cannot take.</exception>
    public static DetectorErrorModel FromProgram(CliffordProgram program) => FromProgram(program, decomposeErrors: false);

    /// <summary>
    /// The model; with <paramref name="decomposeErrors"/>, as Stim's <c>analyze_errors --decompose_errors</c>: a
    /// mechanism of a channel with several Paulis (DEPOLARIZE1/2, PAULI_CHANNEL_1/2) whose effect is not graphlike
    /// (more than two detectors, or two that the channel's one-detector parts cover) is given as <see
    /// cref="DetectorError.Components"/>, made of the channel's own one-detector parts and irreducible two-detector
    /// parts, by the rule of Stim's ErrorAnalyzer::decompose_helper_add_error_combinations. A Y error becomes its X
    /// part and its Z part, so a matching decoder keeps the X and Z graphs apart.
    /// </summary>
    /// <exception cref="ArgumentException">The program has more than 64 observables, or feedback frames cannot take.</exception>
    public static DetectorErrorModel FromProgram(CliffordProgram program, bool decomposeErrors)
    {
        ArgumentNullException.ThrowIfNull(program);
        if (program.Observables.Length > 64)
        {
            throw new ArgumentException("At most 64 observables.", nameof(program));
        }

        var sampler = new PauliFrameSampler(program, 0);
        int random = sampler.FirstRandomAnnotation();
        if (random >= 0)
        {
            string which = random < program.Detectors.Length ? $"detector D{random}" : $"observable L{random - program.Detectors.Length}";
            throw new ArgumentException($"{which} is not deterministic: without noise its parity is random, so no error model can say when it flips.", nameof(program));
        }

        // Basis lanes (Probability 0) carry the channel's X and Z parts on each qubit, from which a decomposition is made.
        var mechanisms = new List<(int Instruction, int Pauli, double Probability, bool Disjoint, bool Basis)>();
        for (int i = 0; i < program.Instructions.Length; i++)
        {
            var op = program.Instructions[i];
            if (op.Kind == CliffordKind.PauliChannel)
            {
                var (components, disjoint) = IndependentComponents(op.Probabilities.AsSpan());
                if (decomposeErrors && op.Probabilities.Skip(1).Count(p => p > 0) >= 2)
                {
                    for (int b = 0; b < (op.B >= 0 ? 4 : 2); b++)
                    {
                        mechanisms.Add((i, 1 << b, 0, false, true));
                    }
                }

                for (int k = 1; k < components.Length; k++)
                {
                    if (components[k] > 0)
                    {
                        mechanisms.Add((i, k, components[k], disjoint, false));
                    }
                }
            }
            else if (op.Kind == CliffordKind.Measure && (op.FlipZeroToOne > 0 || op.FlipOneToZero > 0))
            {
                // A symmetric flip in the model; an asymmetric readout error enters with its mean.
                mechanisms.Add((i, -1, (op.FlipZeroToOne + op.FlipOneToZero) / 2, false, false));
            }
        }

        var merged = new Dictionary<string, (double P, ImmutableArray<int> Detectors, ulong Observables, ImmutableArray<DetectorSymptom> Components)>(StringComparer.Ordinal);
        var sameChannel = new Dictionary<string, (double P, ImmutableArray<int> Detectors, ulong Observables, ImmutableArray<DetectorSymptom> Components)>(StringComparer.Ordinal);
        void Merge(string key, double p, ImmutableArray<int> set, ulong mask, ImmutableArray<DetectorSymptom> components) =>
            merged[key] = merged.TryGetValue(key, out var existing)
                ? (existing.P + p - (2 * existing.P * p), set, mask, components)
                : (p, set, mask, components);

        // Batches of at most BatchShots lanes that never split a channel, so each channel's lanes are read together.
        var batchStarts = new List<int>();
        for (int m = 0, start = 0; m < mechanisms.Count;)
        {
            int end = m;
            while (end < mechanisms.Count && mechanisms[end].Instruction == mechanisms[m].Instruction)
            {
                end++;
            }

            if (m == 0 || end - start > PauliFrameSampler.BatchShots)
            {
                batchStarts.Add(m);
                start = m;
            }

            m = end;
        }

        batchStarts.Add(mechanisms.Count);
        var laneDetectors = Enumerable.Range(0, PauliFrameSampler.BatchShots).Select(_ => new List<int>()).ToArray();
        for (int b = 0; b + 1 < batchStarts.Count; b++)
        {
            int start = batchStarts[b], count = batchStarts[b + 1] - start;
            var injections = new List<(int Lane, int Pauli)>?[program.Instructions.Length];
            for (int lane = 0; lane < count; lane++)
            {
                var (instruction, pauli, _, _, _) = mechanisms[start + lane];
                (injections[instruction] ??= []).Add((lane, pauli));
            }

            var (detectors, observables) = sampler.Propagate(injections);

            // Each lane's flipped detectors, in order, from the set bits of each detector's words: the work is the
            // flips themselves, not lanes × detectors (which at d = 25 had cost 40 s).
            foreach (var list in laneDetectors)
            {
                list.Clear();
            }

            for (int d = 0; d < detectors.Length; d++)
            {
                var words = detectors[d];
                for (int w = 0; w < words.Length; w++)
                {
                    for (ulong bits = words[w]; bits != 0; bits &= bits - 1)
                    {
                        laneDetectors[(w << 6) + System.Numerics.BitOperations.TrailingZeroCount(bits)].Add(d);
                    }
                }
            }

            ulong LaneMask(int lane)
            {
                ulong mask = 0;
                for (int o = 0; o < observables.Length; o++)
                {
                    if ((observables[o][lane >> 6] & (1UL << (lane & 63))) != 0)
                    {
                        mask |= 1UL << o;
                    }
                }

                return mask;
            }

            for (int first = 0; first < count;)
            {
                int end = first;
                while (end < count && mechanisms[start + end].Instruction == mechanisms[start + first].Instruction)
                {
                    end++;
                }

                var basis = new List<(List<int> Detectors, ulong Observables)>();
                for (int lane = first; lane < end && mechanisms[start + lane].Basis; lane++)
                {
                    basis.Add((laneDetectors[lane], LaneMask(lane)));
                }

                var decomposition = basis.Count > 0 ? Decompose(basis) : null;
                for (int lane = first + basis.Count; lane < end; lane++)
                {
                    var mechanism = mechanisms[start + lane];
                    var flipped = laneDetectors[lane];
                    ulong mask = LaneMask(lane);
                    if (flipped.Count == 0 && mask == 0)
                    {
                        continue;
                    }

                    var set = flipped.ToImmutableArray();
                    var components = decomposition is not null && decomposition[mechanism.Pauli] is { Length: > 1 } parts ? parts : [];
                    string key = Key(set, mask) + string.Concat(components.Select(c => "^" + Key(c.Detectors, c.ObservableMask)));
                    if (mechanism.Disjoint)
                    {
                        // Disjoint Paulis of one channel with the same effect are one case of it: their probabilities add.
                        sameChannel[key] = sameChannel.TryGetValue(key, out var existing) ? (existing.P + mechanism.Probability, set, mask, components) : (mechanism.Probability, set, mask, components);
                    }
                    else
                    {
                        Merge(key, mechanism.Probability, set, mask, components);
                    }
                }

                foreach (var (key, (p, set, mask, components)) in sameChannel)
                {
                    Merge(key, p, set, mask, components);
                }

                sameChannel.Clear();
                first = end;
            }
        }

        if (decomposeErrors)
        {
            SplitRemainingHyperedges(merged);
        }

        var errors = merged
            .OrderBy(e => e.Value.Detectors.Length == 0 ? int.MaxValue : e.Value.Detectors[0])
            .ThenBy(e => string.Join(",", e.Value.Detectors), StringComparer.Ordinal)
            .ThenBy(e => e.Value.Observables)
            .ThenBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => new DetectorError(e.Value.P, e.Value.Detectors, e.Value.Observables) { Components = e.Value.Components })
            .ToImmutableArray();
        return new DetectorErrorModel(program.Detectors.Length, program.Observables.Length, errors, program.Detectors);
    }

    /// <summary>
    /// Stim's global decomposition pass (ErrorAnalyzer::do_global_error_decomposition_pass): a mechanism with a piece
    /// of more than two detectors has each piece split into pieces of one or two detectors that other mechanisms
    /// have (the first split found, pairs tried before singles, whose observables add up); failing that, into known
    /// pairs and singles and a "remnant" of at most two detectors; failing that too, the piece stays whole. Known
    /// pieces are read in Stim's order of mechanisms, the last one read for a set of detectors winning.
    /// </summary>
    private static void SplitRemainingHyperedges(Dictionary<string, (double P, ImmutableArray<int> Detectors, ulong Observables, ImmutableArray<DetectorSymptom> Components)> merged)
    {
        static ImmutableArray<DetectorSymptom> Pieces((double P, ImmutableArray<int> Detectors, ulong Observables, ImmutableArray<DetectorSymptom> Components) e) =>
            e.Components.IsEmpty ? [new DetectorSymptom(e.Detectors, e.Observables)] : e.Components;

        // Stim orders its error classes by their targets: detectors, then observables (a high bit), a separator (the
        // largest value) between pieces.
        static List<ulong> Targets(ImmutableArray<DetectorSymptom> pieces)
        {
            var targets = new List<ulong>();
            for (int i = 0; i < pieces.Length; i++)
            {
                if (i > 0)
                {
                    targets.Add(ulong.MaxValue);
                }

                targets.AddRange(pieces[i].Detectors.Select(d => (ulong)d));
                targets.AddRange(Enumerable.Range(0, 64).Where(o => ((pieces[i].ObservableMask >> o) & 1) != 0).Select(o => (1UL << 63) | (uint)o));
            }

            return targets;
        }

        var order = merged.Where(e => e.Value.P != 0).Select(e => (e.Key, Pieces: Pieces(e.Value), Targets: Targets(Pieces(e.Value)))).ToList();
        order.Sort((a, b) =>
        {
            for (int i = 0; i < Math.Min(a.Targets.Count, b.Targets.Count); i++)
            {
                int c = a.Targets[i].CompareTo(b.Targets[i]);
                if (c != 0)
                {
                    return c;
                }
            }

            return a.Targets.Count.CompareTo(b.Targets.Count);
        });
        if (!order.Any(e => e.Pieces.Any(p => p.Detectors.Length > 2)))
        {
            return;
        }

        var known = new Dictionary<(int, int), DetectorSymptom>();
        foreach (var (_, pieces, _) in order)
        {
            foreach (var piece in pieces)
            {
                if (piece.Detectors.Length is 1 or 2)
                {
                    known[(piece.Detectors[0], piece.Detectors.Length == 2 ? piece.Detectors[1] : -1)] = piece;
                }
            }
        }

        foreach (var (key, pieces, _) in order.Where(e => e.Pieces.Any(p => p.Detectors.Length > 2)).ToList())
        {
            var rewritten = new List<DetectorSymptom>();
            foreach (var piece in pieces)
            {
                if (BruteForceSplit(piece, known) is { } split)
                {
                    rewritten.AddRange(split);
                }
                else if (RemnantSplit(piece, known) is { } withRemnant)
                {
                    rewritten.AddRange(withRemnant);
                }
                else
                {
                    rewritten.Add(piece);
                }
            }

            var old = merged[key];
            merged.Remove(key);
            ImmutableArray<DetectorSymptom> components = rewritten.Count > 1 ? [.. rewritten] : [];
            string newKey = Key(old.Detectors, old.Observables) + string.Concat(components.Select(c => "^" + Key(c.Detectors, c.ObservableMask)));
            merged[newKey] = merged.TryGetValue(newKey, out var existing)
                ? (existing.P + old.P - (2 * existing.P * old.P), old.Detectors, old.Observables, components)
                : (old.P, old.Detectors, old.Observables, components);
        }
    }

    /// <summary>Stim's brute_force_decomposition_into_known_graphlike_errors for one piece, or null.</summary>
    private static List<DetectorSymptom>? BruteForceSplit(DetectorSymptom piece, Dictionary<(int, int), DetectorSymptom> known)
    {
        var d = piece.Detectors;
        var used = new bool[d.Length];
        var found = new List<DetectorSymptom>();
        return Helper(0, piece.ObservableMask) ? found : null;

        bool Helper(int start, ulong remaining)
        {
            while (start < d.Length && used[start])
            {
                start++;
            }

            if (start >= d.Length)
            {
                return remaining == 0;
            }

            used[start] = true;
            for (int k = start + 1; k <= d.Length; k++)
            {
                if (k < d.Length && used[k])
                {
                    continue;
                }

                if (k < d.Length)
                {
                    used[k] = true;
                }

                if (known.TryGetValue((d[start], k < d.Length ? d[k] : -1), out var match) && Helper(start + 1, remaining ^ match.ObservableMask))
                {
                    found.Insert(0, match);
                    return true;
                }

                if (k < d.Length)
                {
                    used[k] = false;
                }
            }

            used[start] = false;
            return false;
        }
    }

    /// <summary>Stim's decompose_and_append_component_to_tail: known pairs, then known singles, then a remnant of at most two detectors.</summary>
    private static List<DetectorSymptom>? RemnantSplit(DetectorSymptom piece, Dictionary<(int, int), DetectorSymptom> known)
    {
        var d = piece.Detectors;
        if (d.Length <= 2)
        {
            return [piece];
        }

        var result = new List<DetectorSymptom>();
        var rest = new SortedSet<int>(d);
        ulong restObservables = piece.ObservableMask;
        void Take(DetectorSymptom part)
        {
            result.Add(part);
            rest.SymmetricExceptWith(part.Detectors);
            restObservables ^= part.ObservableMask;
        }

        var done = new bool[d.Length];
        for (int k = 0; k < d.Length; k++)
        {
            for (int k2 = k + 1; !done[k] && k2 < d.Length; k2++)
            {
                if (!done[k2] && known.TryGetValue((d[k], d[k2]), out var pair))
                {
                    done[k] = done[k2] = true;
                    Take(pair);
                }
            }
        }

        int missed = 0;
        for (int k = 0; k < d.Length; k++)
        {
            if (!done[k] && known.TryGetValue((d[k], -1), out var single))
            {
                done[k] = true;
                Take(single);
            }

            missed += done[k] ? 0 : 1;
        }

        if (missed > 2)
        {
            return null;
        }

        if (rest.Count > 0 || restObservables != 0)
        {
            result.Add(new DetectorSymptom([.. rest], restObservables));
        }

        return result;
    }

    private static string Key(IReadOnlyList<int> detectors, ulong observables) =>
        string.Join(",", detectors) + "|" + observables.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Stim's decomposition of every Pauli of one channel (ErrorAnalyzer::decompose_helper_add_error_combinations),
    /// from the effects of its basis parts (X and Z on each qubit, bit b of a Pauli code): a Pauli whose effect is one
    /// detector, or two not both covered by one-detector Paulis, stands alone; any other is made of one or two such
    /// pairs it contains and one-detector Paulis for the rest, or stands alone when none fit. Indexed by Pauli code.
    /// Null when the channel touches more than 64 detectors, where Stim refuses too.
    /// </summary>
    private static ImmutableArray<DetectorSymptom>[]? Decompose(List<(List<int> Detectors, ulong Observables)> basis)
    {
        var local = basis.SelectMany(b => b.Detectors).Distinct().Order().ToList();
        if (local.Count > 64)
        {
            return null;
        }

        int combos = 1 << basis.Count;
        var masks = new ulong[combos];
        var observables = new ulong[combos];
        for (int k = 1; k < combos; k++)
        {
            for (int b = 0; b < basis.Count; b++)
            {
                if ((k & (1 << b)) != 0)
                {
                    observables[k] ^= basis[b].Observables;
                    foreach (int d in basis[b].Detectors)
                    {
                        masks[k] ^= 1UL << local.BinarySearch(d);
                    }
                }
            }
        }

        var counts = masks.Select(System.Numerics.BitOperations.PopCount).ToArray();
        ulong singles = 0;
        var solved = new bool[combos];
        for (int k = 1; k < combos; k++)
        {
            if (counts[k] == 1)
            {
                singles |= masks[k];
                solved[k] = true;
            }
        }

        var pairs = new List<int>();
        for (int k = 1; k < combos; k++)
        {
            if (counts[k] == 2 && (masks[k] & ~singles) != 0)
            {
                pairs.Add(k);
                solved[k] = true;
            }
        }

        var result = new ImmutableArray<DetectorSymptom>[combos];
        DetectorSymptom Symptom(int k) => new([.. Enumerable.Range(0, 64).Where(i => ((masks[k] >> i) & 1) != 0).Select(i => local[i])], observables[k]);
        for (int k = 1; k < combos; k++)
        {
            result[k] = [Symptom(k)];
            if (counts[k] == 0 || solved[k])
            {
                continue;
            }

            var parts = new List<int>();
            ulong goal = masks[k], remnants = goal;
            if ((goal & ~singles) != 0)
            {
                int one = pairs.FirstOrDefault(m => (goal & masks[m]) == masks[m] && (goal & ~(singles | masks[m])) == 0);
                if (one != 0)
                {
                    parts.Add(one);
                    remnants = goal & ~masks[one];
                }
                else
                {
                    var two = pairs.SelectMany((m1, i) => pairs.Skip(i + 1).Select(m2 => (m1, m2)))
                        .FirstOrDefault(t => (masks[t.m1] & masks[t.m2]) == 0 && (goal & ~(singles | masks[t.m1] | masks[t.m2])) == 0);
                    if (two != default)
                    {
                        parts.Add(two.m1);
                        parts.Add(two.m2);
                        remnants = goal & ~(masks[two.m1] | masks[two.m2]);
                    }
                    else
                    {
                        continue; // stays whole: a matching decoder splits it against the whole graph, if it can
                    }
                }
            }

            for (int k2 = 1; remnants != 0 && k2 < combos; k2++)
            {
                if (counts[k2] == 1 && (masks[k2] & ~remnants) == 0)
                {
                    remnants &= ~masks[k2];
                    parts.Add(k2);
                }
            }

            result[k] = [.. parts.Select(Symptom)];
        }

        return result;
    }

    /// <summary>
    /// The channel's Paulis as independent components (index as the channel's, identity unused) when an exact rewrite
    /// exists, as Stim's error analyser makes it; otherwise the disjoint probabilities and <c>Disjoint = true</c>.
    /// </summary>
    internal static (double[] Components, bool Disjoint) IndependentComponents(ReadOnlySpan<double> p)
    {
        var components = p.ToArray();
        components[0] = 0;
        int nonzero = 0;
        for (int k = 1; k < p.Length; k++)
        {
            nonzero += p[k] > 0 ? 1 : 0;
        }

        if (nonzero <= 1)
        {
            return (components, false);
        }

        if (p.Length == 4)
        {
            // Stim's try_disjoint_to_independent_xyz_errors_approx, analytic branch: x, y, z are the disjoint X, Y, Z.
            double x = p[1], y = p[3], z = p[2];
            double identity = 1 - x - y - z;
            if (identity >= x && identity >= y && identity >= z && x + z < 0.5 && x + y < 0.5 && y + z < 0.5)
            {
                double sxz = Math.Sqrt(1 - (2 * x) - (2 * z));
                double sxy = Math.Sqrt(1 - (2 * x) - (2 * y));
                double syz = Math.Sqrt(1 - (2 * y) - (2 * z));
                double a = 0.5 - (0.5 * sxz * sxy / syz);
                double b = 0.5 - (0.5 * sxy * syz / sxz);
                double c = 0.5 - (0.5 * sxz * syz / sxy);
                if (a >= 0 && b >= 0 && c >= 0)
                {
                    components[1] = a;
                    components[3] = b;
                    components[2] = c;
                    return (components, false);
                }
            }

            return (components, true);
        }

        bool uniform = nonzero == 15;
        for (int k = 2; k < 16 && uniform; k++)
        {
            uniform = p[k] == p[1];
        }

        if (uniform && 15 * p[1] <= 15.0 / 16)
        {
            double each = 0.5 - (0.5 * Math.Pow(1 - (16 * p[1]), 0.125));
            Array.Fill(components, each, 1, 15);
            return (components, false);
        }

        return (components, true);
    }

    /// <summary>
    /// Reads a model in Stim's text format: <c>error(p)</c> lines with D and L targets, <c>detector(coords) D5</c>,
    /// <c>logical_observable L0</c>, <c>shift_detectors(coords) n</c> and <c>repeat n { … }</c>. A decomposed mechanism
    /// (<c>error(p) D0 D1 ^ D2</c>) keeps its pieces in <see cref="DetectorError.Components"/>; a matching decoder
    /// takes each piece as an edge with the mechanism's probability, as PyMatching does. Mechanisms are kept as listed,
    /// not merged.
    /// </summary>
    /// <exception cref="FormatException">The text is not a model; the message names the line and column.</exception>
    public static DetectorErrorModel Parse(string text, string file = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new DemTextReader(text, file);
        reader.Read();
        int detectors = reader.MaxDetector + 1;
        int observables = reader.MaxObservable + 1;
        var definitions = Enumerable.Range(0, detectors)
            .Select(d => new DetectorDefinition([], reader.Coordinates.TryGetValue(d, out var c) ? c : []))
            .ToImmutableArray();
        return new DetectorErrorModel(detectors, observables, [.. reader.Errors], definitions);
    }

    /// <summary>The model in Stim's text format (<c>error(p) D0 D3 L0</c>, one mechanism per line).</summary>
    public string ToStimText()
    {
        var text = new StringBuilder();
        foreach (var e in Errors)
        {
            text.Append("error(").Append(e.Probability.ToString("R", CultureInfo.InvariantCulture)).Append(')');
            var pieces = e.Components.IsEmpty ? [new DetectorSymptom(e.Detectors, e.ObservableMask)] : e.Components;
            for (int i = 0; i < pieces.Length; i++)
            {
                if (i > 0)
                {
                    text.Append(" ^");
                }

                foreach (int d in pieces[i].Detectors)
                {
                    text.Append(" D").Append(d.ToString(CultureInfo.InvariantCulture));
                }

                for (int o = 0; o < 64; o++)
                {
                    if ((pieces[i].ObservableMask & (1UL << o)) != 0)
                    {
                        text.Append(" L").Append(o.ToString(CultureInfo.InvariantCulture));
                    }
                }
            }

            text.Append('\n');
        }

        for (int d = 0; d < DetectorDefinitions.Length; d++)
        {
            var coordinates = DetectorDefinitions[d].Coordinates;
            if (!coordinates.IsEmpty)
            {
                text.Append("detector(").Append(string.Join(", ", coordinates.Select(c => c.ToString("R", CultureInfo.InvariantCulture))))
                    .Append(") D").Append(d.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            else if (d == DetectorCount - 1)
            {
                // Declared, as Stim does, so that a reader counts every detector even when the last one never fires.
                text.Append("detector D").Append(d.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        if (ObservableCount > 0)
        {
            text.Append("logical_observable L").Append((ObservableCount - 1).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>The line reader behind <see cref="DetectorErrorModel.Parse"/>.</summary>
internal sealed class DemTextReader(string text, string file)
{
    private const long MaxSteps = 10_000_000;
    private const long MaxDetectors = 1_000_000;
    private const int MaxNesting = 100; // each level is a stack frame when read and when run
    private int _depth;
    private readonly string[] _lines = text.Split('\n');
    private int _next;
    private long _steps;
    private long _detectorOffset;
    private double[] _coordinateShift = [];

    public List<DetectorError> Errors { get; } = [];

    public Dictionary<int, ImmutableArray<double>> Coordinates { get; } = [];

    public int MaxDetector { get; private set; } = -1;

    public int MaxObservable { get; private set; } = -1;

    public void Read()
    {
        var block = ReadBlock(topLevel: true);
        Run(block);
    }

    private List<(int Line, string Name, double[] Arguments, string[] Targets, long Repeat, object? Body)> ReadBlock(bool topLevel)
    {
        var block = new List<(int, string, double[], string[], long, object?)>();
        while (_next < _lines.Length)
        {
            int number = ++_next;
            string line = _lines[number - 1];
            int hash = line.IndexOf('#', StringComparison.Ordinal);
            line = (hash >= 0 ? line[..hash] : line).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line == "}")
            {
                if (topLevel)
                {
                    throw Error(number, 1, "'}' closes no repeat block");
                }

                return block;
            }

            int nameEnd = 0;
            while (nameEnd < line.Length && (char.IsAsciiLetter(line[nameEnd]) || line[nameEnd] == '_'))
            {
                nameEnd++;
            }

            string name = line[..nameEnd].ToLowerInvariant();
            int rest = nameEnd;
            if (rest < line.Length && line[rest] == '[')
            {
                // A tag (Stim writes the circuit's tags into its models): kept for tools, ignored here.
                int close = line.IndexOf(']', rest);
                if (close < 0)
                {
                    throw Error(number, rest + 1, "the tag's '[' is never closed");
                }

                rest = close + 1;
            }

            double[] arguments = [];
            if (rest < line.Length && line[rest] == '(')
            {
                int close = line.IndexOf(')', rest);
                if (close < 0)
                {
                    throw Error(number, rest + 1, "the argument list's '(' is never closed");
                }

                string inside = line[(rest + 1)..close];
                arguments = inside.Trim().Length == 0 ? [] : inside.Split(',').Select(a => Number(number, rest + 2, a)).ToArray();
                rest = close + 1;
            }

            string[] targets = line[rest..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (name == "repeat")
            {
                if (targets.Length != 2 || targets[1] != "{" || !long.TryParse(targets[0], NumberStyles.None, CultureInfo.InvariantCulture, out long count))
                {
                    throw Error(number, 1, "repeat takes a count and '{': repeat 10 {");
                }

                if (++_depth > MaxNesting)
                {
                    throw Error(number, 1, $"repeat blocks nest more than {MaxNesting} deep");
                }

                block.Add((number, name, arguments, [], count, ReadBlock(topLevel: false)));
                _depth--;
                continue;
            }

            block.Add((number, name, arguments, targets, 0, null));
        }

        if (!topLevel)
        {
            throw Error(_lines.Length, 1, "a repeat block is never closed with '}'");
        }

        return block;
    }

    private void Run(List<(int Line, string Name, double[] Arguments, string[] Targets, long Repeat, object? Body)> block)
    {
        foreach (var (number, name, arguments, targets, repeat, body) in block)
        {
            Step(number, 1 + targets.Length);
            switch (name)
            {
                case "repeat":
                    for (long r = 0; r < repeat; r++)
                    {
                        Step(number, 1);
                        Run((List<(int, string, double[], string[], long, object?)>)body!);
                    }

                    break;
                case "error":
                    {
                        if (arguments.Length != 1 || arguments[0] is < 0 or > 1)
                        {
                            throw Error(number, 1, "error takes one probability from 0 to 1: error(0.001) D0 D1");
                        }

                        // Most mechanisms are one or two pieces of one or two detectors: small lists, sorted once.
                        var detectors = new List<int>(4);
                        ulong observables = 0;
                        List<DetectorSymptom>? pieces = null;
                        DetectorSymptom? first = null;
                        for (int t = 0; t <= targets.Length; t++)
                        {
                            if (t == targets.Length || targets[t] == "^")
                            {
                                // A detector listed twice cancels: sort, then keep those listed an odd number of times
                                // (O(n log n) even for a line of a million targets).
                                detectors.Sort();
                                int kept = 0;
                                for (int i = 0; i < detectors.Count;)
                                {
                                    int j = i;
                                    while (j < detectors.Count && detectors[j] == detectors[i])
                                    {
                                        j++;
                                    }

                                    if (((j - i) & 1) == 1)
                                    {
                                        detectors[kept++] = detectors[i];
                                    }

                                    i = j;
                                }

                                detectors.RemoveRange(kept, detectors.Count - kept);
                                if (detectors.Count > 0 || observables != 0)
                                {
                                    var piece = new DetectorSymptom([.. detectors], observables);
                                    if (first is null)
                                    {
                                        first = piece;
                                    }
                                    else
                                    {
                                        (pieces ??= [first]).Add(piece);
                                    }
                                }

                                detectors.Clear();
                                observables = 0;
                                continue;
                            }

                            var (kind, index) = Target(number, targets[t]);
                            if (kind == 'D')
                            {
                                detectors.Add(index);
                            }
                            else if (kind == 'L')
                            {
                                observables ^= 1UL << index;
                            }
                        }

                        if (first is null)
                        {
                            break;
                        }

                        if (pieces is null)
                        {
                            Errors.Add(new DetectorError(arguments[0], first.Detectors, first.ObservableMask));
                            break;
                        }

                        // The pieces' effects add up (a detector in two pieces cancels) to the mechanism's.
                        var whole = new SortedSet<int>();
                        ulong all = 0;
                        foreach (var piece in pieces)
                        {
                            whole.SymmetricExceptWith(piece.Detectors);
                            all ^= piece.ObservableMask;
                        }

                        Errors.Add(new DetectorError(arguments[0], [.. whole], all) { Components = [.. pieces] });
                        break;
                    }

                case "detector":
                    foreach (string target in targets)
                    {
                        var (kind, index) = Target(number, target);
                        if (kind != 'D')
                        {
                            throw Error(number, 1, $"detector declares D targets, not {target}");
                        }

                        var shifted = arguments.ToArray();
                        for (int i = 0; i < Math.Min(shifted.Length, _coordinateShift.Length); i++)
                        {
                            shifted[i] += _coordinateShift[i];
                        }

                        Coordinates[index] = [.. shifted];
                    }

                    break;
                case "logical_observable":
                    foreach (string target in targets)
                    {
                        if (Target(number, target).Kind != 'L')
                        {
                            throw Error(number, 1, $"logical_observable declares L targets, not {target}");
                        }
                    }

                    break;
                case "shift_detectors":
                    {
                        if (targets.Length != 1 || !long.TryParse(targets[0], NumberStyles.None, CultureInfo.InvariantCulture, out long shift))
                        {
                            throw Error(number, 1, "shift_detectors takes a count: shift_detectors(0, 0, 1) 8");
                        }

                        _detectorOffset += shift;
                        if (arguments.Length > _coordinateShift.Length)
                        {
                            Array.Resize(ref _coordinateShift, arguments.Length);
                        }

                        for (int i = 0; i < arguments.Length; i++)
                        {
                            _coordinateShift[i] += arguments[i];
                        }

                        break;
                    }

                default:
                    throw Error(number, 1, $"unknown instruction '{name}' in a detector error model");
            }
        }
    }

    /// <summary>Bounds the work a model can ask for (repeat passes, lines and targets read), as the circuit reader does.</summary>
    private void Step(int line, int cost)
    {
        _steps += cost;
        if (_steps > MaxSteps)
        {
            throw Error(line, 1, $"the model unrolls to more than {MaxSteps:N0} lines and targets");
        }
    }

    private (char Kind, int Index) Target(int line, string target)
    {
        char kind = char.ToUpperInvariant(target[0]);
        if (kind is not ('D' or 'L') || !long.TryParse(target.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw Error(line, 1, $"'{target}' is not a target: D5 (a detector) or L0 (an observable)");
        }

        if (kind == 'D')
        {
            value += _detectorOffset;
            if (value >= MaxDetectors)
            {
                throw Error(line, 1, $"detector D{value}: at most {MaxDetectors:N0} detectors");
            }

            MaxDetector = Math.Max(MaxDetector, (int)value);
            return ('D', (int)value);
        }

        if (value >= 64)
        {
            throw Error(line, 1, $"observable L{value}: at most 64 observables (L0 to L63)");
        }

        MaxObservable = Math.Max(MaxObservable, (int)value);
        return ('L', (int)value);
    }

    private double Number(int line, int column, string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value)
            ? value
            : throw Error(line, column, $"'{text.Trim()}' is not a number");

    private FormatException Error(int line, int column, string reason) => new($"{file}:{line}:{column}: {reason}");
}
