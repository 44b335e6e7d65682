using System.Diagnostics;
using System.Globalization;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using VnQuantum.Qkd.LinkSimulation;
using VnQuantum.Qkd.PostProcessing;
using VnQuantum.Qkd.Tests.PostProcessing;
using VnQuantum.Randomness;
using VnQuantum.Simulation;

namespace VnQuantum.Benchmarks;

/// <summary>
/// <c>qkd</c>: Cascade efficiency and throughput, Toeplitz privacy amplification by both methods, and the whole
/// chain against the sifted-key rate of a 1 GHz source. Prints the tables of docs/benchmarks.md.
/// </summary>
internal static class QkdBench
{
    public static int Run(string[] args)
    {
        bool large = args.Contains("--large");
        bool all = !args.Any(a => a is "cascade" or "ldpc" or "pa" or "chain");
        if (all || args.Contains("cascade"))
        {
            Cascade();
        }

        if (all || args.Contains("ldpc"))
        {
            Ldpc(large ? [1 << 14, 1 << 17, 1 << 20] : [1 << 14, 1 << 17]);
        }

        if (all || args.Contains("pa"))
        {
            PrivacyAmplification(large ? [1_000_000, 10_000_000, 100_000_000] : [1_000_000, 10_000_000]);
        }

        if (all || args.Contains("chain"))
        {
            Chain();
        }

        return 0;
    }

