using System.Diagnostics;
using System.Net;

namespace VnQuantum.Benchmarks;

/// <summary>
/// HTTP load generators. Closed loop (<see cref="Run"/>): <c>connections</c> workers, each sending its next request when
/// the last one is answered, for a fixed time — its p99 understates what users see when the server stalls, because
/// a stalled server also stops the load. Open loop (<see cref="RunOpen"/>): requests at a fixed arrival rate whatever
/// the answers, each timed from when it was due, so a stall shows in the tail. Throughput and latency count served
/// requests only (a refused one is neither).
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
        return Summary(latencies.SelectMany(l => l), elapsed, failures);
    }

    /// <summary>
    /// Sends <paramref name="rate"/> requests per second for <paramref name="seconds"/>, on schedule: request i is due at
    /// i / rate and its latency runs from then (not from when it went out), so time spent waiting for a connection
    /// or behind a slow answer counts. At most <paramref name="maxInFlight"/> wait at once; beyond that a request
    /// counts as a failure rather than letting the generator fall behind silently.
    /// </summary>
    public static (double Rps, double P50, double P99, int Failures) RunOpen(double rate, int seconds, Func<Random, Task<HttpResponseMessage>> send, Func<HttpStatusCode, bool>? served = null, int maxInFlight = 2048)
    {
        int total = (int)(rate * seconds);
        var latencies = new double[total];
        var done = new bool[total];
        int failures = 0, inFlight = 0;
        var random = new Random(1);
        var tasks = new List<Task>(total);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < total; i++)
        {
            long due = start + (long)(i / rate * Stopwatch.Frequency);
            while (Stopwatch.GetTimestamp() < due)
            {
                long wait = (due - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
                if (wait > 1)
                {
                    Thread.Sleep((int)wait - 1);
                }
                else
                {
                    Thread.SpinWait(50);
                }
            }

            if (Interlocked.Increment(ref inFlight) > maxInFlight)
            {
                Interlocked.Decrement(ref inFlight);
                Interlocked.Increment(ref failures);
                continue;
            }

            int index = i;
            var request = send(random);
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await request;
                    await response.Content.ReadAsByteArrayAsync();
                    if (response.IsSuccessStatusCode || served?.Invoke(response.StatusCode) == true)
                    {
                        latencies[index] = Stopwatch.GetElapsedTime(due).TotalMilliseconds;
                        done[index] = true;
                    }
                    else
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failures); // refused, reset or past the client's timeout
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                }
            }));
        }

        Task.WaitAll([.. tasks]);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return Summary(latencies.Where((_, i) => done[i]), elapsed, failures);
    }

    private static (double Rps, double P50, double P99, int Failures) Summary(IEnumerable<double> latencies, double elapsed, int failures)
    {
        var all = latencies.Order().ToArray();
        return all.Length == 0 ? (0, double.NaN, double.NaN, failures) : (all.Length / elapsed, all[all.Length / 2], all[(int)(all.Length * 0.99)], failures);
    }
}
