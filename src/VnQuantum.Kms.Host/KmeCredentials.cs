using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using VnQuantum.Kms.Pki;

namespace VnQuantum.Kms.Host;

/// <summary>
/// The KME's certificates as files on disk, reloaded when they change: its own certificate and key (served to
/// clients and presented to peers), the CA that is the only trust anchor, and the CA's CRL. A change is seen within
/// <see cref="CheckInterval"/> of the next handshake; a file that does not load keeps the previous one in force and is
/// logged. Nothing needs a restart.
/// </summary>
internal sealed class KmeCredentials : IDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly KmsOptions _options;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    private DateTime _checkedAt;
    private (DateTime Cert, DateTime Key, DateTime Ca, DateTime Crl) _stamps;
    private Snapshot _current;
    private bool _staleLogged;

    /// <exception cref="KmsConfigurationException">A file named by the configuration is missing or does not load.</exception>
    public KmeCredentials(KmsOptions options, ILogger log)
    {
        _options = options;
        _log = log;
        _stamps = Stamps();
        _current = LoadAll(null);
        if (_current.Crl is { } crl && crl.IsStale(DateTimeOffset.UtcNow))
        {
            throw new KmsConfigurationException("clientCrl", $"{options.ClientCrl}: the CRL is stale (nextUpdate {crl.NextUpdate:O} has passed); ask the CA for a current one");
        }
    }

    /// <summary>This KME's certificate with its key.</summary>
    public X509Certificate2 Server => Current.Server;

    /// <summary>The trust anchor.</summary>
    public X509Certificate2 Ca => Current.Ca;

    /// <summary>The certificates in force, reloaded first if a file changed.</summary>
    public Snapshot Current
    {
        get
        {
            var now = DateTime.UtcNow;
            lock (_gate)
            {
                if (now - _checkedAt < CheckInterval)
                {
                    return _current;
                }

                _checkedAt = now;
                var stamps = Stamps();
                if (stamps != _stamps)
                {
                    try
                    {
                        _current = LoadAll(_current);
                        _stamps = stamps;
                        _staleLogged = false;
                        _log.LogInformation("certificates reloaded: server {Server}, CA {Ca}, CRL {Crl}", DemoPki.Thumbprint(_current.Server), DemoPki.Thumbprint(_current.Ca), _current.Crl?.Fingerprint ?? "none");
                    }
                    catch (KmsConfigurationException e)
                    {
                        _log.LogError("certificate reload failed, the previous ones stay in force: {Field}: {Problem}", e.Field, e.Message);
                    }
                }

                return _current;
            }
        }
    }

    /// <summary>Whether a client certificate is one this KME accepts at the handshake, and why not.</summary>
    public bool IsTrusted(X509Certificate2 cert, out string? refusal)
    {
        var snapshot = Current;
        if (!ChainTrust.ChainsTo(cert, snapshot.Ca, ChainTrust.ClientAuthentication))
        {
            refusal = "the chain does not end at the configured CA, or the certificate is outside its validity or not for client authentication";
            return false;
        }

        if (snapshot.Crl is { } crl)
        {
            if (crl.IsStale(DateTimeOffset.UtcNow))
            {
                // Fail closed: a list past nextUpdate may be missing revocations.
                if (!_staleLogged)
                {
                    _staleLogged = true;
                    _log.LogError("the CRL {Path} is stale (nextUpdate {Next:O}); every client certificate is refused until a current CRL is in place", _options.ClientCrl, crl.NextUpdate);
                }

                refusal = "the CRL is stale";
                return false;
            }

            if (crl.IsRevoked(cert))
            {
                refusal = "the certificate is revoked";
                return false;
            }
        }

        refusal = null;
        return true;
    }

    public void Dispose()
    {
        _current.Server.Dispose();
        _current.Ca.Dispose();
    }

    private (DateTime, DateTime, DateTime, DateTime) Stamps()
    {
        static DateTime Stamp(string? path) => path is not null && File.Exists(path) ? File.GetLastWriteTimeUtc(path) : DateTime.MinValue;
        return (Stamp(_options.ServerCertificate), Stamp(_options.ServerKey), Stamp(_options.ClientCaCertificate), Stamp(_options.ClientCrl));
    }

    private Snapshot LoadAll(Snapshot? previous)
    {
        var ca = Load("clientCaCertificate", _options.ClientCaCertificate, p => X509Certificate2.CreateFromPem(File.ReadAllText(p)));
        var server = Load("serverCertificate", _options.ServerCertificate, p => X509Certificate2.CreateFromPemFile(p, _options.ServerKey));
        CertificateRevocationList? crl = null;
        if (_options.ClientCrl is string crlPath)
        {
            crl = Load("clientCrl", crlPath, p => CertificateRevocationList.Load(File.ReadAllBytes(p), ca));
            if (previous?.Crl is { } inForce && crl.ThisUpdate < inForce.ThisUpdate)
            {
                // An older list would bring back certificates revoked since.
                throw new KmsConfigurationException("clientCrl", $"{crlPath}: issued {crl.ThisUpdate:O}, before the CRL in force ({inForce.ThisUpdate:O})");
            }
        }

        // Handshakes in flight may still hold the previous certificates; they are left to the finalizer.
        return new Snapshot(server, ca, crl);
    }

    private static T Load<T>(string field, string path, Func<string, T> load)
    {
        try
        {
            return load(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidDataException or ArgumentException)
        {
            throw new KmsConfigurationException(field, $"{path}: {e.Message}");
        }
    }

    /// <summary>The certificates in force at one moment.</summary>
    internal sealed record Snapshot(X509Certificate2 Server, X509Certificate2 Ca, CertificateRevocationList? Crl);
}

/// <summary>A configuration field whose value cannot be used (a missing file, a key that does not load, a busy port).</summary>
public sealed class KmsConfigurationException(string field, string message) : Exception(message)
{
    /// <summary>The configuration field (camelCase, as in the JSON file).</summary>
    public string Field { get; } = field;
}
