using LiveChat.Core;
using LiveChat.Core.Webhooks;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace LiveChat.Functions.Functions;

/// <summary>A tenant ADMIN's webhook endpoints (README "Webhooks"), and the queue and timer that deliver to them.</summary>
public sealed class WebhookFunctions(Api api, WebhookEndpoints endpoints, WebhookDeliveries deliveries, WebhookDispatcher dispatcher,
    ILogger<WebhookFunctions> log)
{
    [Function("CreateWebhook")]
    [ApiOperation(Caller.Agent, typeof(WebhookCreated), "Add a webhook endpoint; its signing secret is shown once (ADMIN)", Request = typeof(CreateWebhookRequest), Statuses = [201], Errors = ["validation_failed", "forbidden_role", "webhook_url_refused", "too_many_webhooks"])]
    public Task<IActionResult> CreateWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/webhooks")] HttpRequest req) =>
        api.ForAgent(req, async (admin, ct) => ApiResult.Created(await endpoints.CreateAsync(admin, await Api.ReadAsync<CreateWebhookRequest>(req, ct), ct)));

    [Function("ListWebhooks")]
    [ApiOperation(Caller.Agent, typeof(WebhookList), "The tenant's webhook endpoints, without secrets (ADMIN)", Errors = ["forbidden_role"])]
    public Task<IActionResult> ListWebhooks(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage/webhooks")] HttpRequest req) =>
        api.ForAgent(req, async (admin, ct) => ApiResult.Ok(await endpoints.ListAsync(admin, ct)));

    [Function("GetWebhook")]
    [ApiOperation(Caller.Agent, typeof(WebhookView), "A webhook endpoint: why it was disabled, since when it fails (ADMIN)", Errors = ["forbidden_role", "webhook_not_found"])]
    public Task<IActionResult> GetWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage/webhooks/{webhookId}")] HttpRequest req, string webhookId) =>
        api.ForAgent(req, async (admin, ct) => ApiResult.Ok(await endpoints.GetAsync(admin, webhookId, ct)));

    [Function("UpdateWebhook")]
    [ApiOperation(Caller.Agent, typeof(WebhookView), "Change a webhook endpoint's url, events, description or enabled; enabling clears why it was disabled (ADMIN)", Request = typeof(UpdateWebhookRequest), Errors = ["validation_failed", "forbidden_role", "webhook_not_found", "webhook_url_refused", "concurrent_update"])]
    public Task<IActionResult> UpdateWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "manage/webhooks/{webhookId}")] HttpRequest req, string webhookId) =>
        api.ForAgent(req, async (admin, ct) => ApiResult.Ok(await endpoints.UpdateAsync(admin, webhookId, await Api.ReadAsync<UpdateWebhookRequest>(req, ct), ct)));

    [Function("DeleteWebhook")]
    [ApiOperation(Caller.Agent, typeof(Core.OkResult), "Delete a webhook endpoint; nothing more is sent to it (ADMIN)", Errors = ["forbidden_role", "webhook_not_found"])]
    public Task<IActionResult> DeleteWebhook(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "manage/webhooks/{webhookId}")] HttpRequest req, string webhookId) =>
        api.ForAgent(req, async (admin, ct) =>
        {
            await endpoints.DeleteAsync(admin, webhookId, ct);
            return ApiResult.Ok(new Core.OkResult(true));
        });

    [Function("RotateWebhookSecret")]
    [ApiOperation(Caller.Agent, typeof(WebhookSecretRotated), "A new signing secret, shown once; the previous one also signs until previousSecretRetiresAt (ADMIN)", Errors = ["forbidden_role", "webhook_not_found", "concurrent_update"])]
    public Task<IActionResult> RotateWebhookSecret(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/webhooks/{webhookId}/secret")] HttpRequest req, string webhookId) =>
        api.ForAgent(req, async (admin, ct) => ApiResult.Ok(await endpoints.RotateSecretAsync(admin, webhookId, ct)));

    [Function("ListWebhookDeliveries")]
    [ApiOperation(Caller.Agent, typeof(WebhookDeliveryList), "An endpoint's recent deliveries, newest first: status, attempts, status codes, latency, next retry (ADMIN)", Query = ["limit"], Errors = ["validation_failed", "forbidden_role", "webhook_not_found"])]
    public Task<IActionResult> ListWebhookDeliveries(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage/webhooks/{webhookId}/deliveries")] HttpRequest req, string webhookId) =>
        api.ForAgent(req, async (admin, ct) => ApiResult.Ok(await deliveries.ListAsync(admin, webhookId, req.Query["limit"], ct)));

    [Function("ResendWebhookDelivery")]
    [ApiOperation(Caller.Agent, typeof(WebhookResent), "Send a delivery again (same webhook-id and body), from its first attempt (ADMIN)", Statuses = [202], Errors = ["forbidden_role", "webhook_not_found", "webhook_delivery_not_found", "concurrent_update"])]
    public Task<IActionResult> ResendWebhookDelivery(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/webhooks/{webhookId}/deliveries/{eventId}/resend")] HttpRequest req,
        string webhookId, string eventId) =>
        api.ForAgent(req, async (admin, ct) => ApiResult.Accepted(await deliveries.ResendAsync(admin, webhookId, eventId, ct)));

    /// <summary>
    /// The webhook queue (%Webhooks:Queue%, connection WebhookQueue). A failure (the store down) throws: the host makes
    /// the message visible again and, after host.json's maxDequeueCount, moves it to the poison queue.
    /// </summary>
    [Function("DeliverWebhooks")]
    public Task DeliverWebhooks([QueueTrigger("%Webhooks:Queue%", Connection = WebhookQueue.Connection)] string message, CancellationToken ct)
    {
        if (WebhookQueue.Parse(message) is { } work) return dispatcher.HandleAsync(work, ct);
        log.LogWarning("A webhook queue message that is not webhook work was dropped");
        return Task.CompletedTask;
    }

    /// <summary>Fans out the events a worker recorded and never handed on, and attempts overdue deliveries: every minute by default.</summary>
    [Function("RelayWebhookEvents")]
    public Task<int> RelayWebhookEvents([TimerTrigger("%Webhooks:RelaySchedule%")] TimerInfo timer, CancellationToken ct) => dispatcher.CatchUpAsync(ct);
}
