using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using VnQuantum.Network;

namespace VnQuantum.Cli.Commands;

/// <summary><c>vnq net validate|plan|simulate|design</c>: QKD networks over trusted nodes.</summary>
internal static class NetCommand
{
    public static Command Create(TextWriter output, TextWriter error) => new("net", "QKD networks: plan routes over trusted nodes, design where to build, simulate a day of key traffic.")
    {
        CreateValidate(output, error),
        CreatePlan(output, error),
        CreateSimulate(output, error),
        CreateDesign(output, error),
        CreateUp(output, error),
    };

    private static Command CreateUp(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("topology") { Description = "A topology file (JSON or YAML)." };
        var dir = new Option<string>("--dir") { Description = "Folder for the CA, certificates and key stores.", DefaultValueFactory = _ => "net-demo" };
        var pulses = new Option<double>("--pulses") { Description = "Pulses of each link's simulated QKD run.", DefaultValueFactory = _ => 5e7 };
        var seconds = new Option<double?>("--seconds") { Description = "Stop after this many seconds (default: run until Ctrl+C)." };
        var command = new Command("up", "Start a KME at every node on loopback, fed by each link's simulated QKD run, relaying keys hop by hop over the trusted nodes.") { file, dir, pulses, seconds };
        command.SetAction(async (parse, cancel) =>
        {
            var topology = Load(parse.GetValue(file)!, error);
            if (topology is null)
            {
                return ExitCodes.InputError;
            }

            topology = Design.AsBuilt(topology);
            await using var net = await NetUp.StartAsync(topology, parse.GetValue(dir)!, parse.GetValue(pulses), output, cancel);
            string ca = Path.Combine(net.Directory, "ca.crt");
            // Show a demand whose sites are not neighbours, so that the example is relayed.
            var neighbours = topology.Links.SelectMany(l => new[] { (l.From, l.To), (l.To, l.From) }).ToHashSet();
            var demand = topology.Demands.FirstOrDefault(d => !neighbours.Contains((d.From, d.To))) ?? topology.Demands.FirstOrDefault();
            output.WriteLine($"{net.Hosts.Count} KMEs serving ETSI GS QKD 014 on loopback ({string.Join(", ", net.Ports.Select(p => $"{NetUp.KmeId(p.Key)}:{p.Value}"))})");
            if (demand is not null)
            {
                string m = demand.From.ToLowerInvariant(), s = demand.To.ToLowerInvariant();
                output.WriteLine($"""

                    # {NetUp.SaeId(demand.From)} asks its KME for a key shared with {NetUp.SaeId(demand.To)} (relayed hop by hop if they are not neighbours):
                    curl --cacert {ca} --cert {Path.Combine(net.Directory, $"sae-{m}.crt")} --key {Path.Combine(net.Directory, $"sae-{m}.key")} -H 'Content-Type: application/json' -d '{"{"}"number":1,"size":256{"}"}' https://127.0.0.1:{net.Ports[demand.From]}/api/v1/keys/{NetUp.SaeId(demand.To)}/enc_keys
                    # {NetUp.SaeId(demand.To)} fetches it from its own KME:
                    curl --cacert {ca} --cert {Path.Combine(net.Directory, $"sae-{s}.crt")} --key {Path.Combine(net.Directory, $"sae-{s}.key")} "https://127.0.0.1:{net.Ports[demand.To]}/api/v1/keys/{NetUp.SaeId(demand.From)}/dec_keys?key_ID=<key_ID>"
                    """);
            }

            try
            {
                await Task.Delay(parse.GetValue(seconds) is double s ? TimeSpan.FromSeconds(Math.Max(0, s)) : Timeout.InfiniteTimeSpan, cancel);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop the KMEs.
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Topology? Load(string path, TextWriter error)
    {
        try
        {
            return TopologyFile.Load(path);
        }
        catch (TopologyException e)
        {
            error.WriteLine(e.Message);
            return null;
        }
    }

    private static Command CreateValidate(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("topology") { Description = "A topology file (JSON or YAML)." };
        var format = OutputFormat.Create();
        var command = new Command("validate", "Check a topology file and print each link's secret-key rate.") { file, format };
        command.SetAction(parse =>
        {
            var topology = Load(parse.GetValue(file)!, error);
            if (topology is null)
            {
                return ExitCodes.InputError;
            }

            var rates = new LinkRates().All(topology);
            if (parse.IsJson(format))
            {
                OutputFormat.WriteJson(output, NetJson.Rates(topology, rates));
                return ExitCodes.Ok;
            }

            var console = Consoles.For(output);
            console.MarkupLine(Markup.Escape($"{topology.Name}: {topology.Nodes.Length} nodes, {topology.Links.Length} links, {topology.Demands.Length} demands — valid"));
            var table = new Table().Border(TableBorder.Rounded).AddColumn("link").AddColumn(new TableColumn("km").RightAligned()).AddColumn("profile").AddColumn(new TableColumn("secret key (bit/s)").RightAligned());
            for (int e = 0; e < rates.Length; e++)
            {
                var l = topology.Links[e];
                table.AddRow(Markup.Escape(l.Id), l.LengthKm.ToString("0.#", CultureInfo.InvariantCulture), Markup.Escape(l.Profile), rates[e].ToString("N0", CultureInfo.InvariantCulture));
            }

            console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreatePlan(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("topology") { Description = "A topology file (JSON or YAML)." };
        var disjoint = new Option<bool>("--disjoint") { Description = "Route every demand over two node-disjoint paths and XOR their keys: no single trusted node knows the key." };
        var report = new Option<string?>("--report") { Description = "Write a report: .html (map, tables, the day's pools), .md (tables) or .svg (the map)." };
        var simulate = new Option<bool>("--simulate") { Description = "Also simulate a day of traffic on the plan (for the report)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the simulated day.", DefaultValueFactory = _ => 1 };
        var format = OutputFormat.Create();
        var command = new Command("plan", "Route the demands over trusted nodes (a linear program) and report satisfied rates, link utilisation, bottlenecks and who sees each key; exit 4 when a demand is not met in full.") { file, disjoint, report, simulate, seed, format };
        command.SetAction(parse =>
        {
            var topology = Load(parse.GetValue(file)!, error);
            if (topology is null)
            {
                return ExitCodes.InputError;
            }

            var plan = Planner.PlanAsBuilt(topology, new PlanOptions(parse.GetValue(disjoint)));
            SimulationResult? day = parse.GetValue(simulate) ? DaySimulation.Run(plan, new SimulationOptions(Seed: parse.GetValue(seed))) : null;
            bool json = parse.IsJson(format);
            if (json)
            {
                OutputFormat.WriteJson(output, NetJson.Plan(plan, day));
            }
            else
            {
                WritePlan(Consoles.For(output), plan);
            }

            int code = WriteReport(parse.GetValue(report), plan, day, null, json ? error : output, error);
            return code != ExitCodes.Ok ? code : Outcome(plan, error);
        });
        return command;
    }

    private static Command CreateSimulate(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("topology") { Description = "A topology file (JSON or YAML)." };
        var hours = new Option<double>("--hours") { Description = "Length of the simulated period.", DefaultValueFactory = _ => 24 };
        var seed = new Option<ulong>("--seed") { Description = "Seed (the same seed gives the same day).", DefaultValueFactory = _ => 1 };
        var pool = new Option<double>("--pool-bits") { Description = "Size of each link's key store in bits.", DefaultValueFactory = _ => 1e8 };
        var report = new Option<string?>("--report") { Description = "Write a report (.html, .md) or the pool chart (.svg)." };
        var format = OutputFormat.Create();
        var command = new Command("simulate", "Simulate a day of key traffic on the planned network: pools, served and refused requests, relay latency.") { file, hours, seed, pool, report, format };
        command.SetAction(parse =>
        {
            var topology = Load(parse.GetValue(file)!, error);
            if (topology is null)
            {
                return ExitCodes.InputError;
            }

            if (!(parse.GetValue(hours) > 0) || !(parse.GetValue(pool) > 0))
            {
                error.WriteLine("vnq: --hours and --pool-bits must be positive");
                return ExitCodes.Usage;
            }

            var plan = Planner.PlanAsBuilt(topology);
            var day = DaySimulation.Run(plan, new SimulationOptions(parse.GetValue(hours), parse.GetValue(seed), parse.GetValue(pool)));
            bool json = parse.IsJson(format);
            if (json)
            {
                OutputFormat.WriteJson(output, NetJson.Day(topology, day));
            }

            var console = Consoles.For(json ? TextWriter.Null : output);
            console.MarkupLine(Markup.Escape($"{topology.Name}: {day.Options.Hours:0.#} h simulated (seed {day.Options.Seed}): {day.Requests:N0} requests, {day.Served:N0} served, {day.Refused:N0} refused; {day.Events:N0} events in {day.Elapsed.TotalSeconds:0.0} s"));
            var table = new Table().Border(TableBorder.Rounded).AddColumn("demand").AddColumn(new TableColumn("requests").RightAligned()).AddColumn(new TableColumn("served").RightAligned())
                .AddColumn(new TableColumn("refused").RightAligned()).AddColumn(new TableColumn("mean latency (ms)").RightAligned());
            foreach (var d in day.Demands)
            {
                table.AddRow(Markup.Escape(d.Demand.Id), d.Requests.ToString("N0", CultureInfo.InvariantCulture), d.Served.ToString("N0", CultureInfo.InvariantCulture), d.Refused.ToString("N0", CultureInfo.InvariantCulture), d.MeanLatencyMs.ToString("0.0", CultureInfo.InvariantCulture));
            }

            console.Write(table);
            string? path = parse.GetValue(report);
            if (path is not null && path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase))
            {
                return CommandOutput.Emit(NetworkReport.PoolChart(day), path, output, error);
            }

            return WriteReport(path, plan, day, null, json ? error : output, error);
        });
        return command;
    }

    private static Command CreateDesign(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("topology") { Description = "A topology file whose candidate nodes and links carry costs." };
        var seconds = new Option<int>("--time-limit") { Description = "Seconds the exact solver may take.", DefaultValueFactory = _ => 60 };
        var report = new Option<string?>("--report") { Description = "Write a report of the designed network (.html, .md)." };
        var budget = new Option<double?>("--budget") { Description = "What may be spent (in the file's cost unit): the design says whether it fits." };
        var format = OutputFormat.Create();
        var command = new Command("design", "Choose which candidate trusted nodes and links to build so that every demand is met at least cost; exit 4 when no design meets them or it is over --budget.") { file, seconds, report, budget, format };
        command.SetAction(parse =>
        {
            var topology = Load(parse.GetValue(file)!, error);
            if (topology is null)
            {
                return ExitCodes.InputError;
            }

            var rates = new LinkRates().All(topology);
            var design = Design.Solve(topology, rates, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds))));
            bool json = parse.IsJson(format);
            bool overBudget = parse.GetValue(budget) is double cap && design.Cost > cap;
            if (json)
            {
                OutputFormat.WriteJson(output, new { name = topology.Name, design = NetJson.Design(design, parse.GetValue(budget)) });
            }

            var console = Consoles.For(json ? TextWriter.Null : output);
            if (!design.Feasible)
            {
                console.MarkupLine(Markup.Escape($"{topology.Name}: {design.Method}"));
                error.WriteLine($"vnq: no design meets every demand: {design.Method}");
                return ExitCodes.Failed;
            }

            console.MarkupLine(Markup.Escape($"{topology.Name}: {design.Method}"));
            console.MarkupLine(Markup.Escape($"build nodes: {string.Join(", ", design.BuiltNodes)}"));
            console.MarkupLine(Markup.Escape($"build links: {string.Join(", ", design.BuiltLinks)}"));
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"cost {design.Cost:0.##} (building every candidate: {design.TrivialCost:0.##}); lower bound {design.LowerBound:0.##}, gap {design.Gap:P1}; {design.Elapsed.TotalSeconds:0.0} s")));
            if (parse.GetValue(budget) is double limit)
            {
                // The least cost that meets every demand is the design's; a budget below the proven bound cannot be met by any design.
                console.MarkupLine(Markup.Escape(design.Cost <= limit
                    ? string.Create(CultureInfo.InvariantCulture, $"within the budget of {limit:0.##} ({limit - design.Cost:0.##} left)")
                    : design.LowerBound > limit
                        ? string.Create(CultureInfo.InvariantCulture, $"over the budget of {limit:0.##}: no design meeting every demand costs less than {design.LowerBound:0.##}")
                        : string.Create(CultureInfo.InvariantCulture, $"over the budget of {limit:0.##} by {design.Cost - limit:0.##} (a cheaper design may exist down to {design.LowerBound:0.##})")));
            }

            var plan = Planner.PlanAsBuilt(topology, design: design);
            int code = WriteReport(parse.GetValue(report), plan, null, design, json ? error : output, error);
            return code != ExitCodes.Ok ? code : overBudget ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A plan that leaves a demand short is not a success: it says which on stderr and exits 4.</summary>
    private static int Outcome(NetworkPlan plan, TextWriter error)
    {
        var unmet = plan.Unmet.ToList();
        if (unmet.Count == 0)
        {
            return ExitCodes.Ok;
        }

        error.WriteLine($"vnq: {unmet.Count} of {plan.Demands.Length} demands not met in full: {string.Join(", ", unmet.Select(d => d.Demand.Id))}");
        return ExitCodes.Failed;
    }

    private static void WritePlan(IAnsiConsole console, NetworkPlan plan)
    {
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"{plan.Topology.Name}: {plan.Demands.Count(d => d.Met)} of {plan.Demands.Length} demands met in full ({plan.Method}, {plan.Elapsed.TotalSeconds:0.00} s)")));
        if (plan.UpperBound is double bound)
        {
            console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"weighted objective {plan.Objective:0.###}; unrestricted routing reaches at most {bound:0.###}")));
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("demand").AddColumn(new TableColumn("asked").RightAligned()).AddColumn(new TableColumn("planned").RightAligned())
            .AddColumn(new TableColumn("met").RightAligned()).AddColumn("route").AddColumn("sees the key");
        foreach (var d in plan.Demands)
        {
            table.AddRow(
                Markup.Escape(d.Demand.Id),
                d.Demand.RateBps.ToString("N0", CultureInfo.InvariantCulture),
                d.SatisfiedBps.ToString("N0", CultureInfo.InvariantCulture),
                (d.Met ? "[green]" : "[red]") + d.Fraction.ToString("P0", CultureInfo.InvariantCulture) + "[/]",
                Markup.Escape(string.Join(" | ", d.Paths.Select(p => $"{p.Nodes.Length - 1} hops"))),
                Markup.Escape(d.Protected ? "none alone (XOR of 2 disjoint paths)" : $"{d.TrustedNodesSeeingKey.Length} nodes"));
        }

        console.Write(table);
        var bottlenecks = plan.Bottlenecks.ToList();
        console.MarkupLine(Markup.Escape(bottlenecks.Count == 0 ? "no link is full" : $"full links (bottlenecks): {string.Join(", ", bottlenecks.Select(b => b.Link.Id))}"));
    }

    private static int WriteReport(string? path, NetworkPlan plan, SimulationResult? day, DesignResult? design, TextWriter output, TextWriter error)
    {
        if (path is null)
        {
            return ExitCodes.Ok;
        }

        string text = path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) ? NetworkReport.Markdown(plan, day, design)
            : path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase) ? NetworkReport.Map(plan)
            : NetworkReport.Html(plan, day, design);
        int code = CommandOutput.Emit(text, path, output, error);
        if (code == ExitCodes.Ok)
        {
            Consoles.For(output).MarkupLine(Markup.Escape($"report written to {path}"));
        }

        return code;
    }
}
