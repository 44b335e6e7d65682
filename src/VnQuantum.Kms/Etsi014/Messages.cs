using System.Text.Json.Serialization;

namespace VnQuantum.Kms.Etsi014;

// The JSON objects of ETSI GS QKD 014 V1.1.1 (2019-02), Section 6, with the field names and types of the standard.

/// <summary>Status (Section 6.1): what a master SAE may ask of the link to a slave SAE.</summary>
public sealed record Status(
    [property: JsonPropertyName("source_KME_ID")] string SourceKmeId,
    [property: JsonPropertyName("target_KME_ID")] string TargetKmeId,
    [property: JsonPropertyName("master_SAE_ID")] string MasterSaeId,
    [property: JsonPropertyName("slave_SAE_ID")] string SlaveSaeId,
    [property: JsonPropertyName("key_size")] int KeySize,
    [property: JsonPropertyName("stored_key_count")] int StoredKeyCount,
    [property: JsonPropertyName("max_key_count")] int MaxKeyCount,
    [property: JsonPropertyName("max_key_per_request")] int MaxKeyPerRequest,
    [property: JsonPropertyName("max_key_size")] int MaxKeySize,
    [property: JsonPropertyName("min_key_size")] int MinKeySize,
    [property: JsonPropertyName("max_SAE_ID_count")] int MaxSaeIdCount);

/// <summary>Key request (Section 6.2), the body of a POST to enc_keys.</summary>
public sealed record KeyRequest(
    int Number,
    int? Size,
    IReadOnlyList<string> AdditionalSlaveSaeIds,
    IReadOnlyList<IReadOnlyDictionary<string, System.Text.Json.JsonElement>> ExtensionMandatory);

/// <summary>One key of a Key container (Section 6.3).</summary>
public sealed record KeyEntry(
    [property: JsonPropertyName("key_ID")] string KeyId,
    [property: JsonPropertyName("key")] string Key);

/// <summary>Key container (Section 6.3): the keys delivered by enc_keys and dec_keys.</summary>
public sealed record KeyContainer([property: JsonPropertyName("keys")] IReadOnlyList<KeyEntry> Keys);

/// <summary>Error (Section 6.5): every non-200 answer.</summary>
public sealed record Error(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("details"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<IReadOnlyDictionary<string, string>>? Details = null);

/// <summary>The outcome of an API call: a value, or an HTTP status with the standard's Error body.</summary>
public sealed class ApiResult<T>
{
    private ApiResult(T? value, int status, Error? error)
    {
        Value = value;
        StatusCode = status;
        Error = error;
    }

    public T? Value { get; }

    /// <summary>200, 400, 401 or 503 (ETSI GS QKD 014, Section 5), or 413 for a body over the limit.</summary>
    public int StatusCode { get; }

    public Error? Error { get; }

    public bool IsSuccess => StatusCode == 200;

    public static ApiResult<T> Ok(T value) => new(value, 200, null);

    public static ApiResult<T> BadRequest(string message, string? detail = null) => new(default, 400, Describe(message, detail));

    public static ApiResult<T> Unauthorized(string message) => new(default, 401, new Error(message));

    public static ApiResult<T> Unavailable(string message) => new(default, 503, new Error(message));

    /// <summary>Another HTTP error (413, 414) with the standard's Error body.</summary>
    public static ApiResult<T> Failure(int status, string message) => new(default, status, new Error(message));

    private static Error Describe(string message, string? detail) =>
        new(message, detail is null ? null : [new Dictionary<string, string> { ["message"] = detail }]);
}
