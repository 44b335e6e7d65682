using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using VnQuantum.Hub.Data;

namespace VnQuantum.Hub.Pages;

[AllowAnonymous]
public sealed class SearchModel(HubDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public IReadOnlyList<SearchHit> Hits { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancel)
    {
        Hits = await SearchIndex.QueryAsync(db, Query, User.Identity?.IsAuthenticated == true, cancel: cancel);
    }
}
