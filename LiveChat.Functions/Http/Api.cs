using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using LiveChat.Core;
using LiveChat.Core.Chat;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Limits;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Functions.Http;

/// <summary>
/// What every HTTP function does around its one Core call, as the function declares it (<see cref="ApiFunction"/>):
/// resolve the caller of the declared kind, refuse a [StaffOnly] call to other roles, take a [RateLimited] call's
/// token, read and bind the body, hold the request deadline, turn any failure into problem+json and record the
/// request's metrics.
/// </summary>
public sealed class Api(AgentAuthenticator agents, MachineAuthenticator machines, CallerLimits limits, StorageInitializer storage,
    IOptions<LiveChatOptions> options, ILogger<Api> log)
{
    public const int MaxBodyBytes = 64 * 1024;

    static readonly JsonSerializerOptions RequestJson = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        NumberHandling = JsonNumberHandling.Strict,
    };

    /// <summary>A machine's call: its token resolved, then its rate limit (if it declares one) taken for the machine.</summary>
    public Task<IActionResult> ForMachine(HttpRequest req, Func<MachineCaller, CancellationToken, Task<ApiResult>> handle) =>
        Run(req, async ct =>
        {
            var function = Declared(req, Caller.Machine);
            var machine = await MachineAsync(req, ct);
            TakeLimit(function, machine.MachineId);
            return await handle(machine, ct);
        });

    /// <summary>
    /// An agent's call: the user resolved; a [StaffOnly] call refuses other roles before anything is read or counted;
    /// then its rate limit (if it declares one) taken for the user.
    /// </summary>
    public Task<IActionResult> ForAgent(HttpRequest req, Func<AgentCaller, CancellationToken, Task<ApiResult>> handle) =>
        Run(req, async ct =>
        {
            var function = Declared(req, Caller.Agent);
            var agent = await AgentAsync(req, ct);
            if (function.StaffOnly) agent.RequireStaff(ErrorCatalog.ForbiddenRoleView);
            TakeLimit(function, agent.UserId);
            return await handle(agent, ct);
        });

    /// <summary>
    /// A call both sides make (one Core method, one trigger each): the caller of the kind the function declares, as a
    /// <see cref="ChatParticipant"/> (an agent who is not staff is refused there), then the rate limit taken for it.
    /// </summary>
    public Task<IActionResult> ForParticipant(HttpRequest req, Func<ChatParticipant, CancellationToken, Task<ApiResult>> handle) =>
        Run(req, async ct =>
        {
            var function = Declared(req, caller: null);
            var who = function.Operation.Caller == Caller.Machine
                ? ChatParticipant.Of(await MachineAsync(req, ct))
                : ChatParticipant.Of(await AgentAsync(req, ct));
            TakeLimit(function, who.LimitKey);
            return await handle(who, ct);
        });

    Task<MachineCaller> MachineAsync(HttpRequest req, CancellationToken ct) =>
        machines.AuthenticateAsync(req.Headers.Authorization.ToString(), ct);

    Task<AgentCaller> AgentAsync(HttpRequest req, CancellationToken ct) =>
        agents.AuthenticateAsync(req.Headers.Authorization.ToString(), ct);

    void TakeLimit(ApiFunction function, string caller)
    {
        if (function.Limit is { } call) limits.Take(call, caller);
    }

    /// <summary>The invoked function's declarations, as <see cref="ApiFunctionMiddleware"/> found them.</summary>
    static ApiFunction Declared(HttpRequest req, Caller? caller)
    {
        var function = req.HttpContext.Features.Get<ApiFunction>()
            ?? throw new InvalidOperationException("No ApiFunction for this request: is ApiFunctionMiddleware registered?");
        if (caller is not null && function.Operation.Caller != caller)
            throw new InvalidOperationException($"{function.Name} declares a {function.Operation.Caller} caller.");
        return function;
    }

    /// <summary>
    /// Runs one call within the request deadline (a store that fails or stalls past it is 503 with Retry-After) and
    /// records it in the metrics with its status and problem code.
    /// </summary>
    public async Task<IActionResult> Run(HttpRequest req, Func<CancellationToken, Task<ApiResult>> handle)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await RunWithinDeadline(req, handle);
        LiveChatTelemetry.RequestFinished(result.Status, result.ProblemCode, Stopwatch.GetElapsedTime(started));
        return result;
    }

    async Task<ApiResult> RunWithinDeadline(HttpRequest req, Func<CancellationToken, Task<ApiResult>> handle)
    {
        var aborted = req.HttpContext.RequestAborted;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        deadline.CancelAfter(options.Value.RequestDeadline);
        try
        {
            // WaitAsync: the deadline holds even where an SDK does not honour the token (the Cosmos client's first
            // account read, at a cold start against a stalled store, takes its own ~40 s).
            return await handle(deadline.Token).WaitAsync(deadline.Token);
        }
        catch (LiveChatException e)
        {
            if (e.RetryAfterSeconds is { } seconds) req.HttpContext.Response.Headers.RetryAfter = seconds.ToString();
            return ApiResult.Problem(e.Error, e.Detail, req.Path);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return new ApiResult(499, null);
        }
        catch (Exception e) when (StoreFailures.IsTransient(e) || (e is OperationCanceledException && deadline.IsCancellationRequested))
        {
            if (StoreFailures.IsLostStore(e)) storage.StoreLost();
            log.LogWarning("Store unavailable or past the deadline on {Method} {Path}: {Error}", req.Method, req.Path,
                e is CosmosException cosmos ? $"Cosmos {(int)cosmos.StatusCode}" : e.GetType().Name);
            req.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(StoreFailures.RetryAfter(e).TotalSeconds)).ToString();
            return ApiResult.Problem(ErrorCatalog.StoreUnavailable, ErrorCatalog.StoreUnavailable.Detail, req.Path);
        }
        catch (Exception e)
        {
            // Exception texts of ours and the SDKs carry no tokens: they never see the Authorization header.
            log.LogError(e, "Unhandled failure on {Method} {Path}", req.Method, req.Path);
            return ApiResult.Problem(ErrorCatalog.Internal, ErrorCatalog.Internal.Detail, req.Path);
        }
    }

    /// <summary>Reads the JSON body into T: 415 if not JSON, 413 over 64 KB, 400 if malformed or of the wrong types.</summary>
    public static async Task<T> ReadAsync<T>(HttpRequest req, CancellationToken ct) where T : class
    {
        if (req.ContentLength > MaxBodyBytes) throw ErrorCatalog.PayloadTooLarge.Raise();
        var contentType = req.ContentType ?? "";
        if (contentType.Length > 0 && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
            throw ErrorCatalog.UnsupportedMediaType.Raise();

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await req.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw ErrorCatalog.PayloadTooLarge.Raise();
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw ErrorCatalog.InvalidJson.Raise(ValidationTexts.BodyRequired);
        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), RequestJson)
                ?? throw ErrorCatalog.InvalidJson.Raise(ValidationTexts.BodyNotAnObject);
        }
        catch (JsonException e)
        {
            throw ErrorCatalog.InvalidJson.Raise(e.Path is { Length: > 1 } path
                ? ValidationTexts.FieldInvalid(path.TrimStart('$', '.'))
                : ErrorCatalog.InvalidJson.Detail);
        }
    }
}
