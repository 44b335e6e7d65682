using System.Collections.Immutable;
using System.Globalization;
using VnQuantum.Simulation.Stabilizer;

namespace VnQuantum.Circuits.Qec;

/// <summary>A Stim circuit file that cannot be read: where (1-based line and column) and why.</summary>
public sealed class StimCircuitException(string file, int line, int column, string reason)
    : Exception($"{file}:{line}:{column}: {reason}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public int Column { get; } = column;

    public string Reason { get; } = reason;
}

/// <summary>
/// A circuit in Stim's circuit language (the format of <c>stim gen</c> and of every QEC researcher's circuits), read
/// into the stabilizer engine's <see cref="CliffordProgram"/>: gates are rewritten as the engine's own, REPEAT blocks
/// unrolled, detectors and observables resolved to absolute measurement records, coordinates shifted.
/// </summary>
/// <remarks>
/// Read: every unitary Clifford gate of Stim's gate reference, M/MX/MY/MR/MRX/MRY/R/RX/RY/MPP/MXX/MYY/MZZ/MPAD with
/// inverted targets and flip probabilities, X/Y/Z_ERROR, DEPOLARIZE1/2, PAULI_CHANNEL_1/2, E on one or two qubits,
/// classically controlled Paulis (<c>CX rec[-1] 3</c>), DETECTOR, OBSERVABLE_INCLUDE, QUBIT_COORDS, SHIFT_COORDS,
/// TICK, REPEAT. Refused with their line: heralded errors, ELSE_CORRELATED_ERROR, E on more than two qubits, SPP.
/// Sweep-controlled gates never fire: without sweep data Stim reads every sweep bit as 0.
/// </remarks>
public sealed class StimCircuit
{
    /// <summary>The most instructions a circuit may unroll to (about a gigabyte of program).</summary>
    public const int MaxInstructions = 10_000_000;

    /// <summary>
    /// The largest qubit index read: the tableau for the reference sample grows with the square of the qubit count
    /// (at this bound, 2.5 GB), so whether a circuit this large fits is for the caller to check against memory.
    /// </summary>
    public const int MaxQubit = 99_999;

    private StimCircuit(CliffordProgram program, int qubitCount, ImmutableDictionary<int, ImmutableArray<double>> qubitCoordinates)
    {
        Program = program;
        QubitCount = qubitCount;
        QubitCoordinates = qubitCoordinates;
    }

    /// <summary>The circuit in the engine's terms; its qubit count includes one ancilla when the circuit uses MPAD.</summary>
    public CliffordProgram Program { get; }

    /// <summary>Stim's qubit count: one more than the largest qubit index the circuit names.</summary>
    public int QubitCount { get; }

    /// <summary>The text it was read from, with line ends made <c>\n</c> (what identifies it in a collection's strong id).</summary>
    public string Text { get; private set; } = string.Empty;

    public int MeasurementCount => Program.RecordCount;

    public int DetectorCount => Program.Detectors.Length;

    public int ObservableCount => Program.Observables.Length;

    /// <summary>QUBIT_COORDS, with the coordinate shifts in force where each was declared.</summary>
    public ImmutableDictionary<int, ImmutableArray<double>> QubitCoordinates { get; }

    /// <exception cref="StimCircuitException">The file cannot be read, or its text is not a circuit this reader runs.</exception>
    public static StimCircuit Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new StimCircuitException(path, 1, 1, "is a directory, not a file");
        }

        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StimCircuitException(path, 1, 1, e.Message);
        }

        return Parse(text, path);
    }

    /// <exception cref="StimCircuitException">The text is not a circuit this reader runs.</exception>
    public static StimCircuit Parse(string text, string file = "<input>")
    {
        ArgumentNullException.ThrowIfNull(text);
        var reader = new StimReader(file, text);
        var body = reader.ReadBlock(topLevel: true);
        var builder = new StimProgramBuilder(file, reader.LargestQubit);
        builder.Run(body);
        var circuit = builder.Finish();
        circuit.Text = text.ReplaceLineEndings("\n");
        return circuit;
    }

    internal static StimCircuit Create(CliffordProgram program, int qubitCount, ImmutableDictionary<int, ImmutableArray<double>> coordinates) =>
        new(program, qubitCount, coordinates);
}

