namespace LiveChat.Core.Webhooks;

/// <summary>
/// The features whose changes become events (Chat, above this folder) confirm a recorded event against the store and
/// give its data: null while the change is not (yet) stored.
/// </summary>
public interface IWebhookEventSource
{
    Task<ConfirmedEvent?> ConfirmAsync(WebhookOutboxDocument recorded, CancellationToken ct);
}

/// <summary>When the change happened, and the event's data (the "data" of the body).</summary>
public sealed record ConfirmedEvent(long OccurredAt, object Data);