    private static void Cascade()
    {
        Console.WriteLine("| variant | QBER | block | runs | mean f | frames with errors | Mbit/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var variant in new[] { CascadeVariant.Original, CascadeVariant.Yan, CascadeVariant.Option7 })
        {
            foreach (double qber in new[] { 0.01, 0.02, 0.05 })
            {
                foreach (int n in new[] { 10_000, 1_000_000 })
                {
                    int runs = n <= 10_000 ? 100 : 3;
                    double fSum = 0;
                    int failures = 0;
                    var clock = new Stopwatch();
                    for (int r = 0; r < runs; r++)
                    {
                        using var alice = TestKeys.Random(n, (ulong)(r + 1));
                        using var bob = TestKeys.Noisy(alice, qber, (ulong)(r + 7777));
                        double actual = bob.HammingDistance(alice) / (double)n;
                        var channel = TestKeys.Channel();
                        clock.Start();
                        var result = VnQuantum.Qkd.PostProcessing.Cascade.Reconcile(alice, bob, qber, variant, (ulong)r, channel);
                        clock.Stop();
                        fSum += result.Efficiency(n, actual);
                        failures += bob.BitsEqual(alice) ? 0 : 1;
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {variant} | {qber:P0} | {n:N0} | {runs} | {fSum / runs:F3} | {failures} | {n * (double)runs / clock.Elapsed.TotalSeconds / 1e6:F1} |"));
                }
            }
        }

        Console.WriteLine();
    }

    private static void Ldpc(int[] codeLengths)
    {
        Console.WriteLine("| QBER | code n | payload bits | mother rate | frames | mean f | frames failed | mean BP iterations | Mbit/s |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (double qber in new[] { 0.01, 0.02, 0.05 })
        {
            foreach (int n in codeLengths)
            {
                var ensemble = VnQuantum.Qkd.PostProcessing.Ldpc.RateAdaptiveLdpc.ChooseEnsemble(qber, 1.1, VnQuantum.Qkd.PostProcessing.Ldpc.DegreeDistribution.Published);
                var code = new VnQuantum.Qkd.PostProcessing.Ldpc.RateAdaptiveLdpc(ensemble, n, seed: 11);
                int frames = n <= 1 << 14 ? 30 : n <= 1 << 17 ? 4 : 1;
                double fSum = 0;
                long iterations = 0;
                int failures = 0;
                var clock = new Stopwatch();
                for (int r = 0; r < frames; r++)
                {
                    var (alice, bob, errors) = TestKeys.NoisyFrame(code.PayloadBits, qber, (ulong)(r + 100));

                    clock.Start();
                    var result = code.Reconcile(alice, bob, qber, 1.1, (ulong)r, new SeededRandom((ulong)r + 500), TestKeys.Channel());
                    clock.Stop();
                    iterations += result.Iterations;
                    if (result.Success && alice.AsSpan().SequenceEqual(bob))
                    {
                        fSum += result.Efficiency(errors / (double)alice.Length);
                    }
                    else
                    {
                        failures++;
                    }
                }

                int ok = Math.Max(1, frames - failures);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {qber:P0} | {n:N0} | {code.PayloadBits:N0} | {code.MotherRate:F2} | {frames} | {fSum / ok:F3} | {failures} | {iterations / (double)frames:F0} | {code.PayloadBits * (double)frames / clock.Elapsed.TotalSeconds / 1e6:F2} |"));
            }
        }

        Console.WriteLine();
    }

    private static void PrivacyAmplification(int[] sizes)
    {
        Console.WriteLine("| input bits | output bits | method | ms | input Mbit/s |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int n in sizes)
        {
            int m = n / 2;
            using var input = TestKeys.Random(n, 1);
            using var seed = TestKeys.Random(n + m - 1, 2);
            foreach (var (method, threads) in new[] { (ToeplitzMethod.ToeplitzKaratsuba, 0), (ToeplitzMethod.ToeplitzKaratsuba, 1), (ToeplitzMethod.CarrylessKaratsuba, 1), (ToeplitzMethod.Fft, 1) })
            {
                string label = method == ToeplitzMethod.ToeplitzKaratsuba ? $"{method} ({(threads == 0 ? Environment.ProcessorCount : threads)} threads)" : method.ToString();
                if ((method == ToeplitzMethod.Fft && n > 20_000_000) || (method == ToeplitzMethod.CarrylessKaratsuba && n > 20_000_000))
                {
                    Console.WriteLine($"| {n:N0} | {m:N0} | {label} | skipped (minutes at this size) | |");
                    continue;
                }

                // Warm up past tiered compilation, so the first row is not timed on unoptimised code.
                for (int w = 0; w < (n <= 1_000_000 && method != ToeplitzMethod.Fft ? 40 : 1); w++)
                {
                    ToeplitzHash.Compress(input, seed, m, method, threads).Dispose();
                }

                int reps = n <= 1_000_000 ? (method == ToeplitzMethod.Fft ? 2 : 20) : 1;
                var clock = Stopwatch.StartNew();
                for (int r = 0; r < reps; r++)
                {
                    ToeplitzHash.Compress(input, seed, m, method, threads).Dispose();
                }

                double ms = clock.Elapsed.TotalMilliseconds / reps;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {n:N0} | {m:N0} | {label} | {ms:F1} | {n / ms / 1e3:F1} |"));
            }
        }

        Console.WriteLine();
    }

    private static void Chain()
    {
        Console.WriteLine("| link | km | pulses | sifted bits | final bits | chain s | chain sifted Mbit/s | sifted Mbit/s of a 1 GHz source | keeps up |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var (name, link) in new[] { ("GYS detectors", QkdLink.Gys(50) with { RepetitionRateHz = 1e9 }), ("SNSPD", QkdLink.Snspd(50)) })
        {
            const long pulses = 1_000_000_000;
            var (settings, _) = FiniteKeyDecoyBb84.Optimize(link, 1e6, 1e-10, 1e-15);
            var record = LinkSimulator.Run(new LinkSimulationOptions(link, settings, pulses, 7));
            using var pre = TestKeys.Random(1 << 14, 5);
            var clock = Stopwatch.StartNew();
            using var result = PostProcessingChain.Run(record, settings, new ChainOptions(), new AuthenticationKeyPool(pre), new AuthenticationKeyPool(pre));
            double seconds = clock.Elapsed.TotalSeconds;
            double chainRate = result.SiftedKeyBits / seconds / 1e6;
            double sourceRate = result.SiftedKeyBits / (double)pulses * 1e9 / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | 50 | {pulses:E0} | {result.SiftedKeyBits:N0} | {result.FinalKeyBits:N0}{(result.Aborted ? " (" + result.AbortReason + ")" : "")} | {seconds:F2} ({string.Join(", ", result.Timings.Select(t => $"{t.Stage} {t.Elapsed.TotalSeconds:F2}"))}) | {chainRate:F2} | {sourceRate:F2} | {(chainRate >= sourceRate ? "yes" : "no")} |"));
        }
    }
}
