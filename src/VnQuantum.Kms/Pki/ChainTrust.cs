using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VnQuantum.Kms.Pki;

/// <summary>Certificate checks against one private CA: the only trust anchor, no system roots.</summary>
internal static class ChainTrust
{
    /// <summary>TLS client authentication (id-kp-clientAuth).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>TLS server authentication (id-kp-serverAuth).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>
    /// True when <paramref name="cert"/> chains to <paramref name="ca"/>, is within its validity period, and (when
    /// given) carries the extended key usage <paramref name="requiredUsage"/>. Revocation is checked separately,
    /// against the configured CRL.
    /// </summary>
    public static bool ChainsTo(X509Certificate2 cert, X509Certificate2 ca, string? requiredUsage = null)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        // Nothing is fetched on a certificate's say-so (AIA issuers, CRL URLs): the one CA is all there is to trust.
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (requiredUsage is not null)
        {
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(requiredUsage));
        }

        return chain.Build(cert);
    }
}
