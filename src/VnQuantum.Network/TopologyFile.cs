using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VnQuantum.Qkd.KeyRates;
using VnQuantum.Qkd.Links;
using YamlDotNet.RepresentationModel;

namespace VnQuantum.Network;

/// <summary>A topology file that cannot be used; the message names the file, the element and the field.</summary>
public sealed class TopologyException : Exception
{
    public TopologyException(string message)
        : base(message)
    {
    }

    public TopologyException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public TopologyException()
    {
    }
}

/// <summary>
/// Reads a topology from JSON or YAML (by extension), validating every field with a message that names it
/// (<c>links[3].lengthKm: must be &gt; 0</c>). A link without <c>lengthKm</c> gets the great-circle distance between
/// its nodes times the file's <c>routeFactor</c> (fibre does not run straight; 1.5 by default).
/// </summary>
public static class TopologyFile
{
    public static Topology Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TopologyException($"{path}: cannot read: {e.Message}");
        }

        return path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            ? ParseYaml(text, path)
            : Parse(text, path);
    }

    public static Topology Parse(string json, string source = "<topology>")
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new TopologyException($"{source}:{(e.LineNumber ?? 0) + 1}:{(e.BytePositionInLine ?? 0) + 1}: not valid JSON: {e.Message.Split(" LineNumber")[0]}");
        }

        return new Reader(source).Topology(root);
    }

    /// <summary>Nesting a topology file may have (JSON's reader has the same default); it needs five.</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes a YAML file may expand to once its aliases are followed (a "billion laughs" file expands exponentially).</summary>
    public const int MaxYamlNodes = 100_000;

    /// <summary>
    /// YAML with the same fields: read into the JSON model, then validated the same way. The file's shape is checked
    /// first with the streaming parser (nesting), because YamlDotNet's document model is built recursively; aliases are
    /// followed with a budget of <see cref="MaxYamlNodes"/>.
    /// </summary>
    public static Topology ParseYaml(string yaml, string source = "<topology>")
    {
        var stream = new YamlStream();
        try
        {
            CheckNesting(yaml, source);
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new TopologyException($"{source}:{e.Start.Line}:{e.Start.Column}: not valid YAML: {e.Message}");
        }

        var budget = new NodeBudget(source);
        return new Reader(source).Topology(stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode, budget));
    }

    private static void CheckNesting(string yaml, string source)
    {
        var parser = new YamlDotNet.Core.Parser(new StringReader(yaml));
        int depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart when ++depth > MaxDepth:
                    throw new TopologyException($"{source}:{parser.Current.Start.Line}:{parser.Current.Start.Column}: nested deeper than {MaxDepth} levels");
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    break;
            }
        }
    }

    private static JsonNode? ToJson(YamlNode node, NodeBudget budget)
    {
        budget.Spend(node);
        return node switch
        {
            YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(p.Key is YamlScalarNode key ? key.Value ?? string.Empty : throw new TopologyException($"{budget.Source}:{p.Key.Start.Line}:{p.Key.Start.Column}: a key must be a plain value"), ToJson(p.Value, budget)))),
            YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => ToJson(c, budget)).ToArray()),
            YamlScalarNode scalar when scalar.Style is YamlDotNet.Core.ScalarStyle.Plain && double.TryParse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) => JsonValue.Create(d),
            YamlScalarNode scalar when scalar.Style is YamlDotNet.Core.ScalarStyle.Plain && scalar.Value is "true" or "false" => JsonValue.Create(scalar.Value == "true"),
            YamlScalarNode scalar => JsonValue.Create(scalar.Value),
            _ => null,
        };
    }

    /// <summary>Counts the nodes produced while aliases are followed, so that a small file cannot expand without bound.</summary>
    private sealed class NodeBudget(string source)
    {
        private int _nodes;

        public string Source => source;

        public void Spend(YamlNode node)
        {
            if (++_nodes > MaxYamlNodes)
            {
                throw new TopologyException(string.Create(CultureInfo.InvariantCulture, $"{source}:{node.Start.Line}:{node.Start.Column}: the file expands to more than {MaxYamlNodes:N0} values (aliases of aliases?)"));
            }
        }
    }

    /// <summary>Writes a topology as JSON (what <see cref="Parse"/> reads).</summary>
    public static string Write(Topology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var options = new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };
        var root = new JsonObject
        {
            ["name"] = topology.Name,
            ["routeFactor"] = topology.RouteFactor,
            ["profiles"] = JsonSerializer.SerializeToNode(topology.Profiles, options),
            ["nodes"] = JsonSerializer.SerializeToNode(topology.Nodes, options),
            ["links"] = JsonSerializer.SerializeToNode(topology.Links, options),
            ["demands"] = JsonSerializer.SerializeToNode(topology.Demands, options),
        };
        return root.ToJsonString(options);
    }

    private sealed class Reader(string source)
    {

        public Topology Topology(JsonNode? root)
        {
            var obj = Object(root, "the topology");
            string name = OptionalString(obj, "name", "topology") ?? "network";
            double routeFactor = OptionalNumber(obj, "routeFactor", "routeFactor", 1.5);
            if (routeFactor < 1)
            {
                throw Fail("routeFactor", "must be ≥ 1 (fibre is never shorter than the straight line)");
            }

            var profiles = Array(obj, "profiles", required: false).Select((p, i) => Profile(p, $"profiles[{i}]")).ToImmutableArray();
            if (profiles.IsEmpty)
            {
                profiles = [new LinkProfile("default", "snspd", "bb84-finite", 1e8)];
            }

            Unique(profiles.Select(p => p.Name), "profiles", "name");
            var nodes = Array(obj, "nodes", required: true).Select((n, i) => Node(n, $"nodes[{i}]")).ToImmutableArray();
            if (nodes.IsEmpty)
            {
                throw Fail("nodes", "needs at least one node");
            }

            Unique(nodes.Select(n => n.Id), "nodes", "id");
            var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
            var links = Array(obj, "links", required: true).Select((l, i) => Link(l, $"links[{i}]", byId, profiles, routeFactor)).ToImmutableArray();
            Unique(links.Select(l => l.Id), "links", "id");
            var demands = Array(obj, "demands", required: false).Select((d, i) => Demand(d, $"demands[{i}]", byId)).ToImmutableArray();
            Unique(demands.Select(d => d.Id), "demands", "id");
            foreach (var key in obj.Select(p => p.Key))
            {
                if (key is not ("name" or "routeFactor" or "profiles" or "nodes" or "links" or "demands" or "description" or "$schema"))
                {
                    throw Fail(key, "unknown field; a topology has name, description, routeFactor, profiles, nodes, links, demands");
                }
            }

            return new Topology(name, nodes, links, profiles, demands, routeFactor);
        }

        private LinkProfile Profile(JsonNode? node, string path)
        {
            var o = Object(node, path);
            string name = RequiredString(o, "name", path);
            string preset = OptionalString(o, "preset", path) ?? "snspd";
            if (!LinkPresets.IsKnown(preset))
            {
                throw Fail($"{path}.preset", LinkPresets.UnknownMessage(preset));
            }

            string protocol = OptionalString(o, "protocol", path) ?? "bb84-finite";
            if (!KeyRateProtocols.IsKnown(protocol))
            {
                throw Fail($"{path}.protocol", KeyRateProtocols.UnknownMessage(protocol));
            }

            double block = OptionalNumber(o, "blockBits", $"{path}.blockBits", 1e8);
            if (block < 1e3)
            {
                throw Fail($"{path}.blockBits", "must be ≥ 1000 sifted bits for a finite-key bound");
            }

            double? rate = Has(o, "repetitionRateHz") ? Positive(o, "repetitionRateHz", path) : null;
            double? loss = Has(o, "lossDbPerKm") ? Positive(o, "lossDbPerKm", path) : null;
            return new LinkProfile(name, preset, protocol, block, rate, loss);
        }

        private Node Node(JsonNode? node, string path)
        {
            var o = Object(node, path);
            string id = RequiredString(o, "id", path);
            double lat = RequiredNumber(o, "latitude", path);
            double lon = RequiredNumber(o, "longitude", path);
            if (lat is < -90 or > 90)
            {
                throw Fail($"{path}.latitude", "must be in −90…90 degrees");
            }

            if (lon is < -180 or > 180)
            {
                throw Fail($"{path}.longitude", "must be in −180…180 degrees");
            }

            string kindText = OptionalString(o, "kind", path) ?? "site";
            var kind = kindText switch
            {
                "site" => NodeKind.Site,
                "trusted" => NodeKind.Trusted,
                "untrusted" => NodeKind.Untrusted,
                _ => throw Fail($"{path}.kind", $"unknown kind '{kindText}'; one of site, trusted, untrusted"),
            };
            double cost = OptionalNumber(o, "cost", $"{path}.cost", 0);
            if (cost < 0)
            {
                throw Fail($"{path}.cost", "must be ≥ 0");
            }

            return new Node(id, OptionalString(o, "name", path) ?? id, lat, lon, kind, cost, OptionalBool(o, "candidate", path), OptionalBool(o, "relays", path));
        }

        private Link Link(JsonNode? node, string path, Dictionary<string, Node> nodes, ImmutableArray<LinkProfile> profiles, double routeFactor)
        {
            var o = Object(node, path);
            string from = RequiredString(o, "from", path), to = RequiredString(o, "to", path);
            if (!nodes.ContainsKey(from))
            {
                throw Fail($"{path}.from", $"no node has id '{from}'");
            }

            if (!nodes.ContainsKey(to))
            {
                throw Fail($"{path}.to", $"no node has id '{to}'");
            }

            if (from == to)
            {
                throw Fail($"{path}.to", "a link joins two different nodes");
            }

            string id = OptionalString(o, "id", path) ?? $"{from}-{to}";
            double length = Has(o, "lengthKm")
                ? RequiredNumber(o, "lengthKm", path)
                : Network.Topology.GreatCircleKm(nodes[from], nodes[to]) * routeFactor;
            if (!(length > 0))
            {
                throw Fail($"{path}.lengthKm", "must be > 0");
            }

            string profile = OptionalString(o, "profile", path) ?? profiles[0].Name;
            if (!profiles.Any(p => p.Name == profile))
            {
                throw Fail($"{path}.profile", $"no profile is named '{profile}'");
            }

            double? loss = Has(o, "lossDbPerKm") ? Positive(o, "lossDbPerKm", path) : null;
            double cost = OptionalNumber(o, "cost", $"{path}.cost", 0);
            var outages = Array(o, "outages", required: false).Select((w, i) =>
            {
                var wo = Object(w, $"{path}.outages[{i}]");
                double start = RequiredNumber(wo, "startHour", $"{path}.outages[{i}]"), end = RequiredNumber(wo, "endHour", $"{path}.outages[{i}]");
                if (start < 0 || end <= start)
                {
                    throw Fail($"{path}.outages[{i}]", "needs 0 ≤ startHour < endHour");
                }

                return new Window(start, end);
            }).ToImmutableArray();
            return new Link(id, from, to, length, profile, loss, cost, OptionalBool(o, "candidate", path), outages);
        }

        private Demand Demand(JsonNode? node, string path, Dictionary<string, Node> nodes)
        {
            var o = Object(node, path);
            string from = RequiredString(o, "from", path), to = RequiredString(o, "to", path);
            foreach (var (field, id) in new[] { ("from", from), ("to", to) })
            {
                if (!nodes.TryGetValue(id, out var n))
                {
                    throw Fail($"{path}.{field}", $"no node has id '{id}'");
                }

                if (n.Kind == NodeKind.Untrusted)
                {
                    throw Fail($"{path}.{field}", $"'{id}' is an untrusted relay; keys are delivered to sites and trusted nodes");
                }
            }

            if (from == to)
            {
                throw Fail($"{path}.to", "a demand joins two different nodes");
            }

            double rate = Positive(o, "rateBps", path);
            double priority = OptionalNumber(o, "priority", $"{path}.priority", 1);
            if (!(priority > 0))
            {
                throw Fail($"{path}.priority", "must be > 0");
            }

            double keyBits = OptionalNumber(o, "keyBits", $"{path}.keyBits", 256);
            if (keyBits < 1 || keyBits > 1 << 20 || keyBits != Math.Floor(keyBits))
            {
                throw Fail($"{path}.keyBits", "must be a whole number of bits from 1 to 2^20");
            }

            return new Demand(OptionalString(o, "id", path) ?? $"{from}->{to}", from, to, rate, priority, (int)keyBits);
        }

        private JsonObject Object(JsonNode? node, string path) => node as JsonObject ?? throw Fail(path, "must be an object");

        private IEnumerable<JsonNode?> Array(JsonObject o, string name, bool required)
        {
            if (!o.TryGetPropertyValue(name, out var value) || value is null)
            {
                return required ? throw Fail(name, "missing") : [];
            }

            return value as JsonArray ?? throw Fail(name, "must be an array");
        }

        private string RequiredString(JsonObject o, string name, string path) =>
            OptionalString(o, name, path) is { Length: > 0 } s ? s : throw Fail($"{path}.{name}", "missing (a non-empty string)");

        private string? OptionalString(JsonObject o, string name, string path)
        {
            if (!o.TryGetPropertyValue(name, out var v) || v is null)
            {
                return null;
            }

            return v is JsonValue value && value.TryGetValue(out string? s) ? s : throw Fail($"{path}.{name}", "must be a string");
        }

        private static bool Has(JsonObject o, string name) => o.TryGetPropertyValue(name, out var v) && v is not null;

        private double RequiredNumber(JsonObject o, string name, string path) =>
            Has(o, name) ? OptionalNumber(o, name, $"{path}.{name}", 0) : throw Fail($"{path}.{name}", "missing (a number)");

        private double OptionalNumber(JsonObject o, string name, string path, double fallback)
        {
            if (!o.TryGetPropertyValue(name, out var v) || v is null)
            {
                return fallback;
            }

            return v is JsonValue value && value.TryGetValue(out double d) && double.IsFinite(d) ? d : throw Fail(path, "must be a number");
        }

        private double Positive(JsonObject o, string name, string path)
        {
            double v = RequiredNumber(o, name, path);
            return v > 0 ? v : throw Fail($"{path}.{name}", "must be > 0");
        }

        private bool OptionalBool(JsonObject o, string name, string path)
        {
            if (!o.TryGetPropertyValue(name, out var v) || v is null)
            {
                return false;
            }

            return v is JsonValue value && value.TryGetValue(out bool b) ? b : throw Fail($"{path}.{name}", "must be true or false");
        }

        private void Unique(IEnumerable<string> ids, string collection, string field)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int i = 0;
            foreach (string id in ids)
            {
                if (!seen.Add(id))
                {
                    throw Fail($"{collection}[{i}].{field}", $"'{id}' is used twice");
                }

                i++;
            }
        }

        private TopologyException Fail(string path, string message) => new($"{source}: {path}: {message}");
    }
}
