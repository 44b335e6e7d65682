using System.Diagnostics;
using VnQuantum.Circuits.Ir;
using VnQuantum.Circuits.Passes;
using VnQuantum.Simulation;

namespace VnQuantum.Circuits.Execution;

/// <summary>
/// Times a state-vector evolution too large to try here by running each distinct kernel of the fused circuit on a
/// smaller state, with every qubit at a position of the same kind: the low qubits (inside a vector, a cache line, a
/// thread's block) where they are, the top ones as far from the top, the rest in between. A kernel's cost per
/// amplitude depends on those positions far more than on the state's size once the state is out of cache (a
/// controlled swap with its control on qubit 0 and its targets far apart costs 24 times one on high qubits; a table
/// per kernel class missed it),
/// and 2^22 amplitudes (64 MiB, twice this machine's last-level cache) are out of cache.
/// </summary>
internal static class ProxyTiming
{
    /// <summary>The proxy's size: the largest state a trial run allocates.</summary>
    public const int ProxyQubits = MethodSelection.TrialRunMaxQubits;

    // Qubits below this keep their position (vector lanes, cache lines and per-thread blocks all live there).
    private const int LowQubits = ProxyQubits / 2;

    /// <summary>
    /// Seconds the gates of <paramref name="circuit"/> take on a state of its full size, or null when it has no more
    /// than <see cref="ProxyQubits"/> qubits or an operation spans more qubits than the proxy has. Kernels not timed
    /// within <paramref name="budget"/> (the most frequent go first) are priced at the mean of those timed.
    /// </summary>
    public static double? EvolveSeconds(Circuit circuit, ExecutionOptions options, TimeSpan budget)
    {
        int n = circuit.QubitCount;
        if (n <= ProxyQubits)
        {
            return null;
        }

        var groups = new Dictionary<string, (CompiledOperation Operation, Dictionary<int, int> Map, int Count)>(StringComparer.Ordinal);
        foreach (var op in GateFusion.Fuse(circuit, options.FusionMaxQubits).Operations)
        {
            if (op is not (GateOperation or UnitaryOperation))
            {
                continue; // the terminal measurements and barriers: sampling is priced apart
            }

            var compiled = CompiledOperation.Compile(op, circuit);
            if (compiled.IsIdentity)
            {
                continue;
            }

            if (Map([.. compiled.Qubits], n) is not { } map)
            {
                return null;
            }

            string key = compiled.KernelKey(map);
            groups[key] = groups.TryGetValue(key, out var group) ? group with { Count = group.Count + 1 } : (compiled, map, 1);
        }

        using var proxy = StateVector.Create(ProxyQubits, options.Precision, options.Threads);
        proxy.ApplyX(ProxyQubits - 1); // every page touched before anything is timed
        var clock = Stopwatch.StartNew();
        double timedSeconds = 0;
        long timedCount = 0, untimedCount = 0;
        foreach (var (operation, map, count) in groups.Values.OrderByDescending(g => g.Count))
        {
            if (clock.Elapsed > budget)
            {
                untimedCount += count;
                continue;
            }

            options.Cancellation.ThrowIfCancellationRequested();
            operation.ApplyMapped(proxy, map); // compiled and warm before it is timed
            double best = double.PositiveInfinity;
            // The least of a few: a kernel's first calls may still run unoptimised code or meet a collection.
            for (int rep = 0; rep < 4; rep++)
            {
                long start = Stopwatch.GetTimestamp();
                operation.ApplyMapped(proxy, map);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            timedSeconds += best * count;
            timedCount += count;
        }

        double proxySeconds = timedSeconds + (timedCount > 0 ? untimedCount * (timedSeconds / timedCount) : 0);
        return proxySeconds * Math.Pow(2, n - ProxyQubits);
    }

    /// <summary>Each of the operation's qubits at a proxy position of the same kind, no two on one; null when they do not fit.</summary>
    internal static Dictionary<int, int>? Map(int[] qubits, int n)
    {
        if (qubits.Length > ProxyQubits)
        {
            return null;
        }

        int shift = n - ProxyQubits;
        var map = new Dictionary<int, int>();
        var used = new bool[ProxyQubits];
        var middle = new List<int>();
        foreach (int q in qubits)
        {
            int position = q < LowQubits ? q : q - shift >= LowQubits ? q - shift : -1;
            if (position < 0)
            {
                middle.Add(q);
                continue;
            }

            map[q] = position;
            used[position] = true;
        }

        foreach (int q in middle)
        {
            // Scaled into the upper half, then the nearest free slot, above first.
            int preferred = LowQubits + (int)((long)(q - LowQubits) * (ProxyQubits - LowQubits) / (n - LowQubits));
            int position = -1;
            for (int d = 0; position < 0 && d < ProxyQubits; d++)
            {
                if (preferred + d < ProxyQubits && !used[preferred + d])
                {
                    position = preferred + d;
                }
                else if (preferred - d >= LowQubits && !used[preferred - d])
                {
                    position = preferred - d;
                }
            }

            if (position < 0)
            {
                position = Array.IndexOf(used, false);
            }

            map[q] = position;
            used[position] = true;
        }

        return map;
    }
}
