using System.Globalization;
using System.Text;
using VnQuantum.Circuits.Gates;

namespace VnQuantum.Circuits.Tests;

/// <summary>Seeded random OpenQASM programs over the whole gate library.</summary>
internal static class RandomCircuits
{
    public static string Program(int qubits, int gates, int seed, bool measure = false)
    {
        var random = new Random(seed);
        var library = StandardGates.Qelib1.Values.Where(g => g.QubitCount <= qubits).OrderBy(g => g.Name, StringComparer.Ordinal).ToArray();
        var text = new StringBuilder(TestPrograms.Header);
        text.Append(CultureInfo.InvariantCulture, $"qreg q[{qubits}];\ncreg c[{qubits}];\n");
        for (int i = 0; i < gates; i++)
        {
            var gate = library[random.Next(library.Length)];
            var operands = Enumerable.Range(0, qubits).OrderBy(_ => random.Next()).Take(gate.QubitCount);
            text.Append(gate.Name);
            if (gate.ParameterCount > 0)
            {
                var values = Enumerable.Range(0, gate.ParameterCount).Select(_ => ((random.NextDouble() * 4) - 2).ToString("R", CultureInfo.InvariantCulture));
                text.Append('(').Append(string.Join(",", values)).Append(')');
            }

            text.Append(' ').Append(string.Join(",", operands.Select(q => $"q[{q}]"))).Append(";\n");
        }

        if (measure)
        {
            text.Append("measure q -> c;\n");
        }

        return text.ToString();
    }
}
