using System.Collections.Immutable;
using Google.OrTools.LinearSolver;

namespace VnQuantum.Network;

/// <summary>A proposed build: which candidate nodes and links to build, what it costs, and how good that is known to be.</summary>
/// <param name="LowerBound">No design that meets every demand costs less (the solver's bound, or the LP relaxation).</param>
/// <param name="TrivialCost">The cost of building every candidate (the design to beat).</param>
public sealed record DesignResult(
    ImmutableArray<string> BuiltNodes,
    ImmutableArray<string> BuiltLinks,
    double Cost,
    double LowerBound,
    double TrivialCost,
    string Method,
    bool Feasible,
    TimeSpan Elapsed)
{
    /// <summary>(cost − bound)/cost: 0 means proven optimal.</summary>
    public double Gap => Cost > 0 ? (Cost - LowerBound) / Cost : 0;
}

/// <summary>
/// Network design as a fixed-charge multi-commodity flow: choose candidate trusted nodes and candidate links so that
/// every demand is met in full at least cost. Small instances are solved as a mixed-integer program (OR-Tools with
/// SCIP, with a time limit; its best bound is reported); larger ones by a heuristic — build everything, then drop
/// candidates from the most expensive down while an LP says the demands can still be met — with the LP relaxation of
/// the MIP as the lower bound.
/// </summary>
public static class Design
{
    /// <summary>Above this many candidate elements (nodes plus links) the heuristic is used.</summary>
    public const int ExactLimit = 60;

    public static DesignResult Solve(Topology topology, double[] capacities, TimeSpan? timeLimit = null)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(capacities);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var candidateNodes = topology.Nodes.Where(n => n.Candidate).Select(n => n.Id).ToList();
        var candidateLinks = Enumerable.Range(0, topology.Links.Length).Where(e => topology.Links[e].Candidate).ToList();
        double trivial = topology.Nodes.Where(n => n.Candidate).Sum(n => n.Cost) + candidateLinks.Sum(e => topology.Links[e].Cost);
        if (!Feasible(topology, capacities, [.. candidateNodes], [.. candidateLinks]))
        {
            return new DesignResult([], [], double.NaN, double.NaN, trivial, "infeasible: even building every candidate does not meet the demands", false, clock.Elapsed);
        }

        if (candidateNodes.Count + candidateLinks.Count <= ExactLimit)
        {
            var exact = Mip(topology, capacities, integral: true, timeLimit ?? TimeSpan.FromSeconds(60));
            if (exact is not null)
            {
                return exact with { TrivialCost = trivial, Elapsed = clock.Elapsed };
            }
        }

        var relaxed = Mip(topology, capacities, integral: false, timeLimit ?? TimeSpan.FromSeconds(60));
        double bound = relaxed?.LowerBound ?? 0;

        // Greedy: drop the most expensive candidate whose removal keeps every demand met.
        var nodes = candidateNodes.ToHashSet(StringComparer.Ordinal);
        var links = candidateLinks.ToHashSet();
        var order = candidateNodes.Select(n => (Cost: topology.NodeById(n).Cost, Node: n, Link: -1))
            .Concat(candidateLinks.Select(e => (Cost: topology.Links[e].Cost, Node: (string)null!, Link: e)))
            .OrderByDescending(c => c.Cost).ToList();
        foreach (var c in order)
        {
            if (c.Link >= 0)
            {
                links.Remove(c.Link);
                if (!Feasible(topology, capacities, nodes, links))
                {
                    links.Add(c.Link);
                }
            }
            else
            {
                nodes.Remove(c.Node);
                if (!Feasible(topology, capacities, nodes, links))
                {
                    nodes.Add(c.Node);
                }
            }
        }

