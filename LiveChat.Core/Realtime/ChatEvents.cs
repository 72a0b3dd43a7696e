using LiveChat.Core.Chat;

namespace LiveChat.Core.Realtime;

/// <summary>
/// The live-chat events (DESIGN §5), each sent after its write committed to the session's machine and to the
/// tenant's agents group. Payloads carry ids and small summaries; clients fetch the rest.
/// </summary>
public sealed class ChatEvents(RealtimePublisher publisher)
{
    public const string SessionStarted = "sessionStarted";
    public const string SessionEnded = "sessionEnded";
    public const string MessageCreated = "messageCreated";
    public const string MessagesRead = "messagesRead";
    public const string UnreadChanged = "unreadChanged";
    public const string Typing = "typing";
    public const string MessageUpdated = "messageUpdated";
    public const string MessageDeleted = "messageDeleted";
    const int PreviewLength = 200;

    public Task SessionStartedAsync(SessionDocument s) => ToBothAsync(s, SessionStarted, new
    {
        sessionId = s.Id, ticketId = s.TicketId, ticketRef = s.TicketRef, ticketSubject = s.TicketSubject,
        agentId = s.AgentId, agentName = s.AgentSnapshot.Name, startedAt = s.StartedAt,
    });

    public Task SessionEndedAsync(SessionDocument s) => ToBothAsync(s, SessionEnded, new
    {
        sessionId = s.Id, ticketId = s.TicketId, endedAt = s.EndedAt, reason = s.EndReason, autoEnded = s.EndReason is not null,
    });

    public Task MessageCreatedAsync(SessionDocument s, MessageDocument m) => ToBothAsync(s, MessageCreated, new
    {
        sessionId = s.Id, ticketId = s.TicketId, messageId = m.Id, createdAt = m.CreatedAt, isFromMachine = m.FromMachine,
        authorName = m.AuthorSnapshot.Name, preview = m.Body.Length > PreviewLength ? m.Body[..PreviewLength] : m.Body,
        attachmentCount = m.Attachments.Count, cursor = MessageCursor.Of(m).ToString(),
        readByMachineAt = m.ReadByMachineAt, readByAgentAt = m.ReadByAgentAt,
    });

    /// <summary>readAt: the time stored on each message (readByMachineAt or readByAgentAt), so ticks survive a reload.</summary>
    public Task MessagesReadAsync(SessionDocument s, bool byMachine, IReadOnlyList<string> messageIds, long readAt) =>
        ToBothAsync(s, MessagesRead, new { sessionId = s.Id, ticketId = s.TicketId, readBy = byMachine ? "machine" : "agent", messageIds, readAt });

    public Task MessageUpdatedAsync(SessionDocument s, MessageDocument m) => ToBothAsync(s, MessageUpdated, new
    {
        sessionId = s.Id, ticketId = s.TicketId, messageId = m.Id, editedAt = m.EditedAt,
        preview = m.Body.Length > PreviewLength ? m.Body[..PreviewLength] : m.Body,
    });

    public Task MessageDeletedAsync(SessionDocument s, MessageDocument m) =>
        ToBothAsync(s, MessageDeleted, new { sessionId = s.Id, ticketId = s.TicketId, messageId = m.Id, deletedAt = m.DeletedAt });

    /// <summary>Only the other side hears that someone is typing.</summary>
    public Task TypingAsync(SessionDocument s, bool fromMachine, string name)
    {
        var payload = new { ticketId = s.TicketId, sessionId = s.Id, fromMachine, name };
        return fromMachine
            ? publisher.SendToGroupAsync(SignalRTokens.AgentsGroup(s.TenantId), Typing, payload, CancellationToken.None)
            : publisher.SendToUserAsync(SignalRTokens.MachineUser(s.MachineId), Typing, payload, CancellationToken.None);
    }

    /// <summary>Each side hears its own counter.</summary>
    public Task UnreadChangedAsync(SessionDocument s) => Task.WhenAll(
        publisher.SendToUserAsync(SignalRTokens.MachineUser(s.MachineId), UnreadChanged,
            new { sessionId = s.Id, ticketId = s.TicketId, unreadCount = s.UnreadByMachine }, CancellationToken.None),
        publisher.SendToGroupAsync(SignalRTokens.AgentsGroup(s.TenantId), UnreadChanged,
            new { sessionId = s.Id, ticketId = s.TicketId, unreadCount = s.UnreadByAgent }, CancellationToken.None));

    // Not the request's token: a push due after a committed write is sent even if the caller has gone.
    Task ToBothAsync(SessionDocument s, string target, object payload) => Task.WhenAll(
        publisher.SendToUserAsync(SignalRTokens.MachineUser(s.MachineId), target, payload, CancellationToken.None),
        publisher.SendToGroupAsync(SignalRTokens.AgentsGroup(s.TenantId), target, payload, CancellationToken.None));
}
