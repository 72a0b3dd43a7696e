using System.Text.RegularExpressions;
using LiveChat.Tests.Infrastructure;
using Xunit.Abstractions;

namespace LiveChat.Tests.Hosting;

/// <summary>
/// The shape of LiveChat.Core (README, Architecture): its feature folders depend one way, read from each file's
/// <c>using LiveChat.Core.X</c> directives and <c>LiveChat.Core.X.</c> qualified names.
/// </summary>
public sealed partial class ArchitectureTests(ITestOutputHelper output)
{
    static readonly string Core = Path.Combine(LocalStack.RepoRoot, "LiveChat.Core");

    static Dictionary<string, SortedSet<string>> FolderDependencies()
    {
        var graph = new Dictionary<string, SortedSet<string>>();
        foreach (var folder in Directory.GetDirectories(Core).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")))
        {
            var uses = new SortedSet<string>();
            foreach (var file in Directory.GetFiles(Path.Combine(Core, folder!), "*.cs", SearchOption.AllDirectories))
                foreach (Match use in CoreReference().Matches(File.ReadAllText(file)))
                    if (use.Groups[1].Value != folder) uses.Add(use.Groups[1].Value);
            graph[folder!] = uses;
        }
        return graph;
    }

    [Fact]
    public void Core_feature_folders_depend_one_way()
    {
        var graph = FolderDependencies();
        foreach (var (folder, uses) in graph.OrderBy(g => g.Key)) output.WriteLine($"{folder} -> {string.Join(", ", uses)}");

        var cycles = new List<string>();
        foreach (var start in graph.Keys)
        {
            // Depth-first from each folder: reaching it again is a cycle.
            var stack = new Stack<List<string>>([[start]]);
            var seen = new HashSet<string>();
            while (stack.TryPop(out var path))
                foreach (var next in graph.GetValueOrDefault(path[^1]) ?? [])
                {
                    if (next == start) cycles.Add(string.Join(" -> ", path.Append(next)));
                    else if (seen.Add(next)) stack.Push([.. path, next]);
                }
        }
        Assert.Empty(cycles);
    }

    [Fact]
    public void The_lower_folders_use_no_feature_above_them()
    {
        var graph = FolderDependencies();
        // Errors and Telemetry are leaves; Storage and Identity serve every feature; Chat and Sweep are the top.
        Assert.Empty(graph["Errors"]);
        Assert.Empty(graph["Telemetry"]);
        foreach (var folder in new[] { "Storage", "Identity", "Machines", "Tickets", "Uploads", "Realtime", "Limits" })
            Assert.DoesNotContain("Chat", graph[folder]);
        Assert.DoesNotContain("Sweep", graph.Where(g => g.Key != "Sweep").SelectMany(g => g.Value));
    }

    [Fact]
    public void No_core_file_is_over_250_lines()
    {
        var long_ = Directory.GetFiles(Core, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(f => (File: Path.GetRelativePath(Core, f), Lines: File.ReadAllLines(f).Length))
            .Where(f => f.Lines > 250);
        Assert.Empty(long_);
    }

    [Fact]
    public void No_tool_references_the_function_app()
    {
        var tools = Directory.GetFiles(Path.Combine(LocalStack.RepoRoot, "tools"), "*.csproj", SearchOption.AllDirectories);
        Assert.NotEmpty(tools);
        Assert.Empty(tools.Where(p => File.ReadAllText(p).Contains("LiveChat.Functions.csproj")).Select(Path.GetFileName));
    }

    [Fact]
    public void Triggers_leave_callers_roles_and_rate_limits_to_the_pipeline()
    {
        // Api.ForAgent / ForMachine / ForParticipant resolve the caller, refuse a staff-only call and take the rate limit,
        // as the function declares them ([StaffOnly], [RateLimited]), once.
        var triggers = Directory.GetFiles(Path.Combine(LocalStack.RepoRoot, "LiveChat.Functions", "Functions"), "*.cs");
        Assert.NotEmpty(triggers);
        var strays = triggers.SelectMany(file => File.ReadAllLines(file).Select((line, i) => (line, i))
                .Where(l => l.line.Contains("AgentAsync(req") || l.line.Contains("MachineAsync(req") || l.line.Contains("RequireStaff")
                            || l.line.Contains(".IsStaff") || l.line.Contains("limits.Take") || l.line.Contains("ChatParticipant.Of"))
                .Select(l => $"{Path.GetFileName(file)}:{l.i + 1}"))
            .ToList();
        Assert.Empty(strays);
    }

    [Fact]
    public void Every_text_a_caller_reads_lives_in_a_catalog_file()
    {
        // Portuguese is the callers' language here; outside the catalog files a string literal carries none of it.
        var sources = new[] { Core, Path.Combine(LocalStack.RepoRoot, "LiveChat.Functions") }
            .SelectMany(root => Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !f.EndsWith("Catalog.cs") && !f.EndsWith("Texts.cs"));
        var strays = sources.SelectMany(file => File.ReadAllLines(file)
                .Select((line, i) => (line, i))
                .Where(l => !l.line.TrimStart().StartsWith("//") && PortugueseLiteral().IsMatch(l.line))
                .Select(l => $"{Path.GetFileName(file)}:{l.i + 1}"))
            .ToList();
        Assert.Empty(strays);
    }

    [GeneratedRegex("\"[^\"]*[ãõçáéíóúâêôÃÕÇÁÉÍÓÚ][^\"]*\"")]
    private static partial Regex PortugueseLiteral();

    [GeneratedRegex(@"(?:using\s+|\b)LiveChat\.Core\.([A-Z][A-Za-z]*)\b")]
    private static partial Regex CoreReference();
}
