using System.Text.Json;
using LiveChat.DevHost;
using LiveChat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveChat.Tests.Hosting;

/// <summary>What the Functions host indexes (functions.metadata from the worker SDK) is exactly what DevHost serves.</summary>
public sealed class FunctionMetadataTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public void DevHost_serves_every_function_of_the_metadata_on_the_same_route_and_methods()
    {
        var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "functions.metadata"))).RootElement;
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();

        var http = new List<string>();
        var timers = new List<string>();
        foreach (var function in metadata.EnumerateArray())
        {
            var name = function.GetProperty("name").GetString()!;
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("direction").GetString() == "In");
            switch (trigger.GetProperty("type").GetString())
            {
                case "httpTrigger":
                    var served = catalog.Http.Single(f => f.Name == name);
                    var route = trigger.GetProperty("route").GetString()!;
                    Assert.Equal("/api/" + route, served.Route);
                    Assert.DoesNotMatch("^admin", route);
                    Assert.Equal(trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()!.ToUpperInvariant()), served.Methods);
                    http.Add(name);
                    break;
                case "timerTrigger":
                    Assert.Equal("%SweepSchedule%", trigger.GetProperty("schedule").GetString());
                    Assert.Equal("0 */1 * * * *", catalog.Timers.Single(t => t.Name == name).Schedule);
                    timers.Add(name);
                    break;
                default:
                    Assert.Fail($"{name} has a trigger DevHost does not run");
                    break;
            }
        }
        Assert.Equal(catalog.Http.Select(f => f.Name).Order(), http.Order());
        Assert.Equal(["AutoEndInactiveSessions"], timers);
    }

    [Theory]
    [InlineData("http://localhost:3000", true)]
    [InlineData("https://evil.example", false)]
    public async Task Browsers_of_allowed_origins_may_call_the_api(string origin, bool allowed)
    {
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/agent/chat/sessions");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        var response = await app.CreateClient().SendAsync(preflight);
        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var values) && values.Single() == origin);
    }
}
