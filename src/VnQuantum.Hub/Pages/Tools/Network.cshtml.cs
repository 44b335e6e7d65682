using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using VnQuantum.Network;

namespace VnQuantum.Hub.Pages.Tools;

/// <summary>
/// QKD network planning on a sample topology or an uploaded one (JSON or YAML): link rates from the QKD physics, the
/// trusted-node routing LP of the network pillar, and the plan on a map. Errors in an uploaded file name its element
/// and field, as the pillar reports them.
/// </summary>
public sealed class NetworkModel(IStringLocalizer<SharedResource> text) : PageModel
{
    public const int MaxUploadBytes = 256 * 1024;

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
        Run(await reader.ReadToEndAsync(), Path.GetFileName(file.FileName));
    }

    private void Run(string text, string name)
    {
        Source = name;
        try
        {
            var topology = name.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                ? TopologyFile.ParseYaml(text, name)
                : TopologyFile.Parse(text, name);

            // A plan is of the network as it stands: candidate sites and links are for design, not routing.
            topology = Design.Built(topology, [], []);
            var rates = new LinkRates().All(topology);
            Plan = Planner.Plan(topology, rates, new PlanOptions(Disjoint));
            Map = NetworkReport.Map(Plan).Replace("<svg ", "<svg role=\"img\" aria-labelledby=\"map-caption\" ", StringComparison.Ordinal);
        }
        catch (TopologyException e)
        {
            Problem = e.Message;
        }
    }
}
