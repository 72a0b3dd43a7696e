using LiveChat.Functions;
using LiveChat.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LiveChat.Tests.Hosting;

/// <summary>The worker's registration refuses to start on settings it cannot run with, naming the setting.</summary>
public sealed class SettingsValidationTests
{
    static async Task<string> StartFailureAsync(string key, string? value)
    {
        var stack = await LocalStack.InstanceAsync();
        var settings = TestSettings.For(stack, "never-created", new Dictionary<string, string?> { [key] = value });
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLiveChat(builder.Configuration);
        using var host = builder.Build();
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        return failure.Message;
    }

    [Theory]
    [InlineData("Cosmos:ConnectionString", "", "Cosmos:ConnectionString")]
    [InlineData("Cosmos:ConnectionString", "AccountEndpoint=not a url;AccountKey=x", "Cosmos:ConnectionString")]
    [InlineData("Blob:ConnectionString", "", "Blob:ConnectionString")]
    [InlineData("SignalR:ConnectionString", "Endpoint=nowhere", "SignalR:ConnectionString")]
    [InlineData("Identity:DevSigningKey", "", "Identity:Authority")]
    [InlineData("LiveChat:MaxListLimit", "0", "MaxListLimit")]
    [InlineData("LiveChat:MachineTokenCacheFor", "00:05:00", "LiveChat:MachineTokenCacheFor")]
    [InlineData("LiveChat:RequestDeadline", "-00:00:01", "RequestDeadline")]
    [InlineData("Blob:AttachWithin", "00:05:00", "Blob:AttachWithin")]
    [InlineData("LiveChat:AgentUserCacheFor", "00:01:00", "LiveChat:AgentUserCacheFor")]
    [InlineData("LiveChat:TimeZone", "Mars/Olympus_Mons", "LiveChat:TimeZone")]
    public async Task A_missing_or_malformed_setting_stops_the_start_with_a_message_naming_it(string key, string value, string named) =>
        Assert.Contains(named, await StartFailureAsync(key, value));
}
