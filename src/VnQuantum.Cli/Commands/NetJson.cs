using VnQuantum.Network;

namespace VnQuantum.Cli.Commands;

/// <summary>The JSON shapes of <c>vnq net validate|plan|simulate|design --format json</c> (schemas in docs/cli.md).</summary>
internal static class NetJson
{
    public static object Rates(Topology topology, double[] rates) => new
    {
        name = topology.Name,
        nodes = topology.Nodes.Length,
        links = topology.Links.Select((l, e) => new { id = l.Id, from = l.From, to = l.To, length_km = l.LengthKm, profile = l.Profile, candidate = l.Candidate, rate_bps = rates[e] }),
        demands = topology.Demands.Length,
    };

    public static object Plan(NetworkPlan plan, SimulationResult? day = null, DesignResult? design = null) => new
    {
        name = plan.Topology.Name,
        method = plan.Method,
        elapsed_s = plan.Elapsed.TotalSeconds,
        objective = plan.Objective,
        upper_bound = plan.UpperBound,
        demands_met = plan.Demands.Count(d => d.Met),
        all_met = plan.Demands.All(d => d.Met),
        demands = plan.Demands.Select(d => new
        {
            id = d.Demand.Id,
            from = d.Demand.From,
            to = d.Demand.To,
            asked_bps = d.Demand.RateBps,
            planned_bps = d.SatisfiedBps,
            fraction_met = d.Fraction,
            met = d.Met,
            @protected = d.Protected,
            paths = d.Paths.Select(p => new { nodes = p.Nodes, rate_bps = p.RateBps }),
            trusted_nodes_seeing_key = d.TrustedNodesSeeingKey,
        }),
        links = plan.Links.Select(l => new
        {
            id = l.Link.Id,
            from = l.Link.From,
            to = l.Link.To,
            length_km = l.Link.LengthKm,
            capacity_bps = l.CapacityBps,
            used_bps = l.UsedBps,
            utilisation = l.Utilisation,
            bottleneck = l.Bottleneck,
        }),
        simulation = day is null ? null : Day(plan.Topology, day),
        design = design is null ? null : Design(design, null),
    };

    public static object Day(Topology topology, SimulationResult day) => new
    {
        name = topology.Name,
        hours = day.Options.Hours,
        seed = day.Options.Seed,
        pool_bits = day.Options.PoolCapacityBits,
        requests = day.Requests,
        served = day.Served,
        refused = day.Refused,
        events = day.Events,
        elapsed_s = day.Elapsed.TotalSeconds,
        demands = day.Demands.Select(d => new
        {
            id = d.Demand.Id,
            requests = d.Requests,
            served = d.Served,
            refused = d.Refused,
            served_fraction = d.ServedFraction,
            mean_latency_ms = d.MeanLatencyMs,
            max_latency_ms = d.MaxLatencyMs,
        }),
        pools = day.Pools.Select(p => new { link = p.Link.Id, hours_down = p.HoursDown, minimum_bits = p.MinimumBits }),
    };

    public static object Design(DesignResult design, double? budget) => new
    {
        feasible = design.Feasible,
        method = design.Method,
        built_nodes = design.BuiltNodes,
        built_links = design.BuiltLinks,
        cost = design.Cost,
        lower_bound = design.LowerBound,
        trivial_cost = design.TrivialCost,
        gap = design.Gap,
        elapsed_s = design.Elapsed.TotalSeconds,
        budget,
        within_budget = budget is double b ? design.Feasible && design.Cost <= b : (bool?)null,
    };
}
