using LiveChat.Core.Realtime;

namespace LiveChat.Core.Chat;

/// <summary>
/// The live-chat events (DESIGN §5), each queued after its write committed for the session's machine and the tenant's
/// agents group, and sent off the request's path (<see cref="PushQueue"/>). Payloads carry ids and small summaries;
/// clients fetch the rest.
/// </summary>
public sealed class ChatEvents(RealtimePublisher publisher, PushQueue queue)
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

    public void SessionStartedFor(SessionDocument s) => ToBoth(s, SessionStarted, new
    {
        sessionId = s.Id, ticketId = s.TicketId, ticketRef = s.TicketRef, ticketSubject = s.TicketSubject,
        agentId = s.AgentId, agentName = s.AgentSnapshot.Name, startedAt = s.StartedAt,
    });

    public void SessionEndedFor(SessionDocument s) => ToBoth(s, SessionEnded, new
    {
        sessionId = s.Id, ticketId = s.TicketId, endedAt = s.EndedAt, reason = s.EndReason, autoEnded = s.EndReason is not null,
    });

    public void MessageCreatedIn(SessionDocument s, MessageDocument m) => ToBoth(s, MessageCreated, new
    {
        sessionId = s.Id, ticketId = s.TicketId, messageId = m.Id, createdAt = m.CreatedAt, isFromMachine = m.FromMachine,
        authorName = m.AuthorSnapshot.Name, preview = m.Body.Length > PreviewLength ? m.Body[..PreviewLength] : m.Body,
        attachmentCount = m.Attachments.Count, cursor = MessageCursor.Of(m).ToString(),
        readByMachineAt = m.ReadByMachineAt, readByAgentAt = m.ReadByAgentAt,
    });

    /// <summary>readAt: the time stored on each message (readByMachineAt or readByAgentAt), so ticks survive a reload.</summary>
    public void MessagesReadIn(SessionDocument s, bool byMachine, IReadOnlyList<string> messageIds, long readAt) =>
        ToBoth(s, MessagesRead, new { sessionId = s.Id, ticketId = s.TicketId, readBy = byMachine ? "machine" : "agent", messageIds, readAt });

    public void MessageUpdatedIn(SessionDocument s, MessageDocument m) => ToBoth(s, MessageUpdated, new
    {
        sessionId = s.Id, ticketId = s.TicketId, messageId = m.Id, editedAt = m.EditedAt,
        preview = m.Body.Length > PreviewLength ? m.Body[..PreviewLength] : m.Body,
    });

    public void MessageDeletedIn(SessionDocument s, MessageDocument m) =>
        ToBoth(s, MessageDeleted, new { sessionId = s.Id, ticketId = s.TicketId, messageId = m.Id, deletedAt = m.DeletedAt });

    /// <summary>Only the other side hears that someone is typing.</summary>
    public void TypingIn(SessionDocument s, bool fromMachine, string name)
    {
        var payload = new { ticketId = s.TicketId, sessionId = s.Id, fromMachine, name };
        if (fromMachine) ToAgents(s.TenantId, Typing, payload);
        else ToMachine(s.MachineId, Typing, payload);
    }

    /// <summary>Each side hears its own counter.</summary>
    public void UnreadChangedIn(SessionDocument s)
    {
        ToMachine(s.MachineId, UnreadChanged, new { sessionId = s.Id, ticketId = s.TicketId, unreadCount = s.UnreadByMachine });
        ToAgents(s.TenantId, UnreadChanged, new { sessionId = s.Id, ticketId = s.TicketId, unreadCount = s.UnreadByAgent });
    }

    /// <summary>Closes the machine's open push connections, after the events queued for it before.</summary>
    public void CloseMachineConnections(string machineId)
    {
        var user = SignalRTokens.MachineUser(machineId);
        queue.Enqueue(user, () => publisher.CloseUserConnectionsAsync(user, CancellationToken.None));
    }

    void ToBoth(SessionDocument s, string target, object payload)
    {
        ToMachine(s.MachineId, target, payload);
        ToAgents(s.TenantId, target, payload);
    }

    // Not the request's token: a push due after a committed write is sent even if the caller has gone.
    void ToMachine(string machineId, string target, object payload)
    {
        var user = SignalRTokens.MachineUser(machineId);
        queue.Enqueue(user, () => publisher.SendToUserAsync(user, target, payload, CancellationToken.None));
    }

    void ToAgents(string tenantId, string target, object payload)
    {
        var group = SignalRTokens.AgentsGroup(tenantId);
        queue.Enqueue(group, () => publisher.SendToGroupAsync(group, target, payload, CancellationToken.None));
    }
}
