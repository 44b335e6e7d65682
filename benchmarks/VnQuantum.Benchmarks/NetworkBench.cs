using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using VnQuantum.Network;

namespace VnQuantum.Benchmarks;

/// <summary>
/// The planner and the day's simulation on a generated network (default 200 nodes, 400 links, 1,000 demands): time and
/// peak memory. Usage: network [--nodes 200] [--links 400] [--demands 1000] [--hours 24] [--seed 1]
/// </summary>
internal static class NetworkBench
{
    public static int Run(string[] args)
    {
        int nodes = Option(args, "--nodes", 200), links = Option(args, "--links", 400), demands = Option(args, "--demands", 1000);
        double hours = Option(args, "--hours", 24);
        var random = new Random(Option(args, "--seed", 1));
        var topology = Generate(random, nodes, links, demands);
        Console.WriteLine($"# Network benchmark: {nodes} nodes, {links} links, {demands} demands; {Environment.ProcessorCount} cores");

        var clock = Stopwatch.StartNew();
        var rates = new LinkRates().All(topology);
        double ratesSeconds = clock.Elapsed.TotalSeconds;
        long before = GC.GetTotalAllocatedBytes();
        clock.Restart();
        var plan = Planner.Plan(topology, rates);
        double planSeconds = clock.Elapsed.TotalSeconds;
        long planAllocated = GC.GetTotalAllocatedBytes() - before;
        clock.Restart();
        var day = DaySimulation.Run(plan, rates, new SimulationOptions(Hours: hours));
        double daySeconds = clock.Elapsed.TotalSeconds;
        long peak = Environment.WorkingSet;

        Console.WriteLine();
        Console.WriteLine("| step | seconds | notes |");
        Console.WriteLine("|---|---:|---|");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| link rates (finite-key decoy BB84, {rates.Length} links, cached per length) | {ratesSeconds:0.00} | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| plan (multi-commodity flow LP, {topology.Demands.Select(d => d.From).Distinct().Count()} source commodities, {plan.Demands.Count(d => d.Met)} of {demands} demands met) | {planSeconds:0.00} | {planAllocated / 1048576.0:0} MiB allocated |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| simulate {hours:0} h ({day.Events:N0} events, {day.Requests:N0} requests, {day.Refused:N0} refused) | {daySeconds:0.00} | |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\npeak working set {peak / 1048576.0:0} MiB"));
        return 0;
    }

    /// <summary>A connected random network on a 1,000 km square: a spanning tree plus random extra links, a third of the nodes sites.</summary>
    internal static Topology Generate(Random random, int nodes, int links, int demands)
    {
        var n = Enumerable.Range(0, nodes).Select(i => new Node($"n{i}", $"n{i}", 10 + (random.NextDouble() * 9), 100 + (random.NextDouble() * 9), i % 3 == 0 ? NodeKind.Site : NodeKind.Trusted)).ToImmutableArray();
        var l = new List<Link>();
        double Km(int a, int b) => Math.Max(5, Topology.GreatCircleKm(n[a], n[b]) * 1.3);
        for (int i = 1; i < nodes; i++)
        {
            // Join each node to its nearest earlier node: a tree of short links, as real backbones are.
            int nearest = Enumerable.Range(0, i).MinBy(j => Km(i, j));
            l.Add(new Link($"t{i}", n[nearest].Id, n[i].Id, Math.Min(Km(i, nearest), 120), "backbone"));
        }

        while (l.Count < links)
        {
            int a = random.Next(nodes);
            int b = Enumerable.Range(0, nodes).Where(j => j != a).OrderBy(j => Km(a, j)).Skip(random.Next(4)).First();
            if (Km(a, b) <= 120)
            {
                l.Add(new Link($"x{l.Count}", n[a].Id, n[b].Id, Km(a, b), "backbone"));
            }
        }

        var sites = Enumerable.Range(0, nodes).Where(i => i % 3 == 0).ToArray();
        var d = Enumerable.Range(0, demands).Select(i =>
        {
            int a = sites[random.Next(sites.Length)], b = sites[random.Next(sites.Length)];
            while (b == a)
            {
                b = sites[random.Next(sites.Length)];
            }

            return new Demand($"d{i}", n[a].Id, n[b].Id, 1000 + (random.NextDouble() * 20000), 1 + random.Next(3), KeyBits: 8192);
        }).ToImmutableArray();
        return new Topology("generated", n, [.. l], [new LinkProfile("backbone", "snspd", "bb84-finite", 1e8)], d);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
