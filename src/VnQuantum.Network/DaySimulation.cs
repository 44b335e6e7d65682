using System.Collections.Immutable;
using VnQuantum.Randomness;

namespace VnQuantum.Network;

/// <param name="Hours">Length of the simulated period.</param>
/// <param name="PoolCapacityBits">Each link's key store holds at most this many bits; production beyond is lost.</param>
/// <param name="InitialFill">Fraction of each pool full at the start.</param>
/// <param name="SampleMinutes">How often pool levels are recorded.</param>
/// <param name="HopProcessingMs">Time a trusted node takes to relay (decrypt, re-encrypt, forward) per hop.</param>
public sealed record SimulationOptions(
    double Hours = 24,
    ulong Seed = 1,
    double PoolCapacityBits = 1e8,
    double InitialFill = 0.5,
    double SampleMinutes = 10,
    double HopProcessingMs = 2);

/// <summary>How one demand fared over the simulated period.</summary>
public sealed record DemandOutcome(Demand Demand, long Requests, long Served, long Refused, double MeanLatencyMs, double MaxLatencyMs)
{
    public double ServedFraction => Requests == 0 ? 1 : (double)Served / Requests;
}

/// <summary>A link's key pool over time: (hour, bits) samples, and how long it was empty or down.</summary>
public sealed record PoolTrace(Link Link, ImmutableArray<(double Hour, double Bits)> Samples, double HoursDown, double MinimumBits);

public sealed record SimulationResult(
    SimulationOptions Options,
    ImmutableArray<DemandOutcome> Demands,
    ImmutableArray<PoolTrace> Pools,
    long Events,
    TimeSpan Elapsed)
{
    public long Requests => Demands.Sum(d => d.Requests);

    public long Served => Demands.Sum(d => d.Served);

    public long Refused => Demands.Sum(d => d.Refused);
}

/// <summary>
/// A discrete-event simulation of key traffic over a planned network (seeded: the same seed gives the same day). Each
/// link fills its key pool at its secret-key rate, except during its outages, up to the pool's size; each demand's
/// applications ask for keys of <see cref="Demand.KeyBits"/> bits at Poisson arrival times whose mean rate is the
/// demand's bit rate; a request takes its bits from the pool of every hop of one of the demand's planned paths (chosen
/// in proportion to the planned rates, the others tried if it is short) or is refused. A served request's latency is the
/// fibre propagation (5 µs/km) plus the relay processing at each hop.
/// </summary>
public static class DaySimulation
{
    private const double FibreMsPerKm = 0.005;

    /// <summary>A day on <paramref name="plan"/> with the link rates it was made with.</summary>
    public static SimulationResult Run(NetworkPlan plan, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Run(plan, plan.Capacities, options);
    }

