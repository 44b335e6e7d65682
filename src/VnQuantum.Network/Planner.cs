using System.Collections.Immutable;
using Google.OrTools.LinearSolver;

namespace VnQuantum.Network;

/// <summary>One route of a demand and the rate it carries.</summary>
/// <param name="Nodes">Node ids from the demand's source to its destination.</param>
public sealed record RoutedPath(ImmutableArray<string> Nodes, double RateBps)
{
    /// <summary>The nodes that relay (and so see) the key: all but the two ends.</summary>
    public IEnumerable<string> Relays => Nodes.Skip(1).Take(Nodes.Length - 2);
}

/// <summary>What the plan gives one demand.</summary>
/// <param name="TrustedNodesSeeingKey">Every node that sees this demand's keys in the clear (the relays of all its paths).</param>
/// <param name="Protected">With node-disjoint routing: true when two disjoint paths carry it, so that no single relay knows the key.</param>
public sealed record DemandPlan(Demand Demand, double SatisfiedBps, ImmutableArray<RoutedPath> Paths, ImmutableArray<string> TrustedNodesSeeingKey, bool Protected)
{
    public double Fraction => Demand.RateBps > 0 ? SatisfiedBps / Demand.RateBps : 1;

    public bool Met => Fraction >= 1 - 1e-6;
}

/// <summary>What the plan puts on one link.</summary>
public sealed record LinkPlan(Link Link, double CapacityBps, double UsedBps)
{
    public double Utilisation => CapacityBps > 0 ? UsedBps / CapacityBps : 0;

    /// <summary>Full (within 0.1 %) and carrying traffic: a link that limits some demand.</summary>
    public bool Bottleneck => CapacityBps > 0 && UsedBps > 0 && Utilisation >= 0.999;
}

/// <summary>A routing plan for a topology's demands.</summary>
/// <param name="Method">How it was computed, e.g. "multi-commodity flow LP (GLOP)".</param>
/// <param name="UpperBound">For a restricted plan (disjoint paths fixed in advance): the weighted objective of the unrestricted LP, a bound on what any routing could do.</param>
public sealed record NetworkPlan(
    Topology Topology,
    ImmutableArray<DemandPlan> Demands,
    ImmutableArray<LinkPlan> Links,
    double Objective,
    string Method,
    double? UpperBound,
    TimeSpan Elapsed)
{
    public IEnumerable<DemandPlan> Unmet => Demands.Where(d => !d.Met);

    public IEnumerable<LinkPlan> Bottlenecks => Links.Where(l => l.Bottleneck);

    /// <summary>Each link's secret-key rate (bit/s) the plan was made with, in the order of <see cref="Topology.Links"/>.</summary>
    public double[] Capacities => [.. Links.Select(l => l.CapacityBps)];
}

/// <summary>Options of <see cref="Planner.Plan"/>.</summary>
/// <param name="NodeDisjoint">Route each demand over two node-disjoint paths and XOR their keys, so that no single trusted node knows the key.</param>
public sealed record PlanOptions(bool NodeDisjoint = false);

/// <summary>
/// Routes the demands over trusted nodes as a multi-commodity flow, solved exactly as a linear program (Google OR-Tools,
/// GLOP). Keys are relayed hop by hop, so a demand's rate uses that rate of key on every link of its path; a link's key
/// is shared by all the demands routed over it; only trusted nodes (and sites marked to relay) may be passed through.
/// Commodities are aggregated by source (one flow per source node), which keeps the program small.
/// Priorities come first: the met fraction of the highest-priority demands (Σ s_d/R_d over that level) is maximised, held,
/// and the next level maximised in what is left, and so on; a last pass charges a hair per bit·hop so that among equal
/// plans the shortest routes win. The plan's objective is Σ w_d·s_d/R_d.
/// </summary>
/// <remarks>
/// With <see cref="PlanOptions.NodeDisjoint"/> the routes are fixed first — for each demand the pair of node-disjoint
/// paths of least total length (Suurballe's problem, solved as a two-unit min-cost flow on the node-split graph) —
/// and the LP then shares link capacity among them (each path carries the full rate). That is a heuristic: the
/// unrestricted LP's objective is reported beside it as an upper bound.
/// </remarks>
public static class Planner
{
    private const double HopCharge = 1e-7;

