using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.X509;

namespace VnQuantum.Kms.Pki;

/// <summary>
/// A CRL (RFC 5280, Section 5) parsed by BouncyCastle and checked against its CA: the issuer must be the CA and the
/// signature must verify under the CA's key, or <see cref="Load"/> refuses it. A CRL past its <c>nextUpdate</c> is
/// stale (<see cref="IsStale"/>): a KME then refuses every client rather than trust a list that may miss revocations.
/// </summary>
public sealed class CertificateRevocationList
{
    private readonly X509Crl _crl;

    private CertificateRevocationList(X509Crl crl) => _crl = crl;

    /// <summary>When the CA issued this list.</summary>
    public DateTimeOffset ThisUpdate => new(DateTime.SpecifyKind(_crl.ThisUpdate, DateTimeKind.Utc));

    /// <summary>When the CA promised the next list (null: never, which RFC 5280 forbids but some CAs do).</summary>
    public DateTimeOffset? NextUpdate => _crl.NextUpdate is DateTime next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null;

    /// <summary>Reads a PEM (or DER) CRL and checks that <paramref name="ca"/> issued and signed it.</summary>
    /// <exception cref="InvalidDataException">Not a CRL, another issuer's, or a signature that does not verify.</exception>
    public static CertificateRevocationList Load(ReadOnlySpan<byte> pemOrDer, X509Certificate2 ca)
    {
        X509Crl? crl;
        try
        {
            crl = new X509CrlParser().ReadCrl(pemOrDer.ToArray());
        }
        catch (Exception e) when (e is IOException or ArgumentException or Org.BouncyCastle.Security.Certificates.CrlException or InvalidCastException)
        {
            throw new InvalidDataException($"not a CRL: {e.Message}", e);
        }

        if (crl is null)
        {
            throw new InvalidDataException("not a CRL: no X509 CRL found");
        }

        var issuer = new X509CertificateParser().ReadCertificate(ca.RawData);
        if (!crl.IssuerDN.Equivalent(issuer.SubjectDN))
        {
            throw new InvalidDataException($"the CRL was issued by '{crl.IssuerDN}', not by the CA '{issuer.SubjectDN}'");
        }

        try
        {
            crl.Verify(issuer.GetPublicKey());
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.SignatureException or Org.BouncyCastle.Security.Certificates.CrlException or InvalidOperationException)
        {
            throw new InvalidDataException($"the CRL's signature does not verify under the CA's key: {e.Message}", e);
        }

        return new CertificateRevocationList(crl);
    }

    /// <summary>Past <see cref="NextUpdate"/>.</summary>
    public bool IsStale(DateTimeOffset now) => NextUpdate is { } next && now > next;

    /// <summary>Whether the list revokes <paramref name="cert"/> (by serial number; the issuer was checked at load).</summary>
    public bool IsRevoked(X509Certificate2 cert) =>
        _crl.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(1, cert.SerialNumberBytes.ToArray())) is not null;

    /// <summary>The revoked serial numbers, big-endian unsigned bytes.</summary>
    public IReadOnlyList<byte[]> RevokedSerials() =>
        _crl.GetRevokedCertificates()?.Select(e => e.SerialNumber.ToByteArrayUnsigned()).ToList() ?? [];

    /// <summary>SHA-256 of the encoded list, to tell reloads apart in logs.</summary>
    public string Fingerprint => Convert.ToHexString(SHA256.HashData(_crl.GetEncoded()))[..16];
}
