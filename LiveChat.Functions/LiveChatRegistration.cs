using LiveChat.Core;
using LiveChat.Functions.Functions;
using LiveChat.Functions.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LiveChat.Functions;

public static class LiveChatRegistration
{
    /// <summary>The worker's services: LiveChat.Core, and the HTTP layer on top of it. Program.cs calls it.</summary>
    public static IServiceCollection AddLiveChat(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLiveChatCore(configuration);
        services.AddOptions<AgentConsoleOptions>().Bind(configuration.GetSection("AgentConsole")).ValidateOnStart();
        services.AddSingleton<Api>();
        services.AddSingleton<AgentConsoleFiles>();
        return services;
    }
}