        double cost = nodes.Sum(n => topology.NodeById(n).Cost) + links.Sum(e => topology.Links[e].Cost);
        return new DesignResult(
            [.. nodes.Order(StringComparer.Ordinal)],
            [.. links.Order().Select(e => topology.Links[e].Id)],
            cost,
            bound,
            trivial,
            "greedy removal with LP feasibility checks; lower bound from the LP relaxation",
            true,
            clock.Elapsed);
    }

    /// <summary>The network as it stands: no candidate built (candidates are what <see cref="Solve"/> may build).</summary>
    public static Topology AsBuilt(Topology topology) => Built(topology, [], []);

    /// <summary>The network with the candidates <paramref name="design"/> chose built.</summary>
    public static Topology Built(Topology topology, DesignResult design)
    {
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(design);
        var links = topology.Links.Select((l, e) => (l, e)).Where(p => design.BuiltLinks.Contains(p.l.Id)).Select(p => p.e).ToHashSet();
        return Built(topology, design.BuiltNodes.ToHashSet(StringComparer.Ordinal), links);
    }

    /// <summary>
    /// The topology with only these candidates built: an unbuilt candidate link is dropped, and an unbuilt candidate node
    /// stays on the map (demands may name it) but relays nothing and keeps no links.
    /// </summary>
    public static Topology Built(Topology topology, IReadOnlyCollection<string> nodes, IReadOnlyCollection<int> links)
    {
        ArgumentNullException.ThrowIfNull(topology);
        bool Unbuilt(Node n) => n.Candidate && !nodes.Contains(n.Id);
        var unbuilt = topology.Nodes.Where(Unbuilt).Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var keepNodes = topology.Nodes.Select(n => Unbuilt(n) ? n with { Kind = NodeKind.Site, Relays = false } : n).ToImmutableArray();
        var keepLinks = topology.Links.Where((l, e) => (!l.Candidate || links.Contains(e)) && !unbuilt.Contains(l.From) && !unbuilt.Contains(l.To)).ToImmutableArray();
        return topology with { Nodes = keepNodes, Links = keepLinks };
    }

    private static bool Feasible(Topology topology, double[] capacities, IReadOnlyCollection<string> nodes, IReadOnlyCollection<int> links)
    {
        var caps = capacities.Select((c, e) => !topology.Links[e].Candidate || links.Contains(e) ? c : 0).ToArray();
        var pruned = topology with { Nodes = [.. topology.Nodes.Select(n => n.Candidate && !nodes.Contains(n.Id) ? n with { Kind = NodeKind.Site, Relays = false } : n)] };
        for (int e = 0; e < caps.Length; e++)
        {
            var l = topology.Links[e];
            if (IsUnbuilt(topology, nodes, l.From) || IsUnbuilt(topology, nodes, l.To))
            {
                caps[e] = 0;
            }
        }

        var plan = Planner.Plan(pruned, caps);
        return plan.Demands.All(d => d.Met);
    }

    private static bool IsUnbuilt(Topology topology, IReadOnlyCollection<string> nodes, string id) =>
        topology.NodeById(id).Candidate && !nodes.Contains(id);

    /// <summary>The fixed-charge program, as a MIP (integral) or its LP relaxation; null when the solver gives nothing.</summary>
    private static DesignResult? Mip(Topology topology, double[] capacities, bool integral, TimeSpan timeLimit)
    {
        using var solver = Solver.CreateSolver(integral ? "SCIP" : "GLOP");
        if (solver is null)
        {
            return null;
        }

        solver.SetTimeLimit((long)timeLimit.TotalMilliseconds);
        int n = topology.Nodes.Length;
        var demands = topology.Demands;
        var arcs = Planner.Arcs(topology, capacities);
        var sources = demands.Select(d => topology.IndexOf(d.From)).Distinct().ToArray();
        var open = topology.Nodes.Select(node => node.Candidate ? (integral ? solver.MakeBoolVar(string.Empty) : solver.MakeNumVar(0, 1, string.Empty)) : null).ToArray();
        var build = topology.Links.Select(l => l.Candidate ? (integral ? solver.MakeBoolVar(string.Empty) : solver.MakeNumVar(0, 1, string.Empty)) : null).ToArray();
        var flow = new Variable[sources.Length, arcs.Count];
        double total = demands.Sum(d => d.RateBps);
        for (int s = 0; s < sources.Length; s++)
        {
            for (int a = 0; a < arcs.Count; a++)
            {
                flow[s, a] = solver.MakeNumVar(0, double.PositiveInfinity, string.Empty);
            }
        }

        for (int s = 0; s < sources.Length; s++)
        {
            int source = sources[s];
            for (int v = 0; v < n; v++)
            {
                double need = v == source
                    ? demands.Where(d => topology.IndexOf(d.From) == source).Sum(d => d.RateBps)
                    : -demands.Where(d => topology.IndexOf(d.From) == source && topology.IndexOf(d.To) == v).Sum(d => d.RateBps);
                var balance = solver.MakeConstraint(need, need, string.Empty);
                var outflow = v == source ? null : solver.MakeConstraint(double.NegativeInfinity, 0, string.Empty);
                for (int a = 0; a < arcs.Count; a++)
                {
                    if (arcs[a].From == v)
                    {
                        balance.SetCoefficient(flow[s, a], 1);
                        outflow?.SetCoefficient(flow[s, a], 1);
                    }
                    else if (arcs[a].To == v)
                    {
                        balance.SetCoefficient(flow[s, a], -1);
                    }
                }

                if (outflow is not null && topology.Nodes[v].CanRelay)
                {
                    // Relaying through v needs v able to relay (else the bound stays 0), and built if it is a candidate.
                    if (open[v] is { } y)
                    {
                        outflow.SetCoefficient(y, -total);
                    }
                    else
                    {
                        outflow.SetUb(double.PositiveInfinity);
                    }
                }
            }
        }

        for (int e = 0; e < topology.Links.Length; e++)
        {
            var capacity = solver.MakeConstraint(double.NegativeInfinity, build[e] is null ? capacities[e] : 0, string.Empty);
            if (build[e] is { } z)
            {
                capacity.SetCoefficient(z, -capacities[e]);
                foreach (var end in new[] { topology.Links[e].From, topology.Links[e].To })
                {
                    if (open[topology.IndexOf(end)] is { } y)
                    {
                        var needsNode = solver.MakeConstraint(double.NegativeInfinity, 0, string.Empty);
                        needsNode.SetCoefficient(z, 1);
                        needsNode.SetCoefficient(y, -1);
                    }
                }
            }

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

        var objective = solver.Objective();
        for (int v = 0; v < n; v++)
        {
            if (open[v] is { } y)
            {
                objective.SetCoefficient(y, topology.Nodes[v].Cost);
            }
        }

        for (int e = 0; e < topology.Links.Length; e++)
        {
            if (build[e] is { } z)
            {
                objective.SetCoefficient(z, topology.Links[e].Cost);
            }
        }

        objective.SetMinimization();
        var status = solver.Solve();
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            return null;
        }

        double bound = integral ? objective.BestBound() : objective.Value();
        var nodes = topology.Nodes.Where((node, v) => open[v] is { } y && y.SolutionValue() > 0.5).Select(node => node.Id).ToImmutableArray();
        var links = topology.Links.Where((l, e) => build[e] is { } z && z.SolutionValue() > 0.5).Select(l => l.Id).ToImmutableArray();
        return new DesignResult(nodes, links, objective.Value(), bound, 0, status == Solver.ResultStatus.OPTIMAL ? "mixed-integer program (OR-Tools SCIP), optimal" : "mixed-integer program (OR-Tools SCIP), stopped at the time limit", true, TimeSpan.Zero);
    }
}
