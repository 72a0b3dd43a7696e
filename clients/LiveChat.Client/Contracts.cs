namespace LiveChat.Client;

/// <summary>A message as the API lists it.</summary>
public sealed record ChatMessage(
    string Id, string Body, string AuthorName, string? AuthorAvatarUrl, bool IsFromMachine, long CreatedAt,
    IReadOnlyList<ChatAttachment> Attachments, string SessionId, string? ClientMessageId, long? ReadByMachineAt = null,
    long? ReadByAgentAt = null, long? EditedAt = null, long? DeletedAt = null)
{
    /// <summary>The position right after this message: give it as <c>since</c>/<c>after</c> to read on from here.</summary>
    public string Cursor => $"{CreatedAt}.{Id}";
}

/// <summary>An attachment with a short-lived read URL.</summary>
public sealed record ChatAttachment(string Id, string Name, long Size, string Type, string? Url);

/// <summary>A page of a ticket's messages and the cursor to read on from.</summary>
public sealed record MessagePage(IReadOnlyList<ChatMessage> Messages, bool HasSession, long UnreadCount, string? NextCursor);

/// <summary>A stored message: created now, or already there (a retry).</summary>
public sealed record PostedMessage(string MessageId, long CreatedAt);

/// <summary>The answer of a mark-read call.</summary>
public sealed record MarkedRead(bool Ok, int Processed);

/// <summary>The machine's cheap poll.</summary>
public sealed record MachineUpdates(bool HasActiveSessions, IReadOnlyList<MachineUpdate> Sessions, long TotalUnread);

/// <summary>One active session in the machine's poll.</summary>
public sealed record MachineUpdate(string TicketId, long TicketRef, long UnreadCount, long LastActivityAt);

/// <summary>One of the machine's active sessions.</summary>
public sealed record MachineSession(
    string SessionId, string TicketId, long TicketRef, string TicketSubject, string AgentName, string? AgentEmail,
    string? AgentAvatarUrl, long UnreadCount, long LastActivityAt, long StartedAt);

/// <summary>One of the tenant's active sessions, as an agent sees it.</summary>
public sealed record AgentSession(
    string TicketId, long TicketRef, string TicketSubject, string SessionId, string AgentId, string AgentName,
    long UnreadCount, long LastActivityAt, long StartedAt);

/// <summary>A session started (or the ticket's active one).</summary>
public sealed record StartedSession(string SessionId, bool IsNew);

/// <summary>A ticket's sessions with their messages, newest first.</summary>
public sealed record ChatHistory(IReadOnlyList<HistorySession> Sessions, int TotalMessages, bool MessagesTruncated, long? NextBefore);

/// <summary>One session of a ticket's history.</summary>
public sealed record HistorySession(
    string SessionId, string AgentName, string? AgentEmail, string? AgentAvatarUrl, string MachineName, string Status,
    long StartedAt, long? EndedAt, string? EndReason, int MessageCount, IReadOnlyList<HistoryMessage> Messages);

/// <summary>A message of a ticket's history.</summary>
public sealed record HistoryMessage(string Id, string Body, string AuthorName, string AuthorId, bool IsFromMachine, long CreatedAt,
    IReadOnlyList<ChatAttachment> Attachments, long? ReadByMachineAt = null, long? ReadByAgentAt = null);

/// <summary>Where and how to PUT an attachment.</summary>
public sealed record UploadTicket(
    string AttachmentId, string FileName, string UploadUrl, string Method, IReadOnlyDictionary<string, string> Headers, long ExpiresAt, long MaxSize);

sealed record OkAnswer(bool Ok);
