using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace LiveChat.Tools;

/// <summary>The app settings the worker runs with locally: LiveChat.Functions/local.settings.json (or LIVECHAT_SETTINGS).</summary>
public static class LocalSettings
{
    /// <summary>Its "Values" are environment-style names (Cosmos__Database); the worker reads them as Cosmos:Database.</summary>
    public static IConfiguration Load()
    {
        var file = Environment.GetEnvironmentVariable("LIVECHAT_SETTINGS") ?? Path.Combine(RepoRoot(), "LiveChat.Functions", "local.settings.json");
        if (!File.Exists(file)) throw new FileNotFoundException($"{file} not found: start ./run.sh once (it creates it from local.settings.sample.json).");
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        var values = json.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(v => v.Name.Replace("__", ":"), v => (string?)v.Value.ToString());
        return new ConfigurationBuilder().AddInMemoryCollection(values).AddEnvironmentVariables().Build();
    }

    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LiveChat.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
