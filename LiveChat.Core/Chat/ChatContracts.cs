using System.Text.Json.Serialization;
using LiveChat.Core.Uploads;

namespace LiveChat.Core.Chat;

// Requests and responses keep the reference's field names; additions are new fields, never renames.

public sealed record StartSessionResult(string SessionId, bool IsNew);

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

public sealed record MessageView(
    string Id, string Body, string AuthorName, string? AuthorAvatarUrl, bool IsFromMachine, long CreatedAt,
    IReadOnlyList<AttachmentView> Attachments, string SessionId, string? ClientMessageId, long? ReadByMachineAt, long? ReadByAgentAt,
    long? EditedAt, long? DeletedAt)
{
    /// <summary>Messages as callers see them, each attachment with a short-lived read URL.</summary>
    public static async Task<List<MessageView>> OfAsync(IEnumerable<MessageDocument> messages, MessageAttachments attachments, CancellationToken ct)
    {
        var views = new List<MessageView>();
        foreach (var m in messages)
            views.Add(new MessageView(m.Id, m.Body, m.AuthorSnapshot.Name, m.AuthorSnapshot.AvatarUrl, m.FromMachine, m.CreatedAt,
                await attachments.ToViewsAsync(m.Attachments, ct), m.SessionId, m.ClientMessageId, m.ReadByMachineAt, m.ReadByAgentAt,
                m.EditedAt, m.DeletedAt));
        return views;
    }
}

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
