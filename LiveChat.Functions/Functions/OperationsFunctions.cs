using LiveChat.Core;
using System.Text.Json.Nodes;
using LiveChat.Core.Storage;
using LiveChat.Core.Sweep;
using LiveChat.Core.Uploads;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

public sealed class OperationsFunctions(Api api, CosmosStore store, StorageInitializer storage, InactivitySweep sweep, OrphanUploads orphans)
{
    /// <summary>The health answer comes within 2 s whatever the store does: a load balancer's probe must not hang on a stalled store.</summary>
    static readonly TimeSpan HealthStoreWait = TimeSpan.FromMilliseconds(1500);

    [Function("Health")]
    [ApiOperation(Caller.Anonymous, typeof(HealthStatus), "Liveness, and whether the store answers (503 when it does not)")]
    public Task<IActionResult> Health(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health")] HttpRequest req) =>
        api.Run(req, async ct =>
        {
            var reach = await store.ReachAsync(HealthStoreWait, ct);
            if (reach == StoreReach.Reachable) return ApiResult.Ok(new HealthStatus("ok", "reachable"));
            if (reach == StoreReach.Lost) storage.StoreLost();
            req.HttpContext.Response.Headers.RetryAfter = "1";
            return new ApiResult(StatusCodes.Status503ServiceUnavailable, new HealthStatus("degraded", "unreachable"));
        });

    [Function("GetOpenApiDocument")]
    [ApiOperation(Caller.Anonymous, typeof(JsonObject), "This API's OpenAPI 3.1 document (as openapi.json in the repository)", UsesStore = false)]
    public Task<IActionResult> GetOpenApiDocument(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "openapi.json")] HttpRequest req) =>
        api.Run(req, _ => Task.FromResult(ApiResult.Ok(OpenApiContract.Document)));

    /// <summary>
    /// autoEndInactiveSessions: every minute by default (app setting SweepSchedule, NCrontab with seconds); then the
    /// uploads no message attached are deleted.
    /// </summary>
    [Function("AutoEndInactiveSessions")]
    public async Task<SweepResult> AutoEndInactiveSessions([TimerTrigger("%SweepSchedule%")] TimerInfo timer, CancellationToken ct)
    {
        var result = await sweep.RunAsync(ct);
        await orphans.DeleteAsync(ct);
        return result;
    }
}

public sealed record HealthStatus(string Status, string Store);
