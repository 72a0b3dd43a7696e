using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using LiveChat.Core.Storage;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Storage;

/// <summary>infra/: every template builds and lints clean with the Bicep CLI from NuGet, and matches the code's containers.</summary>
public sealed class InfrastructureTests
{
    static readonly string Infra = Path.Combine(LocalStack.RepoRoot, "infra");

    static string Bicep => Path.Combine(
        typeof(InfrastructureTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value!,
        "tools", "bicep");

    internal static async Task<(int ExitCode, string Output)> RunBicepAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Bicep) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Infra };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["BICEP_TRACING_ENABLED"] = "false";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    public static IEnumerable<object[]> BicepFiles() =>
        Directory.GetFiles(Infra, "*.bicep", SearchOption.AllDirectories).Select(f => new object[] { Path.GetRelativePath(Infra, f) });

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public async Task Template_builds_and_lints_without_errors_or_warnings(string file)
    {
        var build = await RunBicepAsync("build", file, "--stdout");
        Assert.True(build.ExitCode == 0, build.Output);
        Assert.DoesNotContain(": Warning ", build.Output);
        var lint = await RunBicepAsync("lint", file);
        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.Equal("", lint.Output.Trim());
    }

    sealed record ContainerSpec(string Name, string[] PartitionKey, string[][] UniqueKeys, CompositeSpec[][] CompositeIndexes, int? DefaultTtl);
    sealed record CompositeSpec(string Path, string Order);

    [Fact]
    public void Bicep_containers_match_the_codes_container_definitions()
    {
        var json = File.ReadAllText(Path.Combine(Infra, "containers.json"));
        var infra = JsonSerializer.Deserialize<ContainerSpec[]>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        var code = Containers.All.Select(c => new ContainerSpec(
            c.Id,
            c.PartitionKeyPaths.ToArray(),
            c.UniqueKeyPolicy.UniqueKeys.Select(k => k.Paths.ToArray()).ToArray(),
            c.IndexingPolicy.CompositeIndexes.Select(ci => ci.Select(p => new CompositeSpec(p.Path,
                p.Order == CompositePathSortOrder.Ascending ? "ascending" : "descending")).ToArray()).ToArray(),
            c.DefaultTimeToLive)).ToArray();

        static string Canonical(IEnumerable<ContainerSpec> specs) => JsonSerializer.Serialize(specs.OrderBy(s => s.Name));
        Assert.Equal(Canonical(code), Canonical(infra));
    }

    [Fact]
    public async Task The_compiled_template_creates_every_container()
    {
        var build = await RunBicepAsync("build", "main.bicep", "--stdout");
        foreach (var container in Containers.All)
            Assert.Contains($"\"{container.Id}\"", build.Output);
        Assert.Contains("defaultTtl", build.Output); // webhookDeliveries expire by their own ttl
    }
}