/// <summary>One target of a Stim instruction, as written.</summary>
internal readonly record struct StimTarget(StimTargetKind Kind, int Value, bool Inverted, char Pauli, int Column);

internal enum StimTargetKind
{
    Qubit,
    Pauli,
    Record,
    Sweep,
    Combiner,
}

/// <summary>A line of a Stim circuit, or a REPEAT block (then <see cref="Body"/> is set and <see cref="Repetitions"/> counts).</summary>
internal sealed record StimLine(int Line, int Column, string Name, ImmutableArray<double> Arguments, ImmutableArray<StimTarget> Targets)
{
    public long Repetitions { get; init; }

    public List<StimLine>? Body { get; init; }
}

/// <summary>Splits Stim's text into lines and blocks: <c>NAME[tag](args) targets…</c>, <c>#</c> comments, <c>REPEAT n { … }</c>.</summary>
internal sealed class StimReader(string file, string text)
{
    /// <summary>How deep REPEAT blocks may nest: real circuits use two or three levels, and each level is a stack frame here and when unrolled.</summary>
    private const int MaxNesting = 100;
    private readonly string[] _lines = text.Split('\n');
    private int _next;
    private int _depth;

    public int LargestQubit { get; private set; } = -1;

    public List<StimLine> ReadBlock(bool topLevel)
    {
        var block = new List<StimLine>();
        int opened = _next;
        while (_next < _lines.Length)
        {
            int number = ++_next;
            string line = _lines[number - 1];
            int hash = CommentStart(line);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            line = line.TrimEnd('\r', ' ', '\t');
            int start = 0;
            while (start < line.Length && char.IsWhiteSpace(line[start]))
            {
                start++;
            }

            if (start == line.Length)
            {
                continue;
            }

            if (line[start] == '}')
            {
                if (topLevel)
                {
                    throw Error(number, start + 1, "'}' closes no REPEAT block");
                }

                if (line[(start + 1)..].Trim().Length > 0)
                {
                    throw Error(number, start + 2, "nothing may follow '}' on its line");
                }

                return block;
            }

            block.Add(ReadLine(number, line, start));
        }

        if (!topLevel)
        {
            throw Error(opened, 1, "this REPEAT block is never closed with '}'");
        }

        return block;
    }

    /// <summary>Where a '#' comment starts, or −1; a '#' inside a tag's brackets is part of the tag.</summary>
    private static int CommentStart(string line)
    {
        bool inTag = false;
        for (int i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case '[' when !inTag && i > 0 && (char.IsAsciiLetterOrDigit(line[i - 1]) || line[i - 1] == '_'):
                    inTag = line.AsSpan(0, i).TrimStart().IndexOfAny(' ', '\t', '(') < 0;
                    break;
                case ']':
                    inTag = false;
                    break;
                case '#' when !inTag:
                    return i;
            }
        }

