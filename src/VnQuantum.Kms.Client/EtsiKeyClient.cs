using System.Net.Http.Json;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using VnQuantum.Kms.Etsi014;
using VnQuantum.Kms.Pqc;

namespace VnQuantum.Kms.Client;

/// <summary>A key from the KME, possibly combined with ML-KEM: its ID, its bytes, and (hybrid, master side) the
/// ciphertext that must travel with the ID to the slave.</summary>
public sealed record ClientKey(string KeyId, byte[] Key, string? MlKemCiphertext);

/// <summary>Thrown for an answer other than 200, with the standard's Error body.</summary>
public sealed class KmeException(int status, string message) : Exception($"KME answered {status}: {message}")
{
    public int Status { get; } = status;
}

/// <summary>
/// An SAE's client of ETSI GS QKD 014 over mutual TLS: its certificate identifies it to the KME; the KME's
/// certificate must chain to <c>ca</c>. With the hybrid, the master encapsulates to the slave's signed ML-KEM key and
/// both derive <see cref="HybridKey"/>; the KMEs never see the ML-KEM secret.
/// </summary>
public sealed class EtsiKeyClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly X509Certificate2 _ca;

    public EtsiKeyClient(Uri kme, X509Certificate2 clientCertificate, X509Certificate2 ca)
    {
        _ca = ca;
        _http = CreateHttpClient(kme, clientCertificate, ca);
    }

    /// <summary>
    /// An HTTPS client that presents <paramref name="clientCertificate"/> (none: null) and accepts only a server whose
    /// certificate chains to <paramref name="ca"/> and names the host; keep-alive, up to
    /// <paramref name="maxConnections"/> connections.
    /// </summary>
    public static HttpClient CreateHttpClient(Uri baseAddress, X509Certificate2? clientCertificate, X509Certificate2 ca, int maxConnections = int.MaxValue, TimeSpan? timeout = null)
    {
        var ssl = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                cert is X509Certificate2 c && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0 && Pki.ChainTrust.ChainsTo(c, ca, Pki.ChainTrust.ServerAuthentication),
        };
        if (clientCertificate is not null)
        {
            ssl.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(new SocketsHttpHandler { SslOptions = ssl, MaxConnectionsPerServer = maxConnections, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>GET status for the link to <paramref name="slave"/>.</summary>
    public async Task<Status> GetStatusAsync(string slave, CancellationToken cancel = default) =>
        await Read<Status>(await _http.GetAsync($"/api/v1/keys/{Uri.EscapeDataString(slave)}/status", cancel), cancel);

    /// <summary>enc_keys: <paramref name="number"/> keys of <paramref name="sizeBits"/> shared with <paramref name="slave"/>.</summary>
    public async Task<IReadOnlyList<ClientKey>> GetKeysAsync(string slave, int number = 1, int? sizeBits = null, CancellationToken cancel = default)
    {
        var body = new Dictionary<string, object> { ["number"] = number };
        if (sizeBits is int s)
        {
            body["size"] = s;
        }

        var container = await Read<KeyContainer>(await _http.PostAsJsonAsync($"/api/v1/keys/{Uri.EscapeDataString(slave)}/enc_keys", body, cancel), cancel);
        return container.Keys.Select(k => new ClientKey(k.KeyId, Convert.FromBase64String(k.Key), null)).ToList();
    }

    /// <summary>dec_keys: the keys <paramref name="keyIds"/> that <paramref name="master"/> obtained for this SAE.</summary>
    public async Task<IReadOnlyList<ClientKey>> GetKeysWithIdsAsync(string master, IReadOnlyList<string> keyIds, CancellationToken cancel = default)
    {
        var body = new { key_IDs = keyIds.Select(id => new { key_ID = id }).ToList() };
        var container = await Read<KeyContainer>(await _http.PostAsJsonAsync($"/api/v1/keys/{Uri.EscapeDataString(master)}/dec_keys", body, cancel), cancel);
        return container.Keys.Select(k => new ClientKey(k.KeyId, Convert.FromBase64String(k.Key), null)).ToList();
    }

    /// <summary>
    /// Master side of the hybrid: one QKD key for <paramref name="slave"/>, an ML-KEM-768 encapsulation to the slave's
    /// key (verified against <paramref name="slaveCertificate"/> first), and the derived key. Send the key ID and
    /// <see cref="ClientKey.MlKemCiphertext"/> to the slave.
    /// </summary>
    public async Task<ClientKey> GetHybridKeyAsync(string master, string slave, SignedEncapsulationKey slaveKey, X509Certificate2 slaveCertificate, int sizeBits = 256, CancellationToken cancel = default)
    {
        // The key must be the slave's own: its certificate chains to our CA, names the slave, and signed the key.
        if (slaveKey.SaeId != slave || !string.Equals(slaveCertificate.GetNameInfo(X509NameType.SimpleName, false), slave, StringComparison.OrdinalIgnoreCase)
            || !Pki.ChainTrust.ChainsTo(slaveCertificate, _ca, Pki.ChainTrust.ClientAuthentication))
        {
            throw new CryptographicException($"the encapsulation key or certificate given for {slave} is not {slave}'s (wrong SAE ID, name or CA)");
        }

        byte[] ek = slaveKey.Verify(slaveCertificate);
        var qkd = (await GetKeysAsync(slave, 1, sizeBits, cancel))[0];
        var (ciphertext, secret) = MlKem768.Encapsulate(ek);
        try
        {
            byte[] key = HybridKey.Derive(qkd.Key, secret, qkd.KeyId, master, slave, ek, ciphertext, qkd.Key.Length);
            return new ClientKey(qkd.KeyId, key, Convert.ToBase64String(ciphertext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(qkd.Key);
        }
    }

    /// <summary>Slave side of the hybrid: the QKD key by ID, decapsulation of the master's ciphertext with this SAE's
    /// key, and the same derived key.</summary>
    public async Task<ClientKey> GetHybridKeyWithIdAsync(string master, string slave, string keyId, string ciphertextBase64, byte[] decapsulationKey, byte[] encapsulationKey, CancellationToken cancel = default)
    {
        // Everything that can be checked is checked before the QKD key is fetched: dec_keys delivers a key once, so
        // a request that fails afterwards would have spent it.
        byte[] ciphertext;
        try
        {
            ciphertext = Convert.FromBase64String(ciphertextBase64);
        }
        catch (FormatException)
        {
            throw new ArgumentException("the ML-KEM ciphertext is not Base64; the QKD key was not fetched");
        }

        if (!Guid.TryParseExact(keyId, "D", out _))
        {
            throw new ArgumentException($"'{keyId}' is not a UUID key_ID; the QKD key was not fetched");
        }

        byte[] secret = MlKem768.Decapsulate(decapsulationKey, ciphertext);
        if (encapsulationKey.Length != MlKem768.EncapsulationKeyBytes || !decapsulationKey.AsSpan(1152, MlKem768.EncapsulationKeyBytes).SequenceEqual(encapsulationKey))
        {
            CryptographicOperations.ZeroMemory(secret);
            throw new ArgumentException("the encapsulation key is not the one inside this decapsulation key; the QKD key was not fetched");
        }

        ClientKey qkd;
        try
        {
            qkd = (await GetKeysWithIdsAsync(master, [keyId], cancel))[0];
        }
        catch
        {
            CryptographicOperations.ZeroMemory(secret);
            throw;
        }

        try
        {
            return new ClientKey(keyId, HybridKey.Derive(qkd.Key, secret, keyId, master, slave, encapsulationKey, ciphertext, qkd.Key.Length), null);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(qkd.Key);
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<T> Read<T>(HttpResponseMessage answer, CancellationToken cancel)
    {
        using var response = answer;
        if (!response.IsSuccessStatusCode)
        {
            string message;
            try
            {
                message = (await response.Content.ReadFromJsonAsync<JsonElement>(cancel)).GetProperty("message").GetString() ?? "";
            }
            catch (JsonException)
            {
                message = response.ReasonPhrase ?? "";
            }

            throw new KmeException((int)response.StatusCode, message);
        }

        return (await response.Content.ReadFromJsonAsync<T>(cancel))!;
    }
}
