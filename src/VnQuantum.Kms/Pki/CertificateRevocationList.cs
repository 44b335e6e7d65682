using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VnQuantum.Kms.Pki;

/// <summary>Reads the serial numbers a PEM CRL revokes.</summary>
public static class CertificateRevocationList
{
    /// <summary>Serial numbers of <c>revokedCertificates</c> in a PEM "X509 CRL" (RFC 5280, Section 5.1).</summary>
    public static IReadOnlyList<BigInteger> RevokedSerials(string pem)
    {
        var fields = PemEncoding.Find(pem);
        byte[] der = Convert.FromBase64String(pem[fields.Base64Data]);
        var reader = new AsnReader(der, AsnEncodingRules.DER);
        var list = reader.ReadSequence();
        var tbs = list.ReadSequence();
        if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer))
        {
            tbs.ReadInteger();
        }

        tbs.ReadSequence(); // signature algorithm
        tbs.ReadEncodedValue(); // issuer
        tbs.ReadEncodedValue(); // thisUpdate
        if (tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime)))
        {
            tbs.ReadEncodedValue(); // nextUpdate
        }

        var serials = new List<BigInteger>();
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var revoked = tbs.ReadSequence();
            while (revoked.HasData)
            {
                var entry = revoked.ReadSequence();
                serials.Add(entry.ReadInteger());
            }
        }

        return serials;
    }

    /// <summary>Whether <paramref name="cert"/>'s serial number is in the list.</summary>
    public static bool IsRevoked(X509Certificate2 cert, IReadOnlyCollection<BigInteger> revoked) =>
        revoked.Contains(new BigInteger(cert.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true));
}