    /// <summary>
    /// The plan of a network as built: candidates dropped (or, with <paramref name="design"/>, the ones it chose
    /// built), each link's rate from its physics (<see cref="LinkRates"/>), then <see cref="Plan"/>. This is what
    /// <c>vnq net plan|simulate|design</c> and the hub's network page report.
    /// </summary>
    /// <param name="cancel">Interrupts the LP, as in <see cref="Plan"/>.</param>
    public static NetworkPlan PlanAsBuilt(Topology topology, PlanOptions? options = null, DesignResult? design = null, LinkRates? rates = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var built = design is null ? Design.AsBuilt(topology) : Design.Built(topology, design);
        return Plan(built, (rates ?? new LinkRates()).All(built), options, cancel);
    }

    /// <param name="cancel">Interrupts the LP (a web request's deadline): the solver stops and this throws <see cref="OperationCanceledException"/>.</param>
    public static NetworkPlan Plan(Topology topology, double[] capacities, PlanOptions? options = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(capacities);
        options ??= new PlanOptions();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (!options.NodeDisjoint)
        {
            var plan = SolveFlow(topology, capacities, cancel);
            return plan with { Elapsed = clock.Elapsed };
        }

        var unrestricted = SolveFlow(topology, capacities, cancel);
        var disjoint = SolveDisjoint(topology, capacities, cancel);
        return disjoint with { UpperBound = unrestricted.Objective, Elapsed = clock.Elapsed };
    }

    // GLOP polls an interrupt flag between iterations; the token sets it, so a deadline stops a long solve, not only the next one.
    private static CancellationTokenRegistration Interruptible(Solver solver, CancellationToken cancel)
    {
        cancel.ThrowIfCancellationRequested();
        return cancel.Register(() => solver.InterruptSolve());
    }

