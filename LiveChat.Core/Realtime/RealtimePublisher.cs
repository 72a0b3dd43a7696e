using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Core;
using LiveChat.Core.Identity;
using LiveChat.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Realtime;

/// <summary>
/// Talks to SignalR Service's REST API (api-version 2024-12-01): client tokens, sends to users and groups, group
/// membership. Requests carry a token signed with the access key or, keyless, an Entra token of the app's identity
/// (SignalR App Server role); client tokens are then made by the service's generateToken operation. Best-effort:
/// bounded by SignalR:PublishTimeout, and a failed send is logged and reported as false, never thrown, so it cannot
/// fail the request that caused it. Retries and the circuit breaker that keeps a slow or dead SignalR from slowing
/// writes live in the HttpClient's resilience pipeline (AddLiveChat).
/// </summary>
public sealed class RealtimePublisher(HttpClient http, IOptions<SignalROptions> options, TokenCredential identity, TimeProvider time,
    ILogger<RealtimePublisher> log)
{
    const string ApiVersion = "2024-12-01";
    static readonly TokenRequestContext EntraScope = new(["https://signalr.azure.com/.default"]);
    readonly SignalROptions _options = options.Value;
    readonly SignalRConnection? _connection = string.IsNullOrWhiteSpace(options.Value.ConnectionString)
        ? null : SignalRConnection.Parse(options.Value.ConnectionString);

    public bool Enabled => _connection is not null;

    public Task<NegotiateResult> NegotiateForMachineAsync(MachineCaller machine, CancellationToken ct) =>
        NegotiateAsync(SignalRTokens.MachineUser(machine.MachineId), ct);

    /// <summary>Agents also join their tenant's agents group, which receives every chat event of the tenant.</summary>
    public async Task<NegotiateResult> NegotiateForAgentAsync(AgentCaller agent, CancellationToken ct)
    {
        var user = SignalRTokens.AgentUser(agent.UserId);
        var group = Uri.EscapeDataString(SignalRTokens.AgentsGroup(agent.TenantId));
        var joined = SendAsync("addUserToGroup", HttpMethod.Put, $"users/{Uri.EscapeDataString(user)}/groups/{group}", null, ct);
        var result = await NegotiateAsync(user, ct);
        // A token whose connection would hear none of the tenant's events is worse than a clear "retry later".
        return await joined is not null ? result : throw Errors.ErrorCatalog.RealtimeUnavailable.Raise();
    }

    async Task<NegotiateResult> NegotiateAsync(string user, CancellationToken ct)
    {
        var connection = _connection ?? throw Errors.ErrorCatalog.RealtimeDisabled.Raise();
        var url = connection.ClientUrl(_options.Hub);
        if (connection.AccessKey is { } key)
            return new NegotiateResult(url, SignalRTokens.Create(key, url, time.GetUtcNow(), _options.ClientTokenLifetime, user));

        var minutes = Math.Max(1, (int)_options.ClientTokenLifetime.TotalMinutes);
        var answer = await SendAsync("generateToken", HttpMethod.Post, ":generateToken", null, ct, $"&userId={Uri.EscapeDataString(user)}&minutesToExpire={minutes}");
        try
        {
            if (answer is not null && JsonDocument.Parse(answer).RootElement.GetProperty("token").GetString() is { Length: > 0 } token)
                return new NegotiateResult(url, token);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            log.LogWarning("SignalR generateToken answered without a token: {Error}", e.GetType().Name);
        }
        throw Errors.ErrorCatalog.RealtimeUnavailable.Raise();
    }

    public async Task<bool> SendToUserAsync(string user, string target, object payload, CancellationToken ct) =>
        await SendAsync("send", HttpMethod.Post, $"users/{Uri.EscapeDataString(user)}/:send", new { target, arguments = new[] { payload } }, ct) is not null;

    public async Task<bool> SendToGroupAsync(string group, string target, object payload, CancellationToken ct) =>
        await SendAsync("send", HttpMethod.Post, $"groups/{Uri.EscapeDataString(group)}/:send", new { target, arguments = new[] { payload } }, ct) is not null;

    /// <summary>Closes every open client connection of the user (a revoked machine must hear nothing more).</summary>
    public async Task<bool> CloseUserConnectionsAsync(string user, CancellationToken ct) =>
        await SendAsync("closeConnections", HttpMethod.Post, $"users/{Uri.EscapeDataString(user)}/:closeConnections", null, ct) is not null;

    /// <summary>The answer's body on success ("" when it has none); null when the call failed.</summary>
    async Task<string?> SendAsync(string operation, HttpMethod method, string path, object? body, CancellationToken ct, string query = "")
    {
        if (_connection is null) return null;
        var url = _connection.RestUrl(_options.Hub, path);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(_options.PublishTimeout);
        var started = time.GetTimestamp();
        var sent = false;
        try
        {
            using var request = new HttpRequestMessage(method, $"{url}?api-version={ApiVersion}{query}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _connection.AccessKey is { } key
                // The key-signed token's audience is the request URL without its query.
                ? SignalRTokens.Create(key, url, time.GetUtcNow(), TimeSpan.FromMinutes(5))
                : (await identity.GetTokenAsync(EntraScope, budget.Token)).Token);
            if (body is not null) request.Content = JsonContent.Create(body);
            using var response = await http.SendAsync(request, budget.Token);
            sent = response.IsSuccessStatusCode;
            if (sent) return await response.Content.ReadAsStringAsync(budget.Token);
            log.LogWarning("SignalR {Operation} failed: {Status}", operation, (int)response.StatusCode);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Refused, timed out, no identity token, or the circuit is open: nothing to wait for.
            log.LogWarning("SignalR {Operation} failed: {Error}", operation, e.GetType().Name);
        }
        finally
        {
            LiveChatTelemetry.PushFinished(operation, sent, time.GetElapsedTime(started));
        }
        return null;
    }
}
