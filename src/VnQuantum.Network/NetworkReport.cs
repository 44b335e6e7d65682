using System.Globalization;
using System.Text;

namespace VnQuantum.Network;

/// <summary>
/// What people look at: a map of the network (nodes placed by their coordinates, links coloured by utilisation, unmet
/// demands dashed), tables per demand and per link, and the pools over the simulated day — as one self-contained HTML
/// page (inline SVG, no scripts, nothing fetched) or as Markdown.
/// </summary>
public static class NetworkReport
{
    public static string Html(NetworkPlan plan, SimulationResult? day = null, DesignResult? design = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var html = new StringBuilder();
        string title = Encode(plan.Topology.Name);
        string bound = plan.UpperBound is double b
            ? string.Create(CultureInfo.InvariantCulture, $"; weighted objective {plan.Objective:0.###} (an unrestricted routing reaches at most {b:0.###})")
            : string.Empty;
        html.Append(CultureInfo.InvariantCulture, $$"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>{{title}} — QKD network plan</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #1b1b1b; max-width: 1200px; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            .unmet { background: #fde2e2; } .bottleneck { background: #fff1cc; }
            .legend span { display: inline-block; width: 14px; height: 14px; margin: 0 4px 0 12px; vertical-align: middle; }
            </style></head><body>
            <h1>{{title}}</h1>
            <p>{{plan.Topology.Nodes.Length}} nodes, {{plan.Topology.Links.Length}} links, {{plan.Demands.Length}} demands. Routing: {{Encode(plan.Method)}}, solved in {{plan.Elapsed.TotalSeconds:0.00}} s.
            {{plan.Demands.Count(d => d.Met)}} of {{plan.Demands.Length}} demands met in full{{bound}}.</p>
            """);
        html.Append(Map(plan));
        html.Append("""<p class="legend">link utilisation:<span style="background:#2e7d32"></span>&lt; 50 %<span style="background:#f9a825"></span>50–90 %<span style="background:#e65100"></span>90–99.9 %<span style="background:#c62828"></span>full · dashed red: an unmet demand · ● trusted node ■ site ◆ untrusted relay</p>""");
        html.Append("<h2>Demands</h2><table><tr><th>demand</th><th>from → to</th><th>priority</th><th>asked (bit/s)</th><th>planned (bit/s)</th><th>met</th><th>route(s)</th><th>nodes that see the key</th></tr>");
        foreach (var d in plan.Demands)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(d.Met ? string.Empty : "unmet")}\"><td>{Encode(d.Demand.Id)}</td><td>{Encode(d.Demand.From)} → {Encode(d.Demand.To)}</td><td>{d.Demand.Priority:0.#}</td><td>{Rate(d.Demand.RateBps)}</td><td>{Rate(d.SatisfiedBps)}</td><td>{d.Fraction:P1}</td><td>{Encode(string.Join("; ", d.Paths.Select(p => $"{string.Join("–", p.Nodes)} ({Rate(p.RateBps)})")))}</td><td>{(d.Protected ? "none alone (two disjoint paths, XOR)" : Encode(string.Join(", ", d.TrustedNodesSeeingKey)))}</td></tr>");
        }

        html.Append("</table><h2>Links</h2><table><tr><th>link</th><th>length (km)</th><th>key rate (bit/s)</th><th>used (bit/s)</th><th>utilisation</th></tr>");
        foreach (var l in plan.Links.OrderByDescending(l => l.Utilisation))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(l.Bottleneck ? "bottleneck" : string.Empty)}\"><td>{Encode(l.Link.Id)}</td><td>{l.Link.LengthKm:0.#}</td><td>{Rate(l.CapacityBps)}</td><td>{Rate(l.UsedBps)}</td><td>{l.Utilisation:P1}</td></tr>");
        }

        html.Append("</table>");
        if (design is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>Design</h2><p>{Encode(design.Method)}: build nodes {Encode(string.Join(", ", design.BuiltNodes))} and links {Encode(string.Join(", ", design.BuiltLinks))}; cost {design.Cost:0.##} against {design.TrivialCost:0.##} for building every candidate; no design costs less than {design.LowerBound:0.##} (gap {design.Gap:P1}).</p>");
        }

        if (day is not null)
        {
            html.Append(CultureInfo.InvariantCulture, $"<h2>A simulated day</h2><p>{day.Options.Hours:0.#} h, seed {day.Options.Seed}: {day.Requests:N0} key requests, {day.Served:N0} served, {day.Refused:N0} refused ({day.Events:N0} events in {day.Elapsed.TotalSeconds:0.0} s).</p>");
            html.Append(PoolChart(day));
            html.Append("<table><tr><th>demand</th><th>requests</th><th>served</th><th>refused</th><th>mean latency (ms)</th><th>max latency (ms)</th></tr>");
            foreach (var d in day.Demands)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"{(d.Refused > 0 ? "unmet" : string.Empty)}\"><td>{Encode(d.Demand.Id)}</td><td>{d.Requests:N0}</td><td>{d.Served:N0}</td><td>{d.Refused:N0}</td><td>{d.MeanLatencyMs:0.0}</td><td>{d.MaxLatencyMs:0.0}</td></tr>");
            }

            html.Append("</table>");
        }

        html.Append("</body></html>\n");
        return html.ToString();
    }

    public static string Markdown(NetworkPlan plan, SimulationResult? day = null, DesignResult? design = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# {plan.Topology.Name}\n\n{plan.Demands.Count(d => d.Met)} of {plan.Demands.Length} demands met in full ({plan.Method}, {plan.Elapsed.TotalSeconds:0.00} s).\n\n");
        md.Append("| demand | asked (bit/s) | planned (bit/s) | met | route(s) | nodes that see the key |\n|---|---:|---:|---:|---|---|\n");
        foreach (var d in plan.Demands)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {d.Demand.Id} | {Rate(d.Demand.RateBps)} | {Rate(d.SatisfiedBps)} | {d.Fraction:P1} | {string.Join("; ", d.Paths.Select(p => string.Join("–", p.Nodes)))} | {(d.Protected ? "none alone (disjoint pair)" : string.Join(", ", d.TrustedNodesSeeingKey))} |\n");
        }

        md.Append("\n| link | key rate (bit/s) | used (bit/s) | utilisation |\n|---|---:|---:|---:|\n");
        foreach (var l in plan.Links.OrderByDescending(l => l.Utilisation).Take(20))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {l.Link.Id}{(l.Bottleneck ? " (bottleneck)" : string.Empty)} | {Rate(l.CapacityBps)} | {Rate(l.UsedBps)} | {l.Utilisation:P1} |\n");
        }

        if (design is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nDesign ({design.Method}): cost {design.Cost:0.##} (build everything: {design.TrivialCost:0.##}; lower bound {design.LowerBound:0.##}).\n");
        }

        if (day is not null)
        {
            md.Append(CultureInfo.InvariantCulture, $"\nSimulated {day.Options.Hours:0.#} h: {day.Requests:N0} requests, {day.Served:N0} served, {day.Refused:N0} refused.\n");
        }

        return md.ToString();
    }

    /// <summary>The network on an equirectangular projection of its coordinates.</summary>
    public static string Map(NetworkPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var topology = plan.Topology;
        const int width = 720, height = 900, margin = 40;
        double minLat = topology.Nodes.Min(n => n.Latitude), maxLat = topology.Nodes.Max(n => n.Latitude);
        double minLon = topology.Nodes.Min(n => n.Longitude), maxLon = topology.Nodes.Max(n => n.Longitude);
        double cos = Math.Cos((minLat + maxLat) / 2 * Math.PI / 180);
        double spanX = Math.Max((maxLon - minLon) * cos, 1e-6), spanY = Math.Max(maxLat - minLat, 1e-6);
        double scale = Math.Min((width - (2 * margin)) / spanX, (height - (2 * margin)) / spanY);
        (double X, double Y) At(Node n) => (margin + ((n.Longitude - minLon) * cos * scale), height - margin - ((n.Latitude - minLat) * scale));
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"{width}\" height=\"{height}\" fill=\"#f7f9fc\"/>\n");
        foreach (var l in plan.Links)
        {
            var (x1, y1) = At(topology.NodeById(l.Link.From));
            var (x2, y2) = At(topology.NodeById(l.Link.To));
            string colour = l.CapacityBps <= 0 ? "#9e9e9e" : l.Utilisation >= 0.999 ? "#c62828" : l.Utilisation >= 0.9 ? "#e65100" : l.Utilisation >= 0.5 ? "#f9a825" : "#2e7d32";
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\" stroke=\"{colour}\" stroke-width=\"3\"><title>{Encode(l.Link.Id)}: {Rate(l.UsedBps)} of {Rate(l.CapacityBps)} bit/s ({l.Utilisation:P0})</title></line>\n");
        }

        foreach (var d in plan.Unmet)
        {
            var (x1, y1) = At(topology.NodeById(d.Demand.From));
            var (x2, y2) = At(topology.NodeById(d.Demand.To));
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\" stroke=\"#c62828\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"><title>unmet: {Encode(d.Demand.Id)} ({d.Fraction:P0})</title></line>\n");
        }

        foreach (var n in topology.Nodes)
        {
            var (x, y) = At(n);
            string shape = n.Kind switch
            {
                NodeKind.Site => $"<rect x=\"{F(x - 4)}\" y=\"{F(y - 4)}\" width=\"8\" height=\"8\" fill=\"#1565c0\">",
                NodeKind.Untrusted => $"<rect x=\"{F(x - 4)}\" y=\"{F(y - 4)}\" width=\"8\" height=\"8\" fill=\"#6a1b9a\" transform=\"rotate(45 {F(x)} {F(y)})\">",
                _ => $"<circle cx=\"{F(x)}\" cy=\"{F(y)}\" r=\"4.5\" fill=\"#263238\">",
            };
            svg.Append(shape).Append(CultureInfo.InvariantCulture, $"<title>{Encode(n.Name)} ({n.Kind.ToString().ToLowerInvariant()})</title>").Append(n.Kind == NodeKind.Trusted ? "</circle>" : "</rect>").Append('\n');
            if (n.Kind != NodeKind.Trusted || n.Cost == 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(x + 7)}\" y=\"{F(y + 4)}\">{Encode(n.Name)}</text>\n");
            }
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Pool levels over the day for the links that ran lowest.</summary>
    public static string PoolChart(SimulationResult day, int lines = 6)
    {
        ArgumentNullException.ThrowIfNull(day);
        const int width = 900, height = 320, left = 70, bottom = 40, top = 20, right = 180;
        double hours = day.Options.Hours, capacity = day.Options.PoolCapacityBits;
        string[] colours = ["#1565c0", "#c62828", "#2e7d32", "#f9a825", "#6a1b9a", "#00838f", "#5d4037", "#ad1457"];
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        double X(double h) => left + (h / hours * (width - left - right));
        double Y(double bits) => height - bottom - (bits / capacity * (height - top - bottom));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"black\"/><line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n");
        for (int h = 0; h <= (int)hours; h += Math.Max(1, (int)hours / 8))
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(h))}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{h} h</text>\n");
        }

        for (int k = 0; k <= 4; k++)
        {
            double bits = capacity * k / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(Y(bits) + 4)}\" text-anchor=\"end\">{bits / 1e6:0.#} Mb</text>\n");
        }

        var chosen = day.Pools.Where(p => p.Samples.Length > 0).OrderBy(p => p.MinimumBits).ThenByDescending(p => p.HoursDown).Take(lines).ToList();
        for (int i = 0; i < chosen.Count; i++)
        {
            var trace = chosen[i];
            string points = string.Join(" ", trace.Samples.Select(s => $"{F(X(s.Hour))},{F(Y(s.Bits))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{colours[i % colours.Length]}\" stroke-width=\"1.5\" points=\"{points}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width - right + 10}\" y=\"{top + 14 + (i * 16)}\" fill=\"{colours[i % colours.Length]}\">{Encode(trace.Link.Id)}{(trace.HoursDown > 0 ? $" (down {trace.HoursDown:0.#} h)" : string.Empty)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"12\">key in the pools of the {chosen.Count} links that ran lowest</text>\n</svg>\n");
        return svg.ToString();
    }

    /// <summary>Escapes markup characters only (WebUtility would turn every Vietnamese letter into an entity; the page is UTF-8).</summary>
    private static string Encode(string text) => text
        .Replace("&", "&amp;", StringComparison.Ordinal)
        .Replace("<", "&lt;", StringComparison.Ordinal)
        .Replace(">", "&gt;", StringComparison.Ordinal)
        .Replace("\"", "&quot;", StringComparison.Ordinal);

    private static string Rate(double bps) => bps switch
    {
        >= 1e6 => $"{bps / 1e6:0.##} M",
        >= 1e3 => $"{bps / 1e3:0.##} k",
        _ => bps.ToString("0.#", CultureInfo.InvariantCulture),
    };
}
