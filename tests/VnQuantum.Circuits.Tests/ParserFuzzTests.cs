using System.Text;
using VnQuantum.Circuits.Execution;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.OpenQasm;
using static VnQuantum.Circuits.Tests.TestPrograms;

namespace VnQuantum.Circuits.Tests;

/// <summary>
/// The parser must return a value, never throw, whatever it is given. CI runs 12,000 programs (random token soup,
/// mutated real programs, and programs aimed at every limit); set VNQ_FUZZ_COUNT for a longer campaign, e.g.
/// <c>VNQ_FUZZ_COUNT=1000000 dotnet test tests/VnQuantum.Circuits.Tests --filter ParserFuzzTests</c>.
/// </summary>
public class ParserFuzzTests
{
    private static readonly string[] Vocabulary =
    [
        "OPENQASM", "2.0", "3.0", "include", "\"qelib1.inc\"", "\"missing.inc\"", "qreg", "creg", "gate", "opaque", "barrier", "measure", "reset", "if",
        "U", "CX", "h", "cx", "rx", "u3", "ccx", "rccx", "c4x", "cu", "q", "c", "r", "a", "b", "theta", "pi", "sin", "cos", "ln", "sqrt", "exp", "tan",
        ";", ",", "(", ")", "[", "]", "{", "}", "->", "==", "+", "-", "*", "/", "^", "0", "1", "2", "3", "7", "1e9", ".5", "1.5e-3", "99999999999999999999",
        "//", "/*", "*/", "\n", " ", "\t", "@", "\"", "é", "\0",
    ];

    private static int Count => int.TryParse(Environment.GetEnvironmentVariable("VNQ_FUZZ_COUNT"), out int n) && n > 0 ? n : 12_000;

    [Fact]
    public void Parser_NeverThrows_OnRandomAndMutatedPrograms()
    {
        var random = new Random(20261123);
        var seeds = Directory.GetFiles(SamplesFolder(), "*.qasm").Select(File.ReadAllText)
            .Concat(Enumerable.Range(0, 8).Select(i => RandomCircuits.Program(4, 30, i, measure: true)))
            .ToArray();
        int parsed = 0, rejected = 0;
        for (int i = 0; i < Count; i++)
        {
            string program = (i % 4) switch
            {
                0 => TokenSoup(random),
                1 or 2 => Mutate(seeds[random.Next(seeds.Length)], random),
                _ => AimAtLimits(random),
            };

            QasmParseResult result;
            try
            {
                result = OpenQasm2.Parse(program, "fuzz.qasm");
            }
            catch (Exception e)
            {
                Assert.Fail($"the parser threw {e.GetType().Name}: {e.Message}\n--- program #{i} ---\n{program}");
                return;
            }

            if (result.Succeeded)
            {
                parsed++;
                CheckParsed(result.Circuit!, program);
            }
            else
            {
                rejected++;
                Assert.True(result.Error!.Line >= 1 && result.Error.Column >= 1, result.Error.ToString());
                Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
            }
        }

        Assert.True(parsed > Count / 20, $"only {parsed} of {Count} fuzzed programs parsed: the mutations are too destructive to reach deep code");
        Assert.True(rejected > Count / 4, $"only {rejected} rejected");
    }

    /// <summary>A program that parsed must write back and run (when small) without an unexpected exception.</summary>
    private static void CheckParsed(Circuit circuit, string program)
    {
        var again = OpenQasm2.Parse(OpenQasm2.Write(circuit), "written.qasm");
        Assert.True(again.Succeeded, $"{again.Error}\n--- from ---\n{program}");
        DownstreamTools.Exercise(circuit);
    }

    private static string TokenSoup(Random random)
    {
        var text = new StringBuilder();
        int length = random.Next(1, 60);
        for (int i = 0; i < length; i++)
        {
            text.Append(Vocabulary[random.Next(Vocabulary.Length)]).Append(random.Next(3) == 0 ? "" : " ");
        }

        return text.ToString();
    }

    private static string Mutate(string source, Random random)
    {
        var text = new StringBuilder(source);
        int edits = random.Next(1, 4);
        for (int e = 0; e < edits && text.Length > 0; e++)
        {
            int at = random.Next(text.Length);
            switch (random.Next(6))
            {
                case 0:
                    text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
                    break;
                case 1:
                    text.Insert(at, Vocabulary[random.Next(Vocabulary.Length)]);
                    break;
                case 2:
                    text[at] = (char)random.Next(32, 127);
                    break;
                case 3:
                    int length = Math.Min(random.Next(1, 40), text.Length - at);
                    text.Insert(random.Next(text.Length), text.ToString(at, length));
                    break;
                case 4:
                    text.Length = at;
                    break;
                default:
                    text.Insert(at, random.Next(2) == 0 ? "99999999999" : "-");
                    break;
            }
        }

        return text.ToString();
    }

    private static string AimAtLimits(Random random)
    {
        int n = random.Next(1, 5000);
        return random.Next(8) switch
        {
            0 => Header + $"qreg q[1]; rz({new string('(', n)}1{new string(')', random.Next(n + 1))}) q[0];",
            1 => Header + $"qreg q[1]; rz({string.Concat(Enumerable.Repeat("-", n))}1) q[0];",
            2 => Header + "gate g0 a { x a; }\n" + string.Concat(Enumerable.Range(1, random.Next(1, 80)).Select(i => $"gate g{i} a {{ g{i - 1} a; g{i - 1} a; g{i - 1} a; }}\n")) + "qreg q[1]; g1 q[0];",
            3 => Header + $"qreg q[{random.NextInt64(0, long.MaxValue)}]; h q;",
            4 => Header + $"include \"fuzz.qasm\";\nqreg q[{random.Next(1, 3)}];",
            5 => Header + $"qreg q[2]; rz({string.Concat(Enumerable.Repeat("2^", random.Next(1, 300)))}2) q[0];",
            6 => Header + "qreg q[3]; creg c[3];\n" + string.Concat(Enumerable.Repeat("if(c==1) h q; measure q -> c; reset q;\n", random.Next(1, 40))),
            _ => Header + string.Concat(Enumerable.Range(0, random.Next(1, 200)).Select(i => $"qreg q{i}[{random.Next(1, 3)}];")) + "barrier q0;",
        };
    }
}
