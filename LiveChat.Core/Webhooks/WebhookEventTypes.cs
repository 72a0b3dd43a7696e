namespace LiveChat.Core.Webhooks;

/// <summary>The events an endpoint can subscribe to.</summary>
public static class WebhookEventTypes
{
    public const string SessionStarted = "session.started";
    public const string SessionEnded = "session.ended";
    public const string MessageCreated = "message.created";
    public const string MessageEdited = "message.edited";
    public const string MessageDeleted = "message.deleted";
    public const string MessagesRead = "messages.read";
    public const string MachineRevoked = "machine.revoked";

    public static IReadOnlyList<string> All { get; } =
        [SessionStarted, SessionEnded, MessageCreated, MessageEdited, MessageDeleted, MessagesRead, MachineRevoked];
}
