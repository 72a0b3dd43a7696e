using System.Net.Http.Headers;
using System.Net.Http.Json;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Realtime;

/// <summary>
/// Talks to SignalR Service's REST API (api-version 2022-06-01): negotiate tokens, sends to users and groups,
/// group membership. Best-effort: bounded by SignalR:PublishTimeout, and a failure is logged and reported as false,
/// never thrown, so it cannot fail the request that caused it. Retries and the circuit breaker that keeps a slow or
/// dead SignalR from slowing writes live in the HttpClient's resilience pipeline (AddLiveChat).
/// </summary>
public sealed class RealtimePublisher(HttpClient http, IOptions<SignalROptions> options, TimeProvider time, ILogger<RealtimePublisher> log)
{
    const string ApiVersion = "2022-06-01";
    readonly SignalROptions _options = options.Value;
    readonly SignalRConnection? _connection = string.IsNullOrWhiteSpace(options.Value.ConnectionString)
        ? null : SignalRConnection.Parse(options.Value.ConnectionString);

    public bool Enabled => _connection is not null;

    public NegotiateResult NegotiateForMachine(MachineCaller machine) => Negotiate(SignalRTokens.MachineUser(machine.MachineId));

    /// <summary>Agents also join their tenant's agents group, which receives every chat event of the tenant.</summary>
    public async Task<NegotiateResult> NegotiateForAgentAsync(AgentCaller agent, CancellationToken ct)
    {
        var user = SignalRTokens.AgentUser(agent.UserId);
        var result = Negotiate(user);
        var group = Uri.EscapeDataString(SignalRTokens.AgentsGroup(agent.TenantId));
        // A token whose connection would hear none of the tenant's events is worse than a clear "retry later".
        if (!await SendAsync(HttpMethod.Put, $"groups/{group}/users/{Uri.EscapeDataString(user)}", null, ct))
            throw Errors.ErrorCatalog.RealtimeUnavailable.Raise();
        return result;
    }

    NegotiateResult Negotiate(string user)
    {
        var connection = _connection ?? throw Errors.ErrorCatalog.RealtimeDisabled.Raise();
        var url = connection.ClientUrl(_options.Hub);
        return new NegotiateResult(url, SignalRTokens.Create(connection.AccessKey, url, time.GetUtcNow(), _options.ClientTokenLifetime, user));
    }

    public Task<bool> SendToUserAsync(string user, string target, object payload, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"users/{Uri.EscapeDataString(user)}/:send", new { target, arguments = new[] { payload } }, ct);

    public Task<bool> SendToGroupAsync(string group, string target, object payload, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"groups/{Uri.EscapeDataString(group)}/:send", new { target, arguments = new[] { payload } }, ct);

    /// <summary>Closes every open client connection of the user (a revoked machine must hear nothing more).</summary>
    public Task<bool> CloseUserConnectionsAsync(string user, CancellationToken ct) =>
        SendAsync(HttpMethod.Post, $"users/{Uri.EscapeDataString(user)}/:closeConnections", null, ct);

    async Task<bool> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        if (_connection is null) return false;
        var url = _connection.RestUrl(_options.Hub, path);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(_options.PublishTimeout);
        var started = time.GetTimestamp();
        var operation = path[(path.LastIndexOf(':') + 1)..];
        var sent = false;
        try
        {
            using var request = new HttpRequestMessage(method, $"{url}?api-version={ApiVersion}");
            // The server token's audience is the request URL without its query.
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer",
                SignalRTokens.Create(_connection.AccessKey, url, time.GetUtcNow(), TimeSpan.FromMinutes(5)));
            if (body is not null) request.Content = JsonContent.Create(body);
            using var response = await http.SendAsync(request, budget.Token);
            sent = response.IsSuccessStatusCode;
            if (sent) return true;
            log.LogWarning("Push {Method} {Path} to SignalR failed: {Status}", method.Method, path.Split('/')[0], (int)response.StatusCode);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // Refused, timed out, or the circuit is open: nothing to wait for.
            log.LogWarning("Push {Method} {Path} to SignalR failed: {Error}", method.Method, path.Split('/')[0], e.GetType().Name);
        }
        finally
        {
            LiveChatTelemetry.PushFinished(operation, sent, time.GetElapsedTime(started));
        }
        return false;
    }
}
