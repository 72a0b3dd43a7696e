using System.Text.Json.Nodes;
using LiveChat.Functions.Http;
using LiveChat.Tests.Infrastructure;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace LiveChat.Tests.Hosting;

/// <summary>openapi.json is the code's contract: generated from the functions, committed, served, and valid.</summary>
public sealed class OpenApiTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static readonly string Committed = Path.Combine(LocalStack.RepoRoot, "openapi.json");

    [Fact]
    public void The_committed_document_is_the_one_the_code_generates()
    {
        // After changing a function, its [ApiOperation] or a contract record, write it again (docs/clients.md):
        //   LIVECHAT_WRITE_OPENAPI=1 ./test.sh --filter The_committed_document_is_the_one_the_code_generates
        if (Environment.GetEnvironmentVariable("LIVECHAT_WRITE_OPENAPI") == "1") File.WriteAllText(Committed, OpenApiContract.Text);
        Assert.True(File.ReadAllText(Committed) == OpenApiContract.Text,
            "openapi.json is out of date: run `LIVECHAT_WRITE_OPENAPI=1 ./test.sh --filter The_committed_document_is_the_one_the_code_generates`.");
    }

    [Fact]
    public void Every_http_function_is_in_the_document_with_its_route_and_methods()
    {
        var paths = OpenApiContract.Document["paths"]!.AsObject();
        var functions = ApiFunction.All;
        Assert.Equal(47, functions.Count);
        foreach (var function in functions)
            foreach (var method in function.Trigger.Methods!)
                Assert.Equal(function.Name, paths["/api/" + function.Trigger.Route]?[method.ToLowerInvariant()]?["operationId"]?.GetValue<string>());
        Assert.Equal(functions.Sum(f => f.Trigger.Methods!.Length), paths.Sum(p => p.Value!.AsObject().Count));
    }

    [Fact]
    public void The_document_passes_the_OpenAPI_validator()
    {
        var read = OpenApiDocument.Parse(File.ReadAllText(Committed), "json", new OpenApiReaderSettings());
        Assert.Empty(read.Diagnostic?.Errors ?? []);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, read.Diagnostic?.SpecificationVersion);
        var document = read.Document!;
        Assert.Empty(document.Validate(ValidationRuleSet.GetDefaultRuleSet()) ?? []);
        Assert.Equal(47, document.Paths.Sum(p => p.Value?.Operations?.Count ?? 0));
    }

    /// <summary>
    /// Redocly CLI (from local/package.json) with its recommended rules: no error and no warning, past the exceptions
    /// that .redocly.lint-ignore.yaml lists with their reasons.
    /// </summary>
    [Fact]
    public async Task The_document_lints_clean_with_Redocly_recommended_rules()
    {
        var lint = new System.Diagnostics.ProcessStartInfo("node", [Path.Combine(LocalStack.RepoRoot, "local", "node_modules", "@redocly", "cli", "bin", "cli.js"),
            "lint", "openapi.json", "--format=json"])
        {
            WorkingDirectory = LocalStack.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" },
        };
        using var process = System.Diagnostics.Process.Start(lint)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var totals = System.Text.Json.JsonDocument.Parse(await output).RootElement.GetProperty("totals");
        Assert.True(totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0, await output + await errors);
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task The_running_service_serves_it()
    {
        var served = JsonNode.Parse(await app.CreateClient().GetStringAsync("/api/openapi.json"));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Committed)), served));
    }
}
