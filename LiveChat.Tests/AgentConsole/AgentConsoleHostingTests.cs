using LiveChat.Core.Realtime;
using LiveChat.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace LiveChat.Tests.AgentConsole;

public sealed class AgentConsoleOffApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new() { ["AgentConsole:Enabled"] = "false" };
}

/// <summary>How the worker serves the console's files: only them, with a strict policy, and nothing when it is off.</summary>
[Collection(BrowserCollection.Name)] // its extra worker starts in the quiet phase too
public sealed class AgentConsoleHostingTests(LiveChatApp app, AgentConsoleOffApp off) : IClassFixture<LiveChatApp>, IClassFixture<AgentConsoleOffApp>
{
    [Theory]
    [InlineData("/api/console", "text/html")]
    [InlineData("/api/console/index.html", "text/html")]
    [InlineData("/api/console/app.js", "text/javascript")]
    [InlineData("/api/console/console.css", "text/css")]
    [InlineData("/api/console/livechat-client.js", "text/javascript")]
    public async Task Its_files_are_served_with_a_policy_that_allows_only_the_service(string path, string mediaType)
    {
        var response = await app.CreateClient().GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal(new FileInfo(Path.Combine(LiveChatApp.WorkerBuild, "console", path == "/api/console" ? "index.html" : Path.GetFileName(path))).Length,
            response.Content.Headers.ContentLength);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        var signalR = SignalRConnection.Parse(app.Get<IOptions<SignalROptions>>().Value.ConnectionString!).Endpoint;
        Assert.Contains("default-src 'none'", policy);
        Assert.Contains("script-src 'self';", policy); // no inline script, no eval
        Assert.Contains($"ws://{signalR.Authority}", policy);
        Assert.Contains($"http://{signalR.Authority}", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
    }

    [Theory]
    [InlineData("/api/console/nothing.js")]
    [InlineData("/api/console/host.json")]                  // next to the worker, not in console/
    [InlineData("/api/console/LiveChat.Functions.dll")]
    [InlineData("/api/console/..%2Fhost.json")]
    [InlineData("/api/console/livechat-client.js.map")]        // not a type the console serves
    public async Task Nothing_but_its_own_files_is_served(string path)
    {
        var response = await app.CreateClient().GetAsync(path);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        if (response.Content.Headers.ContentLength > 0) await response.AssertProblemAsync(404, "console_file_not_found");
    }

    [Theory]
    [InlineData("/api/console")]
    [InlineData("/api/console/app.js")]
    public async Task It_is_off_unless_enabled(string path) =>
        await (await off.CreateClient().GetAsync(path)).AssertProblemAsync(404, "console_disabled");
}
