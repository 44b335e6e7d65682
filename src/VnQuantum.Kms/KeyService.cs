using System.Security.Cryptography;
using VnQuantum.Kms.Etsi014;
using VnQuantum.Kms.Storage;

namespace VnQuantum.Kms;

/// <summary>
/// The three ETSI GS QKD 014 operations for SAEs attached to this KME. The caller's SAE ID is an argument the host
/// takes from the client certificate; this class trusts it and checks everything else.
/// </summary>
public sealed class KeyService(KmsOptions options, IKeyStore store)
{
    private readonly HashSet<string> _saes = [.. options.SaeCertificates.Values];

    /// <summary>GET status (Section 5.1): the link from the calling master to <paramref name="slave"/>.</summary>
    public ApiResult<Status> GetStatus(string caller, string slave)
    {
        if (!_saes.Contains(slave))
        {
            return ApiResult<Status>.BadRequest($"unknown slave_SAE_ID '{slave}'");
        }

        long keys = store.AvailableBytes() / (options.KeySize / 8);
        return ApiResult<Status>.Ok(new Status(options.KmeId, options.PeerKmeId, caller, slave, options.KeySize,
            (int)Math.Min(keys, options.MaxKeyCount), options.MaxKeyCount, options.MaxKeyPerRequest, options.MaxKeySize,
            options.MinKeySize, options.MaxSaeIdCount));
    }

    /// <summary>Get key (Section 5.2): new keys for the calling master, shared with <paramref name="slave"/> and the
    /// additional slaves.</summary>
    public ApiResult<KeyContainer> GetEncKeys(string caller, string slave, KeyRequest request)
    {
        if (!_saes.Contains(slave))
        {
            return ApiResult<KeyContainer>.BadRequest($"unknown slave_SAE_ID '{slave}'");
        }

        if (slave == caller)
        {
            return ApiResult<KeyContainer>.BadRequest("a master SAE cannot request keys shared with itself");
        }

        if (request.ExtensionMandatory.Count > 0)
        {
            string names = string.Join(", ", request.ExtensionMandatory.SelectMany(e => e.Keys));
            return ApiResult<KeyContainer>.BadRequest("not all extension_mandatory parameters are supported", $"unsupported extension_mandatory parameters: {names}");
        }

        if (request.Number < 1 || request.Number > options.MaxKeyPerRequest)
        {
            return ApiResult<KeyContainer>.BadRequest($"number {request.Number} is outside 1..{options.MaxKeyPerRequest} (max_key_per_request)");
        }

        int size = request.Size ?? options.KeySize;
        if (size % 8 != 0 || size < options.MinKeySize || size > options.MaxKeySize)
        {
            return ApiResult<KeyContainer>.BadRequest($"size {size} must be a multiple of 8 bits within {options.MinKeySize}..{options.MaxKeySize}");
        }

        var slaves = new List<string> { slave };
        foreach (string extra in request.AdditionalSlaveSaeIds)
        {
            if (!_saes.Contains(extra))
            {
                return ApiResult<KeyContainer>.BadRequest($"unknown SAE '{extra}' in additional_slave_SAE_IDs");
            }

            if (extra == caller || slaves.Contains(extra))
            {
                return ApiResult<KeyContainer>.BadRequest($"'{extra}' is listed twice or is the master itself");
            }

            slaves.Add(extra);
        }

        if (slaves.Count > options.MaxSaeIdCount)
        {
            return ApiResult<KeyContainer>.BadRequest($"{slaves.Count} slave SAEs exceed max_SAE_ID_count {options.MaxSaeIdCount}");
        }

        var keys = store.Reserve(caller, slaves, request.Number, size / 8);
        if (keys is null)
        {
            return ApiResult<KeyContainer>.Unavailable($"not enough key material for {request.Number} keys of {size} bits; try again later");
        }

        return ApiResult<KeyContainer>.Ok(ToContainer(keys));
    }

    /// <summary>Get key with key IDs (Section 5.3): the calling slave fetches keys that <paramref name="master"/>
    /// obtained for it. Any ID that is not the caller's to fetch gives 401 and nothing is delivered.</summary>
    public ApiResult<KeyContainer> GetDecKeys(string caller, string master, IReadOnlyList<Guid> keyIds)
    {
        if (!_saes.Contains(master))
        {
            return ApiResult<KeyContainer>.BadRequest($"unknown master_SAE_ID '{master}'");
        }

        if (keyIds.Count == 0 || keyIds.Count > options.MaxKeyPerRequest)
        {
            return ApiResult<KeyContainer>.BadRequest($"key_IDs must hold 1..{options.MaxKeyPerRequest} IDs (got {keyIds.Count})");
        }

        var keys = store.Deliver(master, caller, keyIds);
        return keys is null
            ? ApiResult<KeyContainer>.Unauthorized("one or more key_IDs are not available to this SAE: unknown, of another SAE pair, or already delivered")
            : ApiResult<KeyContainer>.Ok(ToContainer(keys));
    }

    /// <summary>Base64 for the wire; the KMS's own copies are zeroed (the Base64 strings cannot be).</summary>
    private static KeyContainer ToContainer(IReadOnlyList<StoredKey> keys)
    {
        var entries = new List<KeyEntry>(keys.Count);
        foreach (var k in keys)
        {
            entries.Add(new KeyEntry(k.Id.ToString("D"), Convert.ToBase64String(k.Material)));
            CryptographicOperations.ZeroMemory(k.Material);
        }

        return new KeyContainer(entries);
    }
}