    /// <summary>A day on <paramref name="plan"/> with other link rates (a degraded link, an outage study).</summary>
    public static SimulationResult Run(NetworkPlan plan, double[] capacities, SimulationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(capacities);
        options ??= new SimulationOptions();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var topology = plan.Topology;
        var random = new SeededRandom(options.Seed);
        double end = options.Hours * 3600;
        int links = topology.Links.Length;

        // Pools evolve lazily: their level is brought up to date whenever an event touches them.
        var level = new double[links];
        var updated = new double[links];
        var downSeconds = new double[links];
        var minimum = new double[links];
        for (int e = 0; e < links; e++)
        {
            level[e] = options.PoolCapacityBits * options.InitialFill;
            minimum[e] = level[e];
        }

        var outages = topology.Links.Select(l => l.Outages.Select(w => (Start: w.StartHour * 3600, End: w.EndHour * 3600)).OrderBy(w => w.Start).ToArray()).ToArray();
        void Advance(int e, double t)
        {
            double from = updated[e];
            if (t <= from)
            {
                return;
            }

            double down = 0;
            foreach (var (start, stop) in outages[e])
            {
                down += Math.Max(0, Math.Min(stop, t) - Math.Max(start, from));
            }

            downSeconds[e] += down;
            level[e] = Math.Min(options.PoolCapacityBits, level[e] + (capacities[e] * (t - from - down)));
            updated[e] = t;
        }

        // Routes per demand: planned paths with their weights, or the shortest path when the plan gave none.
        var linkIndex = new Dictionary<(string, string), int>();
        for (int e = 0; e < links; e++)
        {
            var l = topology.Links[e];
            if (capacities[e] > 0)
            {
                linkIndex.TryAdd((l.From, l.To), e);
                linkIndex.TryAdd((l.To, l.From), e);
            }
        }

        var routes = plan.Demands.Select(d =>
        {
            var list = d.Paths.Select(p => (Links: Enumerable.Range(0, p.Nodes.Length - 1).Select(i => linkIndex[(p.Nodes[i], p.Nodes[i + 1])]).ToArray(), Weight: p.RateBps)).ToList();
            if (list.Count == 0 && Paths.Shortest(topology, capacities, d.Demand.From, d.Demand.To) is { } shortest)
            {
                list.Add(([.. shortest.Links], 1));
            }

            // A protected demand XORs the keys of its two disjoint paths: every request draws on both.
            return d.Protected && list.Count > 1 ? [(list.SelectMany(r => r.Links).ToArray(), 1.0)] : list;
        }).ToArray();

        var events = new PriorityQueue<(int Kind, int Index), double>();
        const int Arrival = 0, Sample = 1;
        for (int d = 0; d < plan.Demands.Length; d++)
        {
            events.Enqueue((Arrival, d), NextGap(plan.Demands[d].Demand, random));
        }

        double sampleEvery = options.SampleMinutes * 60;
        events.Enqueue((Sample, 0), 0);
        var requests = new long[plan.Demands.Length];
        var served = new long[plan.Demands.Length];
        var latencySum = new double[plan.Demands.Length];
        var latencyMax = new double[plan.Demands.Length];
        var samples = Enumerable.Range(0, links).Select(_ => ImmutableArray.CreateBuilder<(double, double)>()).ToArray();
        long processed = 0;
        while (events.TryDequeue(out var ev, out double t) && t <= end)
        {
            processed++;
            if (ev.Kind == Sample)
            {
                for (int e = 0; e < links; e++)
                {
                    Advance(e, t);
                    samples[e].Add((t / 3600, level[e]));
                    minimum[e] = Math.Min(minimum[e], level[e]);
                }

                events.Enqueue((Sample, 0), t + sampleEvery);
                continue;
            }

            int demand = ev.Index;
            var request = plan.Demands[demand].Demand;
            requests[demand]++;
            events.Enqueue((Arrival, demand), t + NextGap(request, random));
            var options2 = routes[demand];
            if (options2.Count == 0)
            {
                continue;
            }

            int first = Pick(options2, random);
            for (int k = 0; k < options2.Count; k++)
            {
                var route = options2[(first + k) % options2.Count].Links;
                bool enough = true;
                foreach (int e in route)
                {
                    Advance(e, t);
                    if (level[e] < request.KeyBits || IsDown(outages[e], t))
                    {
                        enough = false;
                        break;
                    }
                }

                if (!enough)
                {
                    continue;
                }

                double latency = 0;
                foreach (int e in route)
                {
                    level[e] -= request.KeyBits;
                    minimum[e] = Math.Min(minimum[e], level[e]);
                    latency += (topology.Links[e].LengthKm * FibreMsPerKm) + options.HopProcessingMs;
                }

                served[demand]++;
                latencySum[demand] += latency;
                latencyMax[demand] = Math.Max(latencyMax[demand], latency);
                break;
            }
        }

        for (int e = 0; e < links; e++)
        {
            Advance(e, end);
        }

        var outcomes = plan.Demands.Select((d, i) => new DemandOutcome(d.Demand, requests[i], served[i], requests[i] - served[i], served[i] == 0 ? 0 : latencySum[i] / served[i], latencyMax[i])).ToImmutableArray();
        var pools = topology.Links.Select((l, e) => new PoolTrace(l, samples[e].ToImmutable(), downSeconds[e] / 3600, minimum[e])).ToImmutableArray();
        return new SimulationResult(options, outcomes, pools, processed, clock.Elapsed);
    }

    private static bool IsDown((double Start, double End)[] windows, double t) => windows.Any(w => t >= w.Start && t < w.End);

    private static double NextGap(Demand demand, SeededRandom random) =>
        -Math.Log(1 - random.NextDouble()) * demand.KeyBits / demand.RateBps;

    private static int Pick(List<(int[] Links, double Weight)> routes, SeededRandom random)
    {
        double total = routes.Sum(r => r.Weight);
        double u = random.NextDouble() * total;
        for (int i = 0; i < routes.Count; i++)
        {
            u -= routes[i].Weight;
            if (u < 0)
            {
                return i;
            }
        }

        return routes.Count - 1;
    }
}
