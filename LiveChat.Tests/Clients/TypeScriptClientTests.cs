using System.Diagnostics;
using LiveChat.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace LiveChat.Tests.Clients;

/// <summary>
/// The TypeScript client's own tests (clients/typescript/tests, Node's built-in runner) against the real worker under
/// the host stand-in, with a SignalR stand-in they can take down and bring back. They provision what they need
/// through the API as the tenant's ADMIN, and ask this fixture's control endpoint for what only a test may do:
/// an agent token for a user they provisioned, and stopping or starting SignalR. Node's results go to
/// TestResults/typescript-client.junit.xml, which test.sh counts in the run's summary.
/// </summary>
public sealed class TypeScriptClientTests(TypeScriptClientTests.App app) : IClassFixture<TypeScriptClientTests.App>
{
    /// <summary>With a real negotiate limit, so the tests meet a 429.</summary>
    public sealed class App : RestartableSignalRApp
    {
        protected override Dictionary<string, string?> Settings => new(base.Settings)
        {
            ["RateLimits:Negotiate:Burst"] = "8",
            ["RateLimits:Negotiate:PerMinute"] = "10",
        };
    }

    static readonly string Package = Path.Combine(LocalStack.RepoRoot, "clients", "typescript");

    [Fact]
    public async Task The_TypeScript_clients_tests_pass_against_the_running_service()
    {
        var tenant = await app.TenantAsync();
        await using var control = await StartControlAsync();
        var results = Environment.GetEnvironmentVariable("LIVECHAT_TEST_RESULTS") ?? Path.Combine(LocalStack.RepoRoot, "TestResults");
        Directory.CreateDirectory(results);

        var node = new ProcessStartInfo("node",
        [
            // One file at a time: one of them takes SignalR down.
            "--test", "--test-concurrency=1", "--test-reporter=spec", "--test-reporter-destination=stdout",
            "--test-reporter=junit", $"--test-reporter-destination={Path.Combine(results, "typescript-client.junit.xml")}",
            "tests/",
        ])
        {
            WorkingDirectory = Package, RedirectStandardOutput = true, RedirectStandardError = true,
            Environment =
            {
                ["LIVECHAT_BASE_URL"] = app.BaseAddress.ToString().TrimEnd('/'),
                ["LIVECHAT_ADMIN_TOKEN"] = app.AgentToken($"{tenant.Id}-admin"),
                ["LIVECHAT_TENANT"] = tenant.Id,
                ["LIVECHAT_TEST_CONTROL"] = control.Urls.First(),
            },
        };
        using var run = Process.Start(node)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var errors = run.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await run.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            run.Kill(entireProcessTree: true);
        }
        Assert.True(run.ExitCode == 0, $"node --test failed ({run.ExitCode}):\n{await output}\n{await errors}");
    }

    /// <summary>What the Node tests may ask of the fixture, on a loopback port of its own.</summary>
    async Task<WebApplication> StartControlAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{LocalStack.FreePort()}");
        var control = builder.Build();
        control.MapPost("/token/{userId}", (string userId) => Results.Text(app.AgentToken(userId)));
        control.MapPost("/signalr/stop", async () => { await app.StopSignalRAsync(); return Results.NoContent(); });
        control.MapPost("/signalr/start", async () => { await app.StartSignalRAsync(); return Results.NoContent(); });
        await control.StartAsync();
        return control;
    }
}
