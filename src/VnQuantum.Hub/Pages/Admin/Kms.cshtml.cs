using Microsoft.AspNetCore.Mvc.RazorPages;
using VnQuantum.Hub.Kms;

namespace VnQuantum.Hub.Pages.Admin;

/// <summary>The state of the KMS network the hub is configured to watch (network admins only): each link's stored keys and limits.</summary>
public sealed class KmsModel(KmsMonitor monitor) : PageModel
{
    public IReadOnlyList<KmsLinkState> States { get; private set; } = [];

    public bool Configured => monitor.Links.Count > 0;

    public async Task OnGetAsync(CancellationToken cancel) => States = await monitor.QueryAsync(cancel);
}
