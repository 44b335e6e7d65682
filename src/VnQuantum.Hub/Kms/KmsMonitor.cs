using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using VnQuantum.Kms.Client;
using VnQuantum.Kms.Etsi014;

namespace VnQuantum.Hub.Kms;

/// <summary>
/// One KME link the hub watches (Hub:Kms:Links): the KME's address, the slave SAE to ask about, and the monitoring SAE's
/// certificate and key (PEM) with the CA the KME's certificate must chain to. Give the hub an SAE of its own: it only
/// ever asks for status, never for keys.
/// </summary>
public sealed class KmsLink
{
    public string Name { get; set; } = string.Empty;

    public string Url { get; set; } = string.Empty;

    public string Slave { get; set; } = string.Empty;

    public string Certificate { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public string Ca { get; set; } = string.Empty;
}

public sealed class KmsWatchOptions
{
    public List<KmsLink> Links { get; } = [];
}

/// <summary>What one link answered: its ETSI GS QKD 014 status, or why there is none.</summary>
public sealed record KmsLinkState(KmsLink Link, Status? Status, string? Problem);

/// <summary>Asks each configured KME for the status of its link (ETSI GS QKD 014 over mutual TLS), all at once.</summary>
public sealed class KmsMonitor(IOptions<KmsWatchOptions> options)
{
    public IReadOnlyList<KmsLink> Links => options.Value.Links;

    public async Task<IReadOnlyList<KmsLinkState>> QueryAsync(CancellationToken cancel = default) =>
        await Task.WhenAll(Links.Select(link => QueryAsync(link, cancel)));

    private static async Task<KmsLinkState> QueryAsync(KmsLink link, CancellationToken cancel)
    {
        try
        {
            using var certificate = X509Certificate2.CreateFromPemFile(link.Certificate, link.Key);
            using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(link.Ca));
            using var client = new EtsiKeyClient(new Uri(link.Url), certificate, ca);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            return new KmsLinkState(link, await client.GetStatusAsync(link.Slave, timeout.Token), null);
        }
        catch (KmeException e)
        {
            return new KmsLinkState(link, null, e.Message);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or System.Security.Cryptography.CryptographicException or UriFormatException)
        {
            return new KmsLinkState(link, null, e is OperationCanceledException ? "no answer within 5 s" : e.Message);
        }
    }
}
