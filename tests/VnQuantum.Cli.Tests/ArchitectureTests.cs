using System.Text.RegularExpressions;

namespace VnQuantum.Cli.Tests;

/// <summary>docs/architecture.md's table of arrows is the project graph: a reference added or dropped fails here until the page says so.</summary>
public sealed partial class ArchitectureTests
{
    [Fact]
    public void ProjectReferences_AreTheArrowsOfTheArchitecturePage()
    {
        string root = Path.GetFullPath(Path.Combine(VnqAppTests.Sample("."), ".."));
        string page = File.ReadAllText(Path.Combine(root, "docs", "architecture.md"));
        int begin = page.IndexOf("<!-- arrows:begin -->", StringComparison.Ordinal), end = page.IndexOf("<!-- arrows:end -->", StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/architecture.md has no arrows table");
        var documented = page[begin..end].Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("| VnQuantum.", StringComparison.Ordinal))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .ToDictionary(c => c[0], c => string.Join(", ", c[1] == "—" ? [] : c[1].Split(", ").Order(StringComparer.Ordinal)));

        var actual = Directory.GetDirectories(Path.Combine(root, "src"))
            .Select(d => Path.Combine(d, Path.GetFileName(d) + ".csproj"))
            .Where(File.Exists)
            .ToDictionary(
                p => Path.GetFileNameWithoutExtension(p),
                p => string.Join(", ", Reference().Matches(File.ReadAllText(p)).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal)));

        Assert.Equal(actual.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
        foreach (var (project, references) in actual)
        {
            Assert.True(documented[project] == references, $"{project}: the csproj references [{references}], docs/architecture.md says [{documented[project]}]");
        }

        // Dependencies point down: no library references a shell.
        string[] shells = ["VnQuantum.Cli", "VnQuantum.Hub", "VnQuantum.Kms.Host"];
        foreach (var (project, references) in actual.Where(p => !shells.Contains(p.Key)))
        {
            Assert.DoesNotContain(references.Split(", "), r => shells.Contains(r));
        }
    }

    [GeneratedRegex("""<ProjectReference Include="\.\.\\([^\\]+)\\""")]
    private static partial Regex Reference();
}
