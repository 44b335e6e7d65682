using System.Collections.Immutable;
using VnQuantum.Network;
using VnQuantum.Qkd.KeyRates;

namespace VnQuantum.Network.Tests;

public class NetworkTests
{
    private static string Sample(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "samples", "networks")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir!.FullName, "samples", "networks", name);
    }

    private static Topology Line(bool middleRelays = true) => TopologyFile.Parse($$"""
        { "nodes": [
            { "id": "A", "latitude": 21.0, "longitude": 105.8 },
            { "id": "B", "latitude": 20.5, "longitude": 105.9, "kind": "{{(middleRelays ? "trusted" : "site")}}" },
            { "id": "C", "latitude": 20.0, "longitude": 106.0 } ],
          "links": [ { "from": "A", "to": "B", "lengthKm": 50 }, { "from": "B", "to": "C", "lengthKm": 60 } ],
          "demands": [ { "from": "A", "to": "C", "rateBps": 8 } ] }
        """);

    private static Topology Ring() => TopologyFile.Parse("""
        { "nodes": [
            { "id": "A", "latitude": 0, "longitude": 0 },
            { "id": "B", "latitude": 1, "longitude": 0, "kind": "trusted" },
            { "id": "C", "latitude": 1, "longitude": 1 },
            { "id": "D", "latitude": 0, "longitude": 1, "kind": "trusted" } ],
          "links": [ { "from": "A", "to": "B", "lengthKm": 10 }, { "from": "B", "to": "C", "lengthKm": 10 },
                     { "from": "C", "to": "D", "lengthKm": 10 }, { "from": "D", "to": "A", "lengthKm": 10 } ],
          "demands": [ { "from": "A", "to": "C", "rateBps": 15 } ] }
        """);

    [Theory]
    [InlineData("""{"nodes":[{"id":"A","latitude":0,"longitude":0},{"id":"B","latitude":0,"longitude":1}],"links":[{"from":"A","to":"B","lengthKm":-3}]}""", "links[0].lengthKm: must be > 0")]
    [InlineData("""{"nodes":[{"id":"A","latitude":0,"longitude":0}],"links":[{"from":"A","to":"Z","lengthKm":3}]}""", "links[0].to: no node has id 'Z'")]
    [InlineData("""{"nodes":[{"id":"A","latitude":0,"longitude":0},{"id":"A","latitude":0,"longitude":1}],"links":[]}""", "nodes[1].id: 'A' is used twice")]
    [InlineData("""{"nodes":[{"id":"A","latitude":95,"longitude":0}],"links":[]}""", "nodes[0].latitude: must be in −90…90 degrees")]
    [InlineData("""{"nodes":[{"id":"A","latitude":0,"longitude":0},{"id":"U","latitude":0,"longitude":1,"kind":"untrusted"}],"links":[],"demands":[{"from":"A","to":"U","rateBps":1}]}""", "demands[0].to: 'U' is an untrusted relay")]
    [InlineData("""{"nodes":[{"id":"A","latitude":0,"longitude":0}],"links":[],"profiles":[{"name":"p","protocol":"e91"}]}""", "profiles[0].protocol: unknown protocol 'e91'")]
    [InlineData("""{"nodes":[{"id":"A","latitude":0,"longitude":0,"kind":"router"}],"links":[]}""", "nodes[0].kind: unknown kind 'router'")]
    [InlineData("""{"nodes":[], "links": []""", "not valid JSON")]
    public void InvalidTopologies_NameTheElementAndField(string json, string message)
    {
        var e = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json, "net.json"));
        Assert.StartsWith("net.json", e.Message);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void LinkLength_ComesFromCoordinatesTimesTheRouteFactor()
    {
        var t = TopologyFile.Parse("""{"routeFactor":1.5,"nodes":[{"id":"HN","latitude":21.0285,"longitude":105.8542},{"id":"HP","latitude":20.8449,"longitude":106.6881}],"links":[{"from":"HN","to":"HP"}]}""");
        double straight = Topology.GreatCircleKm(t.Nodes[0], t.Nodes[1]);
        Assert.InRange(straight, 85, 95); // Hà Nội – Hải Phòng is about 90 km as the crow flies
        Assert.Equal(1.5 * straight, t.Links[0].LengthKm, 9);
    }

    [Fact]
    public void Yaml_ReadsLikeJson()
    {
        var yaml = TopologyFile.ParseYaml("""
            name: two
            nodes:
              - { id: A, latitude: 0, longitude: 0 }
              - { id: B, latitude: 0, longitude: 1, kind: trusted }
            links:
              - { from: A, to: B, lengthKm: 20 }
            demands:
              - { from: A, to: B, rateBps: 1000, priority: 2 }
            """);
        Assert.Equal(NodeKind.Trusted, yaml.Nodes[1].Kind);
        Assert.Equal(20, yaml.Links[0].LengthKm);
        Assert.Equal(2, yaml.Demands[0].Priority);
        var again = TopologyFile.Parse(TopologyFile.Write(yaml));
        Assert.Equal((yaml.Links[0].Id, yaml.Links[0].LengthKm, yaml.Links[0].Profile), (again.Links[0].Id, again.Links[0].LengthKm, again.Links[0].Profile));
        Assert.Equal(yaml.Demands[0], again.Demands[0]);
    }

    [Fact]
    public void Line_TheWeakestHopLimitsTheRate_AndTheRelaySeesTheKey()
    {
        var plan = Planner.Plan(Line(), [10, 5]);
        var d = Assert.Single(plan.Demands);
        Assert.Equal(5, d.SatisfiedBps, 6);
        Assert.False(d.Met);
        Assert.Equal(["B"], d.TrustedNodesSeeingKey.ToArray());
        Assert.Equal(["A", "B", "C"], Assert.Single(d.Paths).Nodes.ToArray());
        Assert.Equal(["B-C"], plan.Bottlenecks.Select(b => b.Link.Id));
        Assert.Equal(0.5, plan.Links[0].Utilisation, 6);
    }

    [Fact]
    public void DeeplyNestedFiles_AreRefusedWithTheirLine_NotAStackOverflow()
    {
        // 10^5 levels: YamlDotNet's document model is recursive, so the streaming check must come first.
        string yaml = "name: deep\nnodes: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var e = Assert.Throws<TopologyException>(() => TopologyFile.ParseYaml(yaml, "deep.yaml"));
        Assert.StartsWith("deep.yaml:2:", e.Message, StringComparison.Ordinal);
        Assert.Contains($"nested deeper than {TopologyFile.MaxDepth} levels", e.Message, StringComparison.Ordinal);

        string json = "{\"name\": \"deep\", \"nodes\": " + new string('[', 100_000) + new string(']', 100_000) + "}";
        var j = Assert.Throws<TopologyException>(() => TopologyFile.Parse(json, "deep.json"));
        Assert.StartsWith("deep.json:1:", j.Message, StringComparison.Ordinal);
        Assert.Contains("depth", j.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExponentialAliases_AreRefused_BeforeTheyExpand()
    {
        // "Billion laughs": ten levels of ten aliases each would be 10^10 values.
        var yaml = new System.Text.StringBuilder("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 10; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 10))}]\n");
        }

        var e = Assert.Throws<TopologyException>(() => TopologyFile.ParseYaml(yaml.ToString(), "laughs.yaml"));
        Assert.Contains($"expands to more than {TopologyFile.MaxYamlNodes:N0} values", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("laughs.yaml:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AModestAlias_IsStillFollowed()
    {
        var topology = TopologyFile.ParseYaml("""
            name: aliased
            profiles:
              - &metro {name: metro, preset: lim2014}
            nodes:
              - {id: a, name: A, latitude: 21.0, longitude: 105.8, kind: trusted}
              - {id: b, name: B, latitude: 21.1, longitude: 105.9, kind: trusted}
            links:
              - {id: a-b, from: a, to: b, profile: metro}
            demands:
              - {id: d, from: a, to: b, rateBps: 100}
            """, "aliased.yaml");
        Assert.Equal("aliased", topology.Name);
        Assert.Single(topology.Links);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ACancelledPlan_StopsWithOperationCanceled(bool disjoint)
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.Throws<OperationCanceledException>(() => Planner.Plan(Ring(), [10, 10, 10, 10], new PlanOptions(disjoint), cancel.Token));
        Assert.Single(Planner.Plan(Ring(), [10, 10, 10, 10], new PlanOptions(disjoint)).Demands);
    }

    [Fact]
    public void Line_ASiteThatDoesNotRelay_CarriesNothing()
    {
        var plan = Planner.Plan(Line(middleRelays: false), [10, 10]);
        Assert.Equal(0, plan.Demands[0].SatisfiedBps, 9);
        Assert.Empty(plan.Demands[0].Paths);
    }

    [Fact]
    public void Ring_SplitsADemandOverBothWays()
    {
        var plan = Planner.Plan(Ring(), [10, 10, 10, 10]);
        var d = plan.Demands[0];
        Assert.True(d.Met);
        Assert.Equal(2, d.Paths.Length);
        Assert.Equal(15, d.Paths.Sum(p => p.RateBps), 6);
        Assert.Equal(["B", "D"], d.TrustedNodesSeeingKey.ToArray());
    }

    [Fact]
    public void Ring_DisjointRouting_ProtectsTheKey_AtTheCostOfRate()
    {
        var plan = Planner.Plan(Ring(), [10, 10, 10, 10], new PlanOptions(NodeDisjoint: true));
        var d = plan.Demands[0];
        Assert.True(d.Protected);
        Assert.Equal(10, d.SatisfiedBps, 6); // each path carries the whole rate
        Assert.Equal(2, d.Paths.Length);
        Assert.Empty(d.Paths[0].Relays.Intersect(d.Paths[1].Relays));
        Assert.Equal(1, plan.UpperBound!.Value, 6); // the unrestricted plan meets the demand
        Assert.Null(Paths.ShortestDisjointPair(Line(), [10, 10], "A", "C"));
    }

    [Fact]
    public void Priorities_AreServedFirst()
    {
        var t = Line() with
        {
            Demands = [new Demand("low", "A", "C", 5, Priority: 1), new Demand("high", "A", "C", 4, Priority: 5)],
        };
        var plan = Planner.Plan(t, [10, 5]);
        Assert.Equal(4, plan.Demands.Single(d => d.Demand.Id == "high").SatisfiedBps, 6);
        Assert.Equal(1, plan.Demands.Single(d => d.Demand.Id == "low").SatisfiedBps, 6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void RandomNetworks_ThePlanNeverExceedsALink_AndRoutesAreValid(int seed)
    {
        var (topology, capacities) = RandomNetwork(new Random(seed), 25, 50, 40);
        var plan = Planner.Plan(topology, capacities);
        foreach (var l in plan.Links)
        {
            Assert.True(l.UsedBps <= (l.CapacityBps * (1 + 1e-6)) + 1e-6, $"{l.Link.Id}: {l.UsedBps} > {l.CapacityBps}");
        }

        var linked = topology.Links.Where((l, e) => capacities[e] > 0).SelectMany(l => new[] { (l.From, l.To), (l.To, l.From) }).ToHashSet();
        foreach (var d in plan.Demands)
        {
            Assert.True(d.SatisfiedBps <= d.Demand.RateBps * (1 + 1e-9));
            foreach (var p in d.Paths)
            {
                Assert.Equal(d.Demand.From, p.Nodes[0]);
                Assert.Equal(d.Demand.To, p.Nodes[^1]);
                for (int i = 0; i + 1 < p.Nodes.Length; i++)
                {
                    Assert.Contains((p.Nodes[i], p.Nodes[i + 1]), linked);
                }

                Assert.All(p.Relays, r => Assert.True(topology.NodeById(r).CanRelay, $"{r} may not relay"));
            }
        }
    }

    [Fact]
    public void LinkRates_ComeFromTheFiniteKeyModel_AndFallWithDistance()
    {
        var t = TopologyFile.Parse("""{"profiles":[{"name":"p","preset":"lim2014","protocol":"bb84-finite","blockBits":1e7}],"nodes":[{"id":"A","latitude":0,"longitude":0},{"id":"B","latitude":0,"longitude":1},{"id":"C","latitude":0,"longitude":2}],"links":[{"from":"A","to":"B","lengthKm":30,"profile":"p"},{"from":"B","to":"C","lengthKm":90,"profile":"p"}]}""");
        var rates = new LinkRates().All(t);
        var model = LinkRates.Model(t.Profiles[0], 30);
        double direct = FiniteKeyDecoyBb84.Optimize(model, 1e7, 1e-10, 1e-15).Result.RatePerPulse * model.RepetitionRateHz;
        Assert.Equal(direct, rates[0], 6);
        Assert.True(rates[1] > 0 && rates[1] < rates[0] / 10);
    }

    [Fact]
    public void Design_BuildsTheCheapestSufficientRoute_AndProvesIt()
    {
        var t = TopologyFile.Parse("""
            { "nodes": [
                { "id": "A", "latitude": 0, "longitude": 0 },
                { "id": "X", "latitude": 1, "longitude": 0, "kind": "trusted", "candidate": true, "cost": 10 },
                { "id": "Y", "latitude": -1, "longitude": 0, "kind": "trusted", "candidate": true, "cost": 3 },
                { "id": "B", "latitude": 0, "longitude": 1 } ],
              "links": [
                { "from": "A", "to": "X", "lengthKm": 20, "candidate": true, "cost": 1 },
                { "from": "X", "to": "B", "lengthKm": 20, "candidate": true, "cost": 1 },
                { "from": "A", "to": "Y", "lengthKm": 20, "candidate": true, "cost": 2 },
                { "from": "Y", "to": "B", "lengthKm": 20, "candidate": true, "cost": 2 } ],
              "demands": [ { "from": "A", "to": "B", "rateBps": 5 } ] }
            """);
        var design = Design.Solve(t, [10, 10, 10, 10]);
        Assert.True(design.Feasible);
        Assert.Equal(["Y"], design.BuiltNodes.ToArray());
        Assert.Equal(7, design.Cost, 6);
        Assert.Equal(7, design.LowerBound, 6);
        Assert.Equal(19, design.TrivialCost, 6);

        // Too much demand for one route: both must be built.
        var both = Design.Solve(t with { Demands = [new Demand("big", "A", "B", 15)] }, [10, 10, 10, 10]);
        Assert.Equal(["X", "Y"], both.BuiltNodes.ToArray());
        Assert.Equal(19, both.Cost, 6);
        Assert.False(Design.Solve(t with { Demands = [new Demand("huge", "A", "B", 25)] }, [10, 10, 10, 10]).Feasible);
    }

    [Fact]
    public void DaySimulation_IsSeeded_CountsEveryRequest_AndRefusesDuringAnOutage()
    {
        var t = Line() with
        {
            Links = [new Link("A-B", "A", "B", 50, "default"), new Link("B-C", "B", "C", 60, "default", Outages: [new Window(6, 12)])],
            Demands = [new Demand("d", "A", "C", 1000, KeyBits: 100)],
        };
        double[] capacities = [2000, 2000];
        var plan = Planner.Plan(t, capacities);
        var options = new SimulationOptions(Hours: 24, Seed: 5, PoolCapacityBits: 20000, InitialFill: 1);
        var a = DaySimulation.Run(plan, capacities, options);
        var b = DaySimulation.Run(plan, capacities, options);
        Assert.Equal(a.Demands.ToArray(), b.Demands.ToArray());
        var d = a.Demands[0];
        Assert.Equal(d.Requests, d.Served + d.Refused);
        Assert.InRange(d.Requests, 24 * 3600 * 10 * 0.98, 24 * 3600 * 10 * 1.02); // 1000 bit/s in 100-bit requests
        double outageShare = 6.0 / 24;
        Assert.InRange(d.Refused / (double)d.Requests, outageShare * 0.9, outageShare * 1.1);
        Assert.Equal((110 * 0.005) + (2 * 2), d.MeanLatencyMs, 6);
        var trace = a.Pools.Single(p => p.Link.Id == "B-C");
        Assert.Equal(6, trace.HoursDown, 6);
        Assert.All(a.Pools.SelectMany(p => p.Samples), s => Assert.InRange(s.Bits, 0, 20000));
    }

    [Fact]
    public void Samples_LoadPlanAndReport()
    {
        foreach (string name in new[] { "vietnam-backbone.json", "metro.json" })
        {
            var topology = Design.Built(TopologyFile.Load(Sample(name)), [], []);
            var rates = new LinkRates().All(topology);
            var plan = Planner.Plan(topology, rates);
            Assert.All(plan.Links, l => Assert.True(l.UsedBps <= l.CapacityBps * (1 + 1e-6)));
            var day = DaySimulation.Run(plan, rates, new SimulationOptions(Hours: 2));
            string html = NetworkReport.Html(plan, day);
            Assert.Contains("<svg", html);
            Assert.Contains("<table>", html);
            Assert.Contains("|---", NetworkReport.Markdown(plan, day));
        }

        var backbone = TopologyFile.Load(Sample("vietnam-backbone.json"));
        Assert.Contains(backbone.Nodes, n => n.Name == "Đà Nẵng");
        Assert.Contains(backbone.Demands, d => d.From == "hn-sbv");
    }

    private static (Topology Topology, double[] Capacities) RandomNetwork(Random random, int nodes, int links, int demands)
    {
        var n = Enumerable.Range(0, nodes).Select(i => new Node($"n{i}", $"n{i}", random.NextDouble() * 10, random.NextDouble() * 10, random.Next(3) == 0 ? NodeKind.Site : NodeKind.Trusted)).ToImmutableArray();
        var l = new List<Link>();
        for (int i = 1; i < nodes; i++)
        {
            l.Add(new Link($"t{i}", $"n{random.Next(i)}", $"n{i}", 10 + (random.NextDouble() * 50), "default"));
        }

        while (l.Count < links)
        {
            int a = random.Next(nodes), b = random.Next(nodes);
            if (a != b)
            {
                l.Add(new Link($"x{l.Count}", $"n{a}", $"n{b}", 10 + (random.NextDouble() * 50), "default"));
            }
        }

        var d = Enumerable.Range(0, demands).Select(i =>
        {
            int a = random.Next(nodes), b = (a + 1 + random.Next(nodes - 1)) % nodes;
            return new Demand($"d{i}", $"n{a}", $"n{b}", 1 + (random.NextDouble() * 20), 1 + random.Next(3));
        }).ToImmutableArray();
        var capacities = l.Select(_ => random.NextDouble() * 30).ToArray();
        return (new Topology("random", n, [.. l], [new LinkProfile("default", "snspd", "bb84-finite")], d), capacities);
    }
}