    private static NetworkPlan SolveFlow(Topology topology, double[] capacities, CancellationToken cancel)
    {
        int nodes = topology.Nodes.Length;
        var demands = topology.Demands;
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools' GLOP solver is not available");
        using var interrupt = Interruptible(solver, cancel);
        var sources = demands.Select(d => topology.IndexOf(d.From)).Distinct().ToArray();
        var arcs = Arcs(topology, capacities);
        var flow = new Variable[sources.Length, arcs.Count];
        for (int s = 0; s < sources.Length; s++)
        {
            for (int a = 0; a < arcs.Count; a++)
            {
                flow[s, a] = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
            }
        }

        var served = demands.Select(d => solver.MakeNumVar(0, d.RateBps, string.Empty)).ToArray();

        // Conservation: per source, at every node.
        var outArcs = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        var inArcs = Enumerable.Range(0, nodes).Select(_ => new List<int>()).ToArray();
        for (int a = 0; a < arcs.Count; a++)
        {
            outArcs[arcs[a].From].Add(a);
            inArcs[arcs[a].To].Add(a);
        }

        for (int s = 0; s < sources.Length; s++)
        {
            int source = sources[s];
            for (int v = 0; v < nodes; v++)
            {
                var balance = solver.MakeConstraint(0, 0, string.Empty);
                foreach (int a in outArcs[v])
                {
                    balance.SetCoefficient(flow[s, a], v == source ? 1 : -1);
                }

                foreach (int a in inArcs[v])
                {
                    balance.SetCoefficient(flow[s, a], v == source ? -1 : 1);
                }

                for (int d = 0; d < demands.Length; d++)
                {
                    if (topology.IndexOf(demands[d].From) != source)
                    {
                        continue;
                    }

                    if (v == source)
                    {
                        balance.SetCoefficient(served[d], -1);
                    }
                    else if (topology.IndexOf(demands[d].To) == v)
                    {
                        balance.SetCoefficient(served[d], -1);
                    }
                }

                if (v != source && !topology.Nodes[v].CanRelay)
                {
                    // Keys never pass through a node that may not relay them.
                    foreach (int a in outArcs[v])
                    {
                        flow[s, a].SetUb(0);
                    }
                }
            }
        }

        // Capacity: both directions of a link draw on its one key stream.
        for (int e = 0; e < topology.Links.Length; e++)
        {
            var capacity = solver.MakeConstraint(double.NegativeInfinity, capacities[e], string.Empty);
            for (int a = 0; a < arcs.Count; a++)
            {
                if (arcs[a].Link == e)
                {
                    for (int s = 0; s < sources.Length; s++)
                    {
                        capacity.SetCoefficient(flow[s, a], 1);
                    }
                }
            }
        }

        // Priorities are served in order: maximise the met fraction of the highest level, hold it, go down a level.
        // A last pass adds a tiny charge per bit·hop so that among equal plans the shortest routes win.
        double totalRate = Math.Max(demands.Sum(d => d.RateBps), 1);
        var levels = demands.Select(d => d.Priority).Distinct().OrderDescending().ToList();
        var objective = solver.Objective();
        for (int pass = 0; pass <= levels.Count; pass++)
        {
            objective.Clear();
            for (int d = 0; d < demands.Length; d++)
            {
                bool counts = pass == levels.Count || demands[d].Priority == levels[pass];
                objective.SetCoefficient(served[d], counts ? demands[d].Priority / demands[d].RateBps : 0);
            }

            if (pass == levels.Count)
            {
                for (int s = 0; s < sources.Length; s++)
                {
                    for (int a = 0; a < arcs.Count; a++)
                    {
                        objective.SetCoefficient(flow[s, a], -HopCharge / totalRate);
                    }
                }
            }

            objective.SetMaximization();
            var passStatus = solver.Solve();
            cancel.ThrowIfCancellationRequested();
            if (passStatus is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
            {
                throw new InvalidOperationException($"the routing LP ended with status {passStatus}");
            }

            if (pass < levels.Count)
            {
                // Hold this level's achievement (to a hair, for the solver's tolerance) while lower levels are optimised.
                var hold = solver.MakeConstraint(objective.Value() * (1 - 1e-9) - 1e-12, double.PositiveInfinity, string.Empty);
                for (int d = 0; d < demands.Length; d++)
                {
                    if (demands[d].Priority == levels[pass])
                    {
                        hold.SetCoefficient(served[d], demands[d].Priority / demands[d].RateBps);
                    }
                }
            }
        }

        // Flow per arc, then paths per demand by decomposing each source's flow.
        var arcFlow = new double[sources.Length, arcs.Count];
        for (int s = 0; s < sources.Length; s++)
        {
            for (int a = 0; a < arcs.Count; a++)
            {
                arcFlow[s, a] = Math.Max(0, flow[s, a].SolutionValue());
            }
        }

        var plans = ImmutableArray.CreateBuilder<DemandPlan>();
        for (int d = 0; d < demands.Length; d++)
        {
            int s = Array.IndexOf(sources, topology.IndexOf(demands[d].From));
            double rate = served[d].SolutionValue();
            rate = rate < 1e-9 * demands[d].RateBps ? 0 : rate;
            var paths = Decompose(topology, arcs, arcFlow, s, topology.IndexOf(demands[d].From), topology.IndexOf(demands[d].To), rate);
            plans.Add(Describe(demands[d], paths.Sum(p => p.RateBps), paths, protectedByDisjoint: false));
        }

        var links = LinkPlans(topology, capacities, plans);
        double achieved = plans.Sum(p => p.Demand.Priority * p.Fraction);
        return new NetworkPlan(topology, plans.ToImmutable(), links, achieved, "multi-commodity flow LP (OR-Tools GLOP)", null, TimeSpan.Zero);
    }

    private static NetworkPlan SolveDisjoint(Topology topology, double[] capacities, CancellationToken cancel)
    {
        var demands = topology.Demands;
        var routes = demands.Select(d => Paths.ShortestDisjointPair(topology, capacities, d.From, d.To)).ToArray();
        using var solver = Solver.CreateSolver("GLOP") ?? throw new InvalidOperationException("OR-Tools' GLOP solver is not available");
        var served = demands.Select((d, i) => solver.MakeNumVar(0, routes[i] is null ? 0 : d.RateBps, string.Empty)).ToArray();
        for (int e = 0; e < topology.Links.Length; e++)
        {
            var capacity = solver.MakeConstraint(double.NegativeInfinity, capacities[e], string.Empty);
            for (int d = 0; d < demands.Length; d++)
            {
                if (routes[d] is { } pair)
                {
                    int uses = pair.Count(path => path.Links.Contains(e));
                    if (uses > 0)
                    {
                        capacity.SetCoefficient(served[d], uses);
                    }
                }
            }
        }

        var objective = solver.Objective();
        for (int d = 0; d < demands.Length; d++)
        {
            objective.SetCoefficient(served[d], demands[d].Priority / demands[d].RateBps);
        }

        objective.SetMaximization();
        using (Interruptible(solver, cancel))
        {
            solver.Solve();
        }

        cancel.ThrowIfCancellationRequested();
        var plans = ImmutableArray.CreateBuilder<DemandPlan>();
        for (int d = 0; d < demands.Length; d++)
        {
            double rate = routes[d] is null ? 0 : Math.Max(0, served[d].SolutionValue());
            var paths = routes[d]?.Select(p => new RoutedPath(p.Nodes, rate)).Where(p => rate > 0).ToList() ?? [];
            plans.Add(Describe(demands[d], rate, paths, protectedByDisjoint: routes[d] is not null));
        }

        // Each of the two paths carries the full rate: count both on their links.
        var links = LinkPlans(topology, capacities, plans);
        double achieved = plans.Sum(p => p.Demand.Priority * p.Fraction);
        return new NetworkPlan(topology, plans.ToImmutable(), links, achieved, "node-disjoint path pairs (Suurballe) + LP sharing (OR-Tools GLOP)", null, TimeSpan.Zero);
    }

    private static DemandPlan Describe(Demand demand, double rate, List<RoutedPath> paths, bool protectedByDisjoint) =>
        new(demand, rate, [.. paths], [.. paths.SelectMany(p => p.Relays).Distinct().Order(StringComparer.Ordinal)], protectedByDisjoint);

    private static ImmutableArray<LinkPlan> LinkPlans(Topology topology, double[] capacities, IEnumerable<DemandPlan> plans)
    {
        var used = new double[topology.Links.Length];
        var byPair = new Dictionary<(string, string), List<int>>();
        for (int e = 0; e < topology.Links.Length; e++)
        {
            var l = topology.Links[e];
            var key = string.CompareOrdinal(l.From, l.To) < 0 ? (l.From, l.To) : (l.To, l.From);
            (byPair.TryGetValue(key, out var list) ? list : byPair[key] = []).Add(e);
        }

        foreach (var plan in plans)
        {
            foreach (var path in plan.Paths)
            {
                for (int i = 0; i + 1 < path.Nodes.Length; i++)
                {
                    var key = string.CompareOrdinal(path.Nodes[i], path.Nodes[i + 1]) < 0 ? (path.Nodes[i], path.Nodes[i + 1]) : (path.Nodes[i + 1], path.Nodes[i]);
                    if (!byPair.TryGetValue(key, out var parallel))
                    {
                        continue;
                    }

                    // Parallel links between the same two nodes share the load in proportion to their capacity.
                    double total = parallel.Sum(e => capacities[e]);
                    foreach (int e in parallel)
                    {
                        used[e] += total > 0 ? path.RateBps * capacities[e] / total : 0;
                    }
                }
            }
        }

        return [.. topology.Links.Select((l, e) => new LinkPlan(l, capacities[e], used[e]))];
    }

    internal sealed record Arc(int From, int To, int Link);

    internal static List<Arc> Arcs(Topology topology, double[] capacities)
    {
        var arcs = new List<Arc>();
        for (int e = 0; e < topology.Links.Length; e++)
        {
            if (capacities[e] <= 0)
            {
                continue;
            }

            int u = topology.IndexOf(topology.Links[e].From), v = topology.IndexOf(topology.Links[e].To);
            arcs.Add(new Arc(u, v, e));
            arcs.Add(new Arc(v, u, e));
        }

        return arcs;
    }

    /// <summary>Peels paths from source to target off one source's flow, each carrying the least flow on its arcs.</summary>
    private static List<RoutedPath> Decompose(Topology topology, List<Arc> arcs, double[,] arcFlow, int s, int source, int target, double rate)
    {
        var paths = new List<RoutedPath>();
        double remaining = rate;
        const double tiny = 1e-9;
        while (remaining > 1e-6 && remaining > tiny * rate)
        {
            // Breadth-first search over arcs with flow left.
            var previous = new int[topology.Nodes.Length];
            Array.Fill(previous, -1);
            var queue = new Queue<int>();
            queue.Enqueue(source);
            var seen = new bool[topology.Nodes.Length];
            seen[source] = true;
            while (queue.Count > 0 && !seen[target])
            {
                int v = queue.Dequeue();
                for (int a = 0; a < arcs.Count; a++)
                {
                    if (arcs[a].From == v && !seen[arcs[a].To] && arcFlow[s, a] > tiny)
                    {
                        seen[arcs[a].To] = true;
                        previous[arcs[a].To] = a;
                        queue.Enqueue(arcs[a].To);
                    }
                }
            }

            if (!seen[target])
            {
                break;
            }

            var pathArcs = new List<int>();
            for (int v = target; v != source; v = arcs[previous[v]].From)
            {
                pathArcs.Add(previous[v]);
            }

            pathArcs.Reverse();
            double carried = Math.Min(remaining, pathArcs.Min(a => arcFlow[s, a]));
            foreach (int a in pathArcs)
            {
                arcFlow[s, a] -= carried;
            }

            remaining -= carried;
            var nodes = new List<string> { topology.Nodes[source].Id };
            nodes.AddRange(pathArcs.Select(a => topology.Nodes[arcs[a].To].Id));
            var existing = paths.FindIndex(p => p.Nodes.SequenceEqual(nodes));
            if (existing >= 0)
            {
                paths[existing] = paths[existing] with { RateBps = paths[existing].RateBps + carried };
            }
            else
            {
                paths.Add(new RoutedPath([.. nodes], carried));
            }
        }

        return paths;
    }
}
