using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VnQuantum.Kms.Pki;

/// <summary>
/// A small local PKI for demos and tests, made with System.Security.Cryptography only: a CA, KME server certificates
/// and SAE client certificates (ECDSA P-256, PEM files), and CRLs. Production deployments use the institution's PKI.
/// </summary>
public static class DemoPki
{
    /// <summary>Creates (or reuses) <c>ca.crt</c>/<c>ca.key</c> in <paramref name="dir"/>, a server certificate per KME
    /// (<c>{kme}.crt</c>/<c>.key</c>, valid for localhost and 127.0.0.1) and a client certificate per SAE
    /// (<c>{sae}.crt</c>/<c>.key</c>, subject CN = the SAE ID). A certificate whose files exist is kept as it is:
    /// issuing one never touches the others. Returns each SAE's SHA-256 thumbprint.</summary>
    public static IReadOnlyDictionary<string, string> Init(string dir, IEnumerable<string> kmes, IEnumerable<string> saes, TimeSpan? validity = null) =>
        InitAll(dir, kmes, saes, validity).Where(c => !c.Server).ToDictionary(c => c.Name, c => c.Thumbprint);

    /// <summary><see cref="Init"/> with every certificate's thumbprint, and whether it was issued now or already there.</summary>
    public static IReadOnlyList<(string Name, bool Server, string Thumbprint, bool Issued)> InitAll(string dir, IEnumerable<string> kmes, IEnumerable<string> saes, TimeSpan? validity = null)
    {
        Directory.CreateDirectory(dir);
        using var ca = LoadOrCreateCa(dir);
        var result = new List<(string, bool, string, bool)>();
        foreach (var (name, server) in kmes.Select(k => (k, true)).Concat(saes.Select(s => (s, false))))
        {
            string crt = Path.Combine(dir, name + ".crt");
            if (File.Exists(crt) && File.Exists(Path.Combine(dir, name + ".key")))
            {
                using var existing = X509Certificate2.CreateFromPem(File.ReadAllText(crt));
                result.Add((name, server, Thumbprint(existing), false));
                continue;
            }

            using var cert = Issue(ca, dir, name, server, validity ?? TimeSpan.FromDays(365));
            result.Add((name, server, Thumbprint(cert), true));
        }

        return result;
    }

    /// <summary>Issues one certificate signed by the CA in <paramref name="dir"/> (tests use it for expired ones).</summary>
    public static X509Certificate2 Issue(string dir, string name, bool server, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var ca = LoadOrCreateCa(dir);
        return IssueBetween(ca, dir, name, server, notBefore, notAfter);
    }

    /// <summary>Writes <c>ca.crl</c>, revoking the certificates in <paramref name="revoked"/> (PEM paths).</summary>
    public static string Revoke(string dir, IEnumerable<string> revoked)
    {
        using var ca = LoadOrCreateCa(dir);
        var builder = new CertificateRevocationListBuilder();
        string crlPath = Path.Combine(dir, "ca.crl");
        foreach (string path in revoked)
        {
            using var cert = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            builder.AddEntry(cert, DateTimeOffset.UtcNow, X509RevocationReason.KeyCompromise);
        }

        if (File.Exists(crlPath))
        {
            foreach (byte[] serial in CertificateRevocationList.Load(File.ReadAllBytes(crlPath), ca).RevokedSerials())
            {
                builder.AddEntry(serial);
            }
        }

        byte[] crl = builder.Build(ca, new BigInteger(DateTimeOffset.UtcNow.ToUnixTimeSeconds()), DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA256);
        // Written beside and renamed over the old list, so a KME reloading it never reads half a file.
        string temporary = crlPath + ".tmp";
        File.WriteAllText(temporary, PemEncoding.WriteString("X509 CRL", crl));
        File.Move(temporary, crlPath, overwrite: true);
        return crlPath;
    }

    /// <summary>SHA-256 thumbprint, upper-case hex: the key of <see cref="KmsOptions.SaeCertificates"/>.</summary>
    public static string Thumbprint(X509Certificate2 cert) => cert.GetCertHashString(HashAlgorithmName.SHA256);

    private static X509Certificate2 LoadOrCreateCa(string dir)
    {
        string crt = Path.Combine(dir, "ca.crt"), key = Path.Combine(dir, "ca.key");
        if (File.Exists(crt) && File.Exists(key))
        {
            return X509Certificate2.CreateFromPemFile(crt, key);
        }

        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=VnQuantum demo CA", ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Backdated so that tests can issue certificates that have already expired.
        var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddYears(10));
        File.WriteAllText(crt, cert.ExportCertificatePem());
        WritePrivate(key, ecdsa.ExportPkcs8PrivateKeyPem());
        return cert;
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string dir, string name, bool server, TimeSpan validity) =>
        IssueBetween(ca, dir, name, server, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.Add(validity));

    private static X509Certificate2 IssueBetween(X509Certificate2 ca, string dir, string name, bool server, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", ecdsa, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        // KMEs are servers to SAEs and clients of their peer KMEs; SAEs are clients only.
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") };
        if (server)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName("localhost");
            san.AddIpAddress(System.Net.IPAddress.Loopback);
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var signed = request.Create(ca, notBefore, notAfter, serial);
        var withKey = signed.CopyWithPrivateKey(ecdsa);
        File.WriteAllText(Path.Combine(dir, name + ".crt"), withKey.ExportCertificatePem());
        WritePrivate(Path.Combine(dir, name + ".key"), ecdsa.ExportPkcs8PrivateKeyPem());
        return withKey;
    }

    private static void WritePrivate(string path, string pem) => PrivateFile.WriteText(path, pem);
}
