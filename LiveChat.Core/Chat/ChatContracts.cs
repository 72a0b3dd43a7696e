using System.Text.Json.Serialization;

namespace LiveChat.Core.Chat;

// Requests and responses keep the reference's field names; additions are new fields, never renames.

public sealed record StartSessionResult(string SessionId, bool IsNew);

public sealed record OkResult(bool Ok);

public sealed record TicketSessionView(
    string? SessionId, string? AgentId, string? AgentName, long? StartedAt, long? LastActivityAt,
    long UnreadByAgent, bool MachineOnline, long TicketRef, string TicketSubject);

public sealed record AgentSessionView(
    string TicketId, long TicketRef, string TicketSubject, string SessionId, string AgentId, string AgentName,
    long UnreadCount, long LastActivityAt, long StartedAt);

public sealed record MachineSessionView(
    string SessionId, string TicketId, long TicketRef, string TicketSubject, string AgentName, string? AgentEmail,
    string? AgentAvatarUrl, long UnreadCount, long LastActivityAt, long StartedAt);

public sealed record MachineUpdateView(string TicketId, long TicketRef, long UnreadCount, long LastActivityAt);

public sealed record MachineUpdates(bool HasActiveSessions, IReadOnlyList<MachineUpdateView> Sessions, long TotalUnread);

public sealed record AttachmentView(string Id, string Name, long Size, string Type, string? Url)
{
    /// <summary>The reference's field name for the attachment id.</summary>
    public string StorageId => Id;
}

public sealed record MessageView(
    string Id, string Body, string AuthorName, string? AuthorAvatarUrl, bool IsFromMachine, long CreatedAt,
    IReadOnlyList<AttachmentView> Attachments, string SessionId, string? ClientMessageId, long? ReadByMachineAt, long? ReadByAgentAt,
    long? EditedAt, long? DeletedAt);

public sealed record EditMessageRequest(string? Body);

public sealed record MessageChange(string MessageId, long? EditedAt, long? DeletedAt);

public sealed record MessageAudit(string MessageId, string Body, long? EditedAt, long? DeletedAt, IReadOnlyList<MessageEdit> Edits);

public sealed record MessageList(IReadOnlyList<MessageView> Messages, bool HasSession, long UnreadCount, string? NextCursor);

/// <summary>An attachment cited by a message: the id returned by the upload call (the reference's storageId).</summary>
public sealed record AttachmentCitation(string? StorageId);

public sealed record PostMessageRequest(string? Body, string? ClientMessageId, IReadOnlyList<AttachmentCitation?>? Attachments);

public sealed record PostMessageResult(string MessageId, long CreatedAt, [property: JsonIgnore] bool Created);

public sealed record MarkReadRequest(IReadOnlyList<string>? MessageIds);

public sealed record MarkReadResult(bool Ok, int Processed);

public sealed record HistoryMessage(string Id, string Body, string AuthorName, string AuthorId, bool IsFromMachine, long CreatedAt,
    IReadOnlyList<AttachmentView> Attachments, long? ReadByMachineAt, long? ReadByAgentAt);

public sealed record HistorySession(
    string SessionId, string AgentName, string? AgentEmail, string? AgentAvatarUrl, string MachineName, string Status,
    long StartedAt, long? EndedAt, string? EndReason, int MessageCount, IReadOnlyList<HistoryMessage> Messages);

public sealed record ChatHistory(IReadOnlyList<HistorySession> Sessions, int TotalMessages, bool MessagesTruncated, long? NextBefore);
