using System.Globalization;
using System.Text.Json;

namespace VnQuantum.Kms.Etsi014;

/// <summary>Reads Key requests and Key IDs from a POST body or GET query, with a message naming each problem.</summary>
internal static class KeyRequestReader
{
    /// <summary>The Key request of a POST body; <c>extension_optional</c> is read and ignored.</summary>
    public static (KeyRequest? Request, string? Problem) FromJson(ReadOnlySpan<byte> body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            return (null, $"malformed JSON in the Key request: {e.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, "the Key request must be a JSON object");
            }

            int number = 1;
            int? size = null;
            var additional = new List<string>();
            var mandatory = new List<IReadOnlyDictionary<string, JsonElement>>();
            foreach (var property in root.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    // An optional field sent as null is absent (as OpenAPI generators send unset fields); an unknown
                    // field is refused even then.
                    if (property.Name is "number" or "size" or "additional_slave_SAE_IDs" or "extension_mandatory" or "extension_optional")
                    {
                        continue;
                    }

                    return (null, $"unknown field '{property.Name}' in the Key request");
                }

                switch (property.Name)
                {
                    case "number":
                        if (!TryInt(property.Value, out number))
                        {
                            return (null, "'number' must be an integer");
                        }

                        break;
                    case "size":
                        if (!TryInt(property.Value, out int s))
                        {
                            return (null, "'size' must be an integer number of bits");
                        }

                        size = s;
                        break;
                    case "additional_slave_SAE_IDs":
                        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                        {
                            return (null, "'additional_slave_SAE_IDs' must be an array of strings");
                        }

                        additional.AddRange(property.Value.EnumerateArray().Select(e => e.GetString()!));
                        break;
                    case "extension_mandatory":
                        if (property.Value.ValueKind != JsonValueKind.Array || property.Value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Object))
                        {
                            return (null, "'extension_mandatory' must be an array of objects");
                        }

                        foreach (var e in property.Value.EnumerateArray())
                        {
                            mandatory.Add(e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
                        }

                        break;
                    case "extension_optional":
                        if (property.Value.ValueKind != JsonValueKind.Array)
                        {
                            return (null, "'extension_optional' must be an array of objects");
                        }

                        break;
                    default:
                        return (null, $"unknown field '{property.Name}' in the Key request");
                }
            }

            return (new KeyRequest(number, size, additional, mandatory), null);
        }
    }

    /// <summary>The Key request of a GET: query parameters <c>number</c> and <c>size</c>.</summary>
    public static (KeyRequest? Request, string? Problem) FromQuery(string? number, string? size)
    {
        int n = 1;
        if (number is not null && !int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out n))
        {
            return (null, $"query parameter 'number' must be a positive integer, not '{number}'");
        }

        int? s = null;
        if (size is not null)
        {
            if (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed))
            {
                return (null, $"query parameter 'size' must be a positive integer number of bits, not '{size}'");
            }

            s = parsed;
        }

        return (new KeyRequest(n, s, [], []), null);
    }

    /// <summary>The Key IDs of a POST body to dec_keys: <c>{"key_IDs": [{"key_ID": "…"}]}</c>.</summary>
    public static (IReadOnlyList<Guid>? Ids, string? Problem) KeyIdsFromJson(ReadOnlySpan<byte> body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body.ToArray(), new JsonDocumentOptions { MaxDepth = 16 });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("key_IDs", out var ids) || ids.ValueKind != JsonValueKind.Array)
            {
                return (null, "the Key IDs object needs an array 'key_IDs'");
            }

            var result = new List<Guid>();
            foreach (var item in ids.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("key_ID", out var id) || id.ValueKind != JsonValueKind.String)
                {
                    return (null, "each entry of 'key_IDs' must be an object with a string 'key_ID'");
                }

                if (!Guid.TryParseExact(id.GetString(), "D", out var guid))
                {
                    return (null, $"'{id.GetString()}' is not a UUID key_ID");
                }

                result.Add(guid);
            }

            return (result, null);
        }
        catch (JsonException e)
        {
            return (null, $"malformed JSON in Key IDs: {e.Message}");
        }
    }

    /// <summary>The key_ID of a GET to dec_keys.</summary>
    public static (IReadOnlyList<Guid>? Ids, string? Problem) KeyIdFromQuery(string? keyId) =>
        keyId is null ? (null, "query parameter 'key_ID' is required")
        : Guid.TryParseExact(keyId, "D", out var guid) ? ([guid], null)
        : (null, $"'{keyId}' is not a UUID key_ID");

    private static bool TryInt(JsonElement e, out int value)
    {
        value = 0;
        return e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out value);
    }
}
