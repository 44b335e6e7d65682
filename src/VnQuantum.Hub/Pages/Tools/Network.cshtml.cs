using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Timeouts;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using VnQuantum.Hub.Tools;
using VnQuantum.Network;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>
/// QKD network planning on a sample topology or an uploaded one (JSON or YAML): link rates from the QKD physics, the
/// trusted-node routing LP of the network pillar, and the plan on a map. Errors in an uploaded file name its element
/// and field, as the pillar reports them. An upload is capped in bytes and in elements, and the LP stops at the tool
/// pages' deadline; larger networks are for <c>vnq net plan</c>.
/// </summary>
[AllowAnonymous]
[RequestTimeout(ToolLimits.Policy)]
[EnableRateLimiting(ToolLimits.Policy)]
// A body up to this size is read and refused with a message naming the page's limit; beyond it the server answers 413.
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public sealed class NetworkModel(IStringLocalizer<SharedResource> text, ToolLimits limits) : PageModel
{
    public const int MaxUploadBytes = 256 * 1024;

    public const int MaxRequestBytes = 16 << 20;

    public static IReadOnlyList<string> Samples { get; } =
        [.. typeof(NetworkModel).Assembly.GetManifestResourceNames().Where(n => n.StartsWith("networks/", StringComparison.Ordinal)).Select(n => n["networks/".Length..]).Order(StringComparer.Ordinal)];

    [BindProperty(SupportsGet = true)]
    public string Sample { get; set; } = "vietnam-backbone.json";

    [BindProperty(SupportsGet = true)]
    public bool Disjoint { get; set; }

    [BindProperty]
    public IFormFile? Upload { get; set; }

    public NetworkPlan? Plan { get; private set; }

    public string? Map { get; private set; }

    public string? Problem { get; private set; }

    public string Source { get; private set; } = string.Empty;

    public void OnGet()
    {
        if (!Samples.Contains(Sample))
        {
            Problem = text["network.choose", string.Join(", ", Samples)];
            return;
        }

        using var stream = typeof(NetworkModel).Assembly.GetManifestResourceStream("networks/" + Sample)!;
        using var reader = new StreamReader(stream);
        Run(reader.ReadToEnd(), Sample);
    }

    public async Task OnPostAsync()
    {
        if (Upload is not { Length: > 0 } file)
        {
            Problem = text["network.nofile"];
            return;
        }

        if (file.Length > MaxUploadBytes)
        {
            Problem = text["network.toolarge", file.FileName, file.Length, MaxUploadBytes];
            return;
        }

        using var reader = new StreamReader(file.OpenReadStream());
        Run(await reader.ReadToEndAsync(HttpContext.RequestAborted), Path.GetFileName(file.FileName));
    }

    private void Run(string content, string name)
    {
        Source = name;
        var cancel = HttpContext.RequestAborted;
        try
        {
            var topology = name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? TopologyFile.ParseYaml(content, name)
                : TopologyFile.Parse(content, name);
            int elements = topology.Nodes.Length + topology.Links.Length + topology.Demands.Length;
            if (elements > limits.MaxTopologyElements)
            {
                Problem = text["network.toomany", name, elements, limits.MaxTopologyElements];
                return;
            }

            // A plan is of the network as it stands: candidate sites and links are for design, not routing.
            Plan = Planner.PlanAsBuilt(topology, new PlanOptions(Disjoint), cancel: cancel);
            Map = NetworkReport.Map(Plan).Replace("<svg ", "<svg role=\"img\" aria-labelledby=\"map-caption\" ", StringComparison.Ordinal);
        }
        catch (TopologyException e)
        {
            Problem = e.Message;
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            Problem = text["tools.timeout", limits.Seconds];
        }
    }
}