        return -1;
    }

    private StimLine ReadLine(int number, string line, int start)
    {
        int i = start;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_'))
        {
            i++;
        }

        if (i == start)
        {
            throw Error(number, start + 1, $"unexpected character '{line[start]}': a line starts with an instruction name");
        }

        string name = StimGates.Canonical(line[start..i]);
        if (i < line.Length && line[i] == '[')
        {
            // A tag (Stim 1.15): kept by Stim for tools, ignored by its simulators, and here.
            int close = line.IndexOf(']', i);
            if (close < 0)
            {
                throw Error(number, i + 1, "the tag's '[' is never closed");
            }

            i = close + 1;
        }

        var arguments = ImmutableArray<double>.Empty;
        int afterName = i;
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }

        if (i < line.Length && line[i] == '(')
        {
            int close = line.IndexOf(')', i);
            if (close < 0)
            {
                throw Error(number, i + 1, "the argument list's '(' is never closed");
            }

            arguments = ReadArguments(number, line, i + 1, close);
            i = close + 1;
        }
        else
        {
            i = afterName;
        }

        if (name == "REPEAT")
        {
            string rest = line[i..].Trim();
            if (!rest.EndsWith('{'))
            {
                throw Error(number, i + 1, "REPEAT takes a count and '{' on its line: REPEAT 10 {");
            }

            string count = rest[..^1].Trim();
            if (!long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out long repetitions) || repetitions < 1)
            {
                throw Error(number, i + 2, $"REPEAT takes a positive whole count, not '{count}'");
            }

            if (++_depth > MaxNesting)
            {
                throw Error(number, start + 1, $"REPEAT blocks nest more than {MaxNesting} deep");
            }

            var body = ReadBlock(topLevel: false);
            _depth--;
            return new StimLine(number, start + 1, name, arguments, []) { Repetitions = repetitions, Body = body };
        }

        return new StimLine(number, start + 1, name, arguments, ReadTargets(number, line, i));
    }

    private ImmutableArray<double> ReadArguments(int number, string line, int from, int to)
    {
        var values = ImmutableArray.CreateBuilder<double>();
        if (line[from..to].Trim().Length == 0)
        {
            return values.ToImmutable();
        }

        int at = from;
        foreach (string part in line[from..to].Split(','))
        {
            if (!double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            {
                throw Error(number, at + 1, $"'{part.Trim()}' is not a number");
            }

            values.Add(value);
            at += part.Length + 1;
        }

        return values.ToImmutable();
    }

    private ImmutableArray<StimTarget> ReadTargets(int number, string line, int from)
    {
        var targets = ImmutableArray.CreateBuilder<StimTarget>();
        int i = from;
        while (i < line.Length)
        {
            char c = line[i];
            if (c is ' ' or '\t')
            {
                i++;
                continue;
            }

            int column = i + 1;
            if (c == '*')
            {
                targets.Add(new StimTarget(StimTargetKind.Combiner, 0, false, ' ', column));
                i++;
                continue;
            }

            int end = i;
            while (end < line.Length && line[end] is not (' ' or '\t' or '*'))
            {
                end++;
            }

            targets.Add(ReadTarget(number, line[i..end], column));
            i = end;
        }

        return targets.ToImmutable();
    }

    private StimTarget ReadTarget(int number, string token, int column)
    {
        if (token.StartsWith("rec[", StringComparison.OrdinalIgnoreCase) && token.EndsWith(']'))
        {
            string inner = token[4..^1];
            if (!inner.StartsWith('-') || !int.TryParse(inner[1..], NumberStyles.None, CultureInfo.InvariantCulture, out int back) || back < 1)
            {
                throw Error(number, column, $"'{token}': a measurement record target is rec[-k] with k ≥ 1");
            }

            return new StimTarget(StimTargetKind.Record, back, false, ' ', column);
        }

        if (token.StartsWith("sweep[", StringComparison.OrdinalIgnoreCase) && token.EndsWith(']'))
        {
            if (!int.TryParse(token[6..^1], NumberStyles.None, CultureInfo.InvariantCulture, out int bit))
            {
                throw Error(number, column, $"'{token}': a sweep target is sweep[k] with k ≥ 0");
            }

            return new StimTarget(StimTargetKind.Sweep, bit, false, ' ', column);
        }

        bool inverted = token.StartsWith('!');
        string rest = inverted ? token[1..] : token;
        char pauli = ' ';
        if (rest.Length > 0 && char.ToUpperInvariant(rest[0]) is 'X' or 'Y' or 'Z')
        {
            pauli = char.ToUpperInvariant(rest[0]);
            rest = rest[1..];
        }

        if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out int qubit))
        {
            throw Error(number, column, $"'{token}' is not a target: a qubit (5, !5), a Pauli (X5, !Z2), rec[-k] or sweep[k]");
        }

        if (qubit > StimCircuit.MaxQubit)
        {
            throw Error(number, column, $"qubit {qubit} is past the largest this reader takes ({StimCircuit.MaxQubit})");
        }

        LargestQubit = Math.Max(LargestQubit, qubit);
        return new StimTarget(pauli == ' ' ? StimTargetKind.Qubit : StimTargetKind.Pauli, qubit, inverted, pauli, column);
    }

    private StimCircuitException Error(int line, int column, string reason) => new(file, line, column, reason);
}
