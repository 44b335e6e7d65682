using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using VnQuantum.Circuits.Gates;
using VnQuantum.Circuits.Ir;
using VnQuantum.Simulation.Noise;

namespace VnQuantum.Circuits.Noise;

/// <summary>A channel attached to gates by name (and optionally to particular qubits).</summary>
/// <param name="Gates">Gate names ("cx", "measure", "reset", …), or "*" for every gate.</param>
/// <param name="Qubits">The qubit tuples it applies to; empty means all.</param>
/// <param name="Channel">The channel: as many qubits as the gate, or one qubit applied to each of the gate's qubits.</param>
public sealed record NoiseRule(ImmutableArray<string> Gates, ImmutableArray<ImmutableArray<int>> Qubits, KrausChannel Channel)
{
    /// <summary>For idle noise on "delay": the channel for a delay of the given seconds (thermal relaxation without a fixed time).</summary>
    public Func<double, KrausChannel>? ForDuration { get; init; }
}

/// <summary>Readout error of one qubit: P(read 1 | state 0) and P(read 0 | state 1).</summary>
public sealed record ReadoutError(double ZeroToOne, double OneToZero);

/// <summary>
/// Which channels follow which gates, and how measurements are misread. A channel follows its gate (after it), except
/// on "measure", where it acts just before the measurement, as in Qiskit Aer. Rules are applied in the order given;
/// several that match one gate compose.
/// </summary>
public sealed class NoiseModel
{
    public NoiseModel(IEnumerable<NoiseRule> rules, IReadOnlyDictionary<int, ReadoutError>? readout = null, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        Rules = [.. rules];
        Readout = readout ?? new Dictionary<int, ReadoutError>();
        Description = description;
    }

    public ImmutableArray<NoiseRule> Rules { get; }

    /// <summary>Readout errors by qubit.</summary>
    public IReadOnlyDictionary<int, ReadoutError> Readout { get; }

    public string? Description { get; }

    /// <summary>True when every channel is a Pauli channel, so that the stabilizer method can run the model.</summary>
    public bool IsPauliOnly => Rules.All(r => r.Channel.IsPauliChannel);

    /// <summary>The channels that apply to <paramref name="operation"/>, each with the qubits it acts on.</summary>
    public IEnumerable<(KrausChannel Channel, int[] Qubits)> ChannelsFor(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (operation is BarrierOperation or UnitaryOperation)
        {
            yield break;
        }

        string name = operation.Name;
        var qubits = operation.Qubits;
        foreach (var rule in Rules)
        {
            if (!rule.Gates.Contains(name) && !(rule.Gates.Contains("*") && operation is GateCallOperation))
            {
                continue;
            }

            if (!rule.Qubits.IsEmpty && !rule.Qubits.Any(t => t.AsSpan().SequenceEqual(qubits.AsSpan())))
            {
                continue;
            }

            if (operation is DelayOperation delay && rule.ForDuration is { } forDuration)
            {
                if (double.IsNaN(delay.Seconds))
                {
                    throw new NoiseModelException("a delay whose length is in dt or depends on a stretch or a durationof has no length in seconds for the noise model's idle relaxation; give the delay in ns, us, ms or s, or give the rule a timeNs");
                }

                var idle = forDuration(delay.Seconds);
                foreach (int q in qubits)
                {
                    yield return (idle, [q]);
                }

                continue;
            }

            if (rule.Channel.QubitCount == qubits.Length)
            {
                yield return (rule.Channel, [.. qubits]);
            }
            else if (rule.Channel.QubitCount == 1)
            {
                foreach (int q in qubits)
                {
                    yield return (rule.Channel, [q]);
                }
            }
            else
            {
                throw new NoiseModelException($"the {rule.Channel.QubitCount}-qubit channel {rule.Channel.Name} cannot follow '{name}' on {qubits.Length} qubit(s)");
            }
        }
    }

