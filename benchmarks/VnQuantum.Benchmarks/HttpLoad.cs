using System.Diagnostics;
using System.Net;

namespace VnQuantum.Benchmarks;

/// <summary>
/// A closed-loop HTTP load generator: <c>connections</c> workers, each sending its next request when the last one is
/// answered, for a fixed time. Throughput and latency count served requests only (a refused one is neither).
/// </summary>
internal static class HttpLoad
{
    /// <param name="send">Worker index and its own seeded random → the request.</param>
    /// <param name="served">Which non-success statuses still count as served (e.g. a 404 page); none by default.</param>
    public static (double Rps, double P50, double P99, int Failures) Run(int connections, int seconds, Func<int, Random, Task<HttpResponseMessage>> send, Func<HttpStatusCode, bool>? served = null)
    {
        var latencies = new List<double>[connections];
        var clock = Stopwatch.StartNew();
        long stopAt = Stopwatch.Frequency * seconds;
        int failures = 0;
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var mine = latencies[w] = new List<double>(100_000);
            while (clock.ElapsedTicks < stopAt)
            {
                long start = Stopwatch.GetTimestamp();
                using var response = await send(w, random);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode && served?.Invoke(response.StatusCode) != true)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }

                mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ToArray();
        Task.WaitAll(workers);
        double elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return all.Length == 0 ? (0, double.NaN, double.NaN, failures) : (all.Length / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)], failures);
    }
}
