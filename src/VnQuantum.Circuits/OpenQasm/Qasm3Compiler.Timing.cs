using System.Globalization;

namespace VnQuantum.Circuits.OpenQasm;

/// <content>
/// Timing: duration and stretch variables, durationof, delay, box and gate durations. The simulators run gates, not
/// schedules, so timing is checked (types, units, arithmetic) and then ignored, as Qiskit Aer ignores it — except that
/// a delay keeps its length in seconds where it is known, for a noise model's idle relaxation.
/// </content>
internal sealed partial class Qasm3Compiler
{
    /// <summary>
    /// A duration as the program states it: seconds plus device cycles (dt), and whether it holds a stretch or a
    /// durationof, whose length only a scheduler with the device's gate times can fix.
    /// </summary>
    private readonly record struct DurationValue(double Seconds, double Cycles, bool Unresolved)
    {
        public static DurationValue Stretch => new(0, 0, Unresolved: true);

        /// <summary>The length in seconds, or null where it depends on dt, a stretch or a durationof.</summary>
        public double? KnownSeconds => Unresolved || Cycles != 0 ? null : Seconds;

        public DurationValue Scale(double factor) => new(Seconds * factor, Cycles * factor, Unresolved);

        public override string ToString() => Unresolved ? "a stretchable duration"
            : Cycles == 0 ? $"{(Seconds * 1e9).ToString("G6", CultureInfo.InvariantCulture)}ns"
            : Seconds == 0 ? $"{Cycles.ToString("G6", CultureInfo.InvariantCulture)}dt"
            : $"{(Seconds * 1e9).ToString("G6", CultureInfo.InvariantCulture)}ns + {Cycles.ToString("G6", CultureInfo.InvariantCulture)}dt";
    }

    private DurationValue DurationLiteral(DurationExpr d) => d.Unit switch
    {
        "ns" => new(d.Value * 1e-9, 0, false),
        "us" or "µs" or "μs" => new(d.Value * 1e-6, 0, false),
        "ms" => new(d.Value * 1e-3, 0, false),
        "s" => new(d.Value, 0, false),
        "dt" => new(0, d.Value, false),
        _ => throw Error(d.At, $"'{d.Unit}' is not a unit of time; use ns, us, µs, ms, s or dt"),
    };

    /// <summary>Arithmetic the specification defines on durations; anything else is an error naming the operator.</summary>
    private object DurationBinary(Token at, string op, object a, object b)
    {
        switch (op)
        {
            case "+" or "-" when a is DurationValue x && b is DurationValue y:
                {
                    double sign = op == "+" ? 1 : -1;
                    return new DurationValue(x.Seconds + (sign * y.Seconds), x.Cycles + (sign * y.Cycles), x.Unresolved || y.Unresolved);
                }

            case "*" when a is DurationValue x && b is not DurationValue:
                return x.Scale(ToDouble(at, b));
            case "*" when b is DurationValue y && a is not DurationValue:
                return y.Scale(ToDouble(at, a));
            case "/" when a is DurationValue x && b is not DurationValue:
                {
                    double divisor = ToDouble(at, b);
                    return divisor == 0 ? throw Error(at, "a duration divided by zero") : x.Scale(1 / divisor);
                }

            case "/" when a is DurationValue x && b is DurationValue y:
                {
                    // duration / duration is a plain number, defined here where both are in the same known unit.
                    if (x.Unresolved || y.Unresolved)
                    {
                        throw Error(at, "the ratio of durations that hold a stretch or a durationof is fixed only by a scheduler");
                    }

                    if (x.Cycles == 0 && y.Cycles == 0 && y.Seconds != 0)
                    {
                        return x.Seconds / y.Seconds;
                    }

                    if (x.Seconds == 0 && y.Seconds == 0 && y.Cycles != 0)
                    {
                        return x.Cycles / y.Cycles;
                    }

                    throw Error(at, "a ratio of durations needs both in SI units or both in dt, and a divisor that is not zero");
                }

            case "==" or "!=" or "<" or "<=" or ">" or ">=" when a is DurationValue x && b is DurationValue y:
                {
                    if (x.KnownSeconds is not { } l || y.KnownSeconds is not { } r)
                    {
                        throw Error(at, "durations in dt or holding a stretch or a durationof cannot be compared before scheduling");
                    }

                    return op switch
                    {
                        "==" => l == r,
                        "!=" => l != r,
                        "<" => l < r,
                        "<=" => l <= r,
                        ">" => l > r,
                        _ => l >= r,
                    };
                }

            default:
                throw Error(at, $"'{op}' is not defined between {Describe(a)} and {Describe(b)}");
        }

        static string Describe(object v) => v is DurationValue ? "a duration" : "a number";
    }

    /// <summary>The duration an expression in delay[…], box[…] or name[…] gives; anything else is an error.</summary>
    private DurationValue DurationOf(Expr e, string where)
    {
        object value = Eval(e);
        return value is DurationValue d ? d : throw Error(e.At, $"{where} needs a duration such as 100ns, 20dt or a stretch");
    }

    private void Delay(DelayStmt d)
    {
        var duration = DurationOf(d.Duration, "delay[…]");
        if (duration.KnownSeconds is < 0)
        {
            throw Error(d.Duration.At, $"a delay cannot be negative ({duration})");
        }

        var qubits = d.Operands.IsEmpty ? Enumerable.Range(0, _qubits).ToArray() : d.Operands.SelectMany(o => Qubits(o)).Distinct().ToArray();
        if (qubits.Length > 0)
        {
            // NaN where the length is not known in seconds: a noise model that needs it says so (NoiseModel).
            Emit(d.At, new Ir.DelayOperation([.. qubits], duration.KnownSeconds ?? double.NaN));
        }
    }
}