    /// <summary>Reads a noise model from JSON (see docs/noise.md); errors name the file and the element, e.g. "errors[2].channel.probability".</summary>
    /// <exception cref="NoiseModelException">The file is not valid JSON or a field is missing or out of range.</exception>
    public static NoiseModel Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NoiseModelException($"{path}: cannot read the noise model: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <inheritdoc cref="Load"/>
    public static NoiseModel Parse(string json, string source = "<noise>")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new NoiseModelException($"{source}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON: {e.Message.Split(" LineNumber")[0]}");
        }

        using (document)
        {
            var reader = new Reader(source);
            return reader.Model(document.RootElement);
        }
    }

    /// <summary>Walks the JSON with a path for every message.</summary>
    private sealed class Reader(string source)
    {
        public NoiseModel Model(JsonElement root)
        {
            Require(root, JsonValueKind.Object, "the noise model");
            string? description = root.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            var rules = new List<NoiseRule>();
            if (root.TryGetProperty("errors", out var errors))
            {
                Require(errors, JsonValueKind.Array, "errors");
                int i = 0;
                foreach (var e in errors.EnumerateArray())
                {
                    rules.Add(Rule(e, $"errors[{i++}]"));
                }
            }

            var readout = new Dictionary<int, ReadoutError>();
            if (root.TryGetProperty("readout", out var readoutArray))
            {
                Require(readoutArray, JsonValueKind.Array, "readout");
                int i = 0;
                foreach (var r in readoutArray.EnumerateArray())
                {
                    Readout(r, $"readout[{i++}]", readout);
                }
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("description" or "errors" or "readout" or "$schema"))
                {
                    throw Fail(property.Name, "unknown field; a noise model has 'description', 'errors' and 'readout'");
                }
            }

            return new NoiseModel(rules, readout, description);
        }

        private NoiseRule Rule(JsonElement e, string path)
        {
            Require(e, JsonValueKind.Object, path);
            if (!e.TryGetProperty("gates", out var gatesElement))
            {
                throw Fail($"{path}.gates", "missing; name the gates this error follows (\"*\" for all)");
            }

            Require(gatesElement, JsonValueKind.Array, $"{path}.gates");
            var gates = gatesElement.EnumerateArray().Select((g, k) => g.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(g.GetString())
                ? g.GetString()!
                : throw Fail($"{path}.gates[{k}]", "must be a gate name")).ToImmutableArray();
            if (gates.IsEmpty)
            {
                throw Fail($"{path}.gates", "must name at least one gate");
            }

            var qubits = ImmutableArray<ImmutableArray<int>>.Empty;
            if (e.TryGetProperty("qubits", out var qubitsElement))
            {
                Require(qubitsElement, JsonValueKind.Array, $"{path}.qubits");
                qubits = [.. qubitsElement.EnumerateArray().Select((t, k) => t.ValueKind == JsonValueKind.Number
                    ? [Index(t, $"{path}.qubits[{k}]")]
                    : Tuple(t, $"{path}.qubits[{k}]"))];
            }

            if (!e.TryGetProperty("channel", out var channelElement))
            {
                throw Fail($"{path}.channel", "missing; give the channel, e.g. {\"type\": \"depolarizing\", \"probability\": 0.001}");
            }

            if (gates.All(g => g == "delay") && channelElement.ValueKind == JsonValueKind.Object
                && channelElement.TryGetProperty("type", out var idleType) && idleType.ValueKind == JsonValueKind.String && idleType.GetString() == "thermal_relaxation"
                && !channelElement.TryGetProperty("timeNs", out _))
            {
                // Idle noise for OpenQASM 3's delay: relaxation over each delay's own duration.
                double t1 = Positive(channelElement, "t1Us", $"{path}.channel"), t2 = Positive(channelElement, "t2Us", $"{path}.channel");
                if (t2 > 2 * t1)
                {
                    throw Fail($"{path}.channel.t2Us", $"T2 ({t2} µs) cannot exceed 2·T1 ({2 * t1} µs)");
                }

                double excited = Optional(channelElement, "excitedPopulation", $"{path}.channel", 0);
                var qubitTuples = e.TryGetProperty("qubits", out var qs) ? Tuple2(qs, $"{path}.qubits") : [];
                return new NoiseRule(gates, qubitTuples, KrausChannel.ThermalRelaxation(t1, t2, 0, excited))
                {
                    ForDuration = seconds => KrausChannel.ThermalRelaxation(t1 * 1e-6, t2 * 1e-6, seconds, excited),
                };
            }

            var channel = Channel(channelElement, $"{path}.channel", gates);
            foreach (string gate in gates)
            {
                int arity = gate switch
                {
                    "*" => 0,
                    "measure" or "reset" or "delay" => 1,
                    _ => StandardGates.Find(gate)?.QubitCount ?? 0,
                };
                if (gate == "*" && channel.QubitCount > 1)
                {
                    throw Fail($"{path}.gates", $"a {channel.QubitCount}-qubit channel must name its gates; \"*\" includes 1-qubit gates");
                }

                if (arity > 0 && channel.QubitCount > 1 && channel.QubitCount != arity)
                {
                    throw Fail($"{path}.channel", $"a {channel.QubitCount}-qubit channel cannot follow '{gate}' ({arity} qubit(s)); use a 1-qubit channel (applied to each qubit) or one of {arity} qubits");
                }
            }

            foreach (var t in qubits)
            {
                if (t.Length != channel.QubitCount && channel.QubitCount > 1)
                {
                    throw Fail($"{path}.qubits", $"each entry must list {channel.QubitCount} qubits for this channel");
                }
            }

            return new NoiseRule(gates, qubits, channel);
        }

        private KrausChannel Channel(JsonElement c, string path, ImmutableArray<string> gates)
        {
            Require(c, JsonValueKind.Object, path);
            string type = c.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : throw Fail($"{path}.type", "missing; one of depolarizing, amplitude_damping, phase_damping, thermal_relaxation, pauli, kraus");
            try
            {
                switch (type)
                {
                    case "depolarizing":
                        {
                            int qubits = c.TryGetProperty("qubits", out var q) ? (int)Number(q, $"{path}.qubits") : DefaultArity(gates);
                            if (qubits is not (1 or 2))
                            {
                                throw Fail($"{path}.qubits", "must be 1 or 2");
                            }

                            return KrausChannel.Depolarizing(Probability(c, "probability", path, max: qubits == 1 ? 4.0 / 3 : 16.0 / 15), qubits);
                        }

                    case "amplitude_damping":
                        return KrausChannel.GeneralizedAmplitudeDamping(Probability(c, "gamma", path), Optional(c, "excitedPopulation", path, 0));
                    case "phase_damping":
                        return KrausChannel.PhaseDamping(Probability(c, "lambda", path));
                    case "thermal_relaxation":
                        {
                            double t1 = Positive(c, "t1Us", path), t2 = Positive(c, "t2Us", path);
                            if (!c.TryGetProperty("timeNs", out _))
                            {
                                throw Fail($"{path}.timeNs", "missing; only a rule on \"delay\" alone may leave it out (each delay then uses its own duration)");
                            }

                            double time = Number(Field(c, "timeNs", path), $"{path}.timeNs");
                            if (time < 0)
                            {
                                throw Fail($"{path}.timeNs", "must be zero or more");
                            }

                            if (t2 > 2 * t1)
                            {
                                throw Fail($"{path}.t2Us", $"T2 ({t2} µs) cannot exceed 2·T1 ({2 * t1} µs)");
                            }

                            return KrausChannel.ThermalRelaxation(t1 * 1000, t2 * 1000, time, Optional(c, "excitedPopulation", path, 0));
                        }

                    case "pauli":
                        return Pauli(Field(c, "probabilities", path), $"{path}.probabilities");
                    case "kraus":
                        return Kraus(Field(c, "operators", path), $"{path}.operators");
                    default:
                        throw Fail($"{path}.type", $"unknown channel '{type}'; one of depolarizing, amplitude_damping, phase_damping, thermal_relaxation, pauli, kraus");
                }
            }
            catch (ArgumentException e)
            {
                throw Fail(path, e.Message.Split(" (Parameter")[0]);
            }
        }

        private KrausChannel Pauli(JsonElement p, string path)
        {
            Require(p, JsonValueKind.Object, path);
            int qubits = 0;
            var entries = new List<(int Index, double Value)>();
            foreach (var property in p.EnumerateObject())
            {
                string label = property.Name.ToUpperInvariant();
                if (label.Length is not (1 or 2) || label.Any(ch => ch is not ('I' or 'X' or 'Y' or 'Z')))
                {
                    throw Fail($"{path}.{property.Name}", "must be a Pauli label of 1 or 2 letters (I, X, Y, Z), rightmost on the gate's first qubit");
                }

                if (qubits != 0 && label.Length != qubits)
                {
                    throw Fail($"{path}.{property.Name}", "all labels must have the same length");
                }

                qubits = label.Length;
                int index = 0;
                for (int k = 0; k < label.Length; k++)
                {
                    int q = label.Length - 1 - k;
                    int code = label[k] switch { 'X' => 1, 'Z' => 2, 'Y' => 3, _ => 0 };
                    index |= code << (2 * q);
                }

                double value = Number(property.Value, $"{path}.{property.Name}");
                if (index == 0)
                {
                    throw Fail($"{path}.{property.Name}", "give only the error Paulis; the identity takes what is left");
                }

                entries.Add((index, value));
            }

            if (qubits == 0)
            {
                throw Fail(path, "must give at least one Pauli, e.g. {\"X\": 0.001}");
            }

            var probabilities = new double[1 << (2 * qubits)];
            foreach (var (index, value) in entries)
            {
                probabilities[index] = value;
            }

            return KrausChannel.Pauli(qubits, probabilities);
        }

        private KrausChannel Kraus(JsonElement ops, string path)
        {
            Require(ops, JsonValueKind.Array, path);
            var operators = new List<Complex[]>();
            int k = 0;
            foreach (var op in ops.EnumerateArray())
            {
                string opPath = $"{path}[{k++}]";
                Require(op, JsonValueKind.Array, opPath);
                var rows = op.EnumerateArray().ToList();
                var matrix = new List<Complex>();
                for (int r = 0; r < rows.Count; r++)
                {
                    Require(rows[r], JsonValueKind.Array, $"{opPath}[{r}]");
                    var entries = rows[r].EnumerateArray().ToList();
                    if (entries.Count != rows.Count)
                    {
                        throw Fail($"{opPath}[{r}]", $"has {entries.Count} entries; the matrix has {rows.Count} rows and must be square");
                    }

                    for (int col = 0; col < entries.Count; col++)
                    {
                        matrix.Add(Entry(entries[col], $"{opPath}[{r}][{col}]"));
                    }
                }

                operators.Add([.. matrix]);
            }

            return KrausChannel.FromOperators(operators, path);
        }

        private Complex Entry(JsonElement e, string path)
        {
            if (e.ValueKind == JsonValueKind.Number)
            {
                return Number(e, path);
            }

            if (e.ValueKind == JsonValueKind.Array && e.GetArrayLength() == 2)
            {
                return new Complex(Number(e[0], path + "[0]"), Number(e[1], path + "[1]"));
            }

            throw Fail(path, "must be a number or [re, im]");
        }

        private void Readout(JsonElement r, string path, Dictionary<int, ReadoutError> readout)
        {
            Require(r, JsonValueKind.Object, path);
            var qubits = Field(r, "qubits", path);
            var list = qubits.ValueKind == JsonValueKind.Number ? [Index(qubits, $"{path}.qubits")] : Tuple(qubits, $"{path}.qubits");
            double p01, p10;
            if (r.TryGetProperty("assignment", out var a))
            {
                // Qiskit's ReadoutError: row = prepared state, column = recorded outcome.
                Require(a, JsonValueKind.Array, $"{path}.assignment");
                if (a.GetArrayLength() != 2 || a[0].GetArrayLength() != 2 || a[1].GetArrayLength() != 2)
                {
                    throw Fail($"{path}.assignment", "must be [[P(0|0), P(1|0)], [P(0|1), P(1|1)]]");
                }

                for (int row = 0; row < 2; row++)
                {
                    double sum = Number(a[row][0], $"{path}.assignment[{row}][0]") + Number(a[row][1], $"{path}.assignment[{row}][1]");
                    if (Math.Abs(sum - 1) > 1e-9)
                    {
                        throw Fail($"{path}.assignment[{row}]", $"sums to {sum.ToString(CultureInfo.InvariantCulture)}; each row is a probability distribution and must sum to 1");
                    }
                }

                p01 = ProbabilityValue(a[0][1], $"{path}.assignment[0][1]");
                p10 = ProbabilityValue(a[1][0], $"{path}.assignment[1][0]");
            }
            else
            {
                p01 = Probability(r, "p01", path);
                p10 = Probability(r, "p10", path);
            }

            foreach (int q in list)
            {
                readout[q] = new ReadoutError(p01, p10);
            }
        }

        private ImmutableArray<ImmutableArray<int>> Tuple2(JsonElement qubitsElement, string path)
        {
            Require(qubitsElement, JsonValueKind.Array, path);
            return [.. qubitsElement.EnumerateArray().Select((t, k) => t.ValueKind == JsonValueKind.Number ? [Index(t, $"{path}[{k}]")] : Tuple(t, $"{path}[{k}]"))];
        }

        private static int DefaultArity(ImmutableArray<string> gates)
        {
            var arities = gates.Select(g => StandardGates.Find(g)?.QubitCount ?? 1).Distinct().ToList();
            return arities.Count == 1 && arities[0] == 2 ? 2 : 1;
        }

        private ImmutableArray<int> Tuple(JsonElement t, string path)
        {
            Require(t, JsonValueKind.Array, path);
            return [.. t.EnumerateArray().Select((q, k) => Index(q, $"{path}[{k}]"))];
        }

        private int Index(JsonElement q, string path)
        {
            double v = Number(q, path);
            if (v < 0 || v != Math.Floor(v) || v > int.MaxValue)
            {
                throw Fail(path, "must be a qubit index (0, 1, …)");
            }

            return (int)v;
        }

        private JsonElement Field(JsonElement e, string name, string path) =>
            e.TryGetProperty(name, out var v) ? v : throw Fail($"{path}.{name}", "missing");

        private double Number(JsonElement e, string path) =>
            e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v) && double.IsFinite(v) ? v : throw Fail(path, "must be a number");

        private double Probability(JsonElement e, string name, string path, double max = 1) =>
            ProbabilityValue(Field(e, name, path), $"{path}.{name}", max);

        private double ProbabilityValue(JsonElement e, string path, double max = 1)
        {
            double v = Number(e, path);
            return v >= 0 && v <= max ? v : throw Fail(path, $"must be in [0, {max.ToString("G4", CultureInfo.InvariantCulture)}]");
        }

        private double Optional(JsonElement e, string name, string path, double fallback) =>
            e.TryGetProperty(name, out _) ? Probability(e, name, path) : fallback;

        private double Positive(JsonElement e, string name, string path)
        {
            double v = Number(Field(e, name, path), $"{path}.{name}");
            return v > 0 ? v : throw Fail($"{path}.{name}", "must be > 0");
        }

        private void Require(JsonElement e, JsonValueKind kind, string path)
        {
            if (e.ValueKind != kind)
            {
                throw Fail(path, $"must be {(kind == JsonValueKind.Object ? "an object" : "an array")}, not {e.ValueKind.ToString().ToLowerInvariant()}");
            }
        }

        private NoiseModelException Fail(string path, string message) => new($"{source}: {path}: {message}");
    }
}

/// <summary>A noise model that cannot be read or used; the message names the file and the element.</summary>
public sealed class NoiseModelException : Exception
{
    public NoiseModelException(string message)
        : base(message)
    {
    }

    public NoiseModelException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public NoiseModelException()
    {
    }
}
