using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Webhooks;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Chat;

/// <summary>
/// The chat's webhook events: what each change records before it is written (<see cref="WebhookOutbox"/>), and, once
/// it is, the event's data read back from the store. Every event carries its tenant; chat events their ticket and
/// session; only message events carry the message's text. Session events carry the timeline's payload.
/// </summary>
public sealed class ChatWebhookEvents(CosmosStore store) : IWebhookEventSource
{
    public static WebhookOutboxDocument SessionStarted(SessionDocument s) => Session(WebhookEventTypes.SessionStarted, s);
    public static WebhookOutboxDocument SessionEnded(SessionDocument s) => Session(WebhookEventTypes.SessionEnded, s);

    static WebhookOutboxDocument Session(string type, SessionDocument s) => new()
    {
        Id = WebhookOutbox.EventId(type, s.Id), Type = type, TenantId = s.TenantId, TicketId = s.TicketId, SessionId = s.Id, MachineId = s.MachineId,
    };

    public static WebhookOutboxDocument MessageCreated(MessageDocument m) =>
        Message(WebhookEventTypes.MessageCreated, m.TenantId, m.TicketId, m.SessionId, m.Id, m.CreatedAt, m.Id) with { Body = m.Body };

    /// <summary>Each edit is its own event (its time is in the id); a message is deleted once.</summary>
    public static WebhookOutboxDocument MessageEdited(SessionDocument s, string messageId, long editedAt, string body) =>
        Message(WebhookEventTypes.MessageEdited, s.TenantId, s.TicketId, s.Id, messageId, editedAt, $"{messageId}|{editedAt}") with { Body = body };

    public static WebhookOutboxDocument MessageDeleted(SessionDocument s, string messageId, long deletedAt) =>
        Message(WebhookEventTypes.MessageDeleted, s.TenantId, s.TicketId, s.Id, messageId, deletedAt, messageId);

    static WebhookOutboxDocument Message(string type, string tenantId, string ticketId, string sessionId, string messageId, long at, string key) => new()
    {
        Id = WebhookOutbox.EventId(type, key), Type = type, TenantId = tenantId, TicketId = ticketId, SessionId = sessionId,
        MessageIds = [messageId], At = at,
    };

    public static WebhookOutboxDocument MessagesRead(string tenantId, string ticketId, string? sessionId, bool byMachine, IReadOnlyList<string> ids, long readAt)
    {
        var readBy = byMachine ? "machine" : "agent";
        return new()
        {
            Id = WebhookOutbox.EventId(WebhookEventTypes.MessagesRead, ticketId, readBy, readAt, string.Join(",", ids.Order())),
            Type = WebhookEventTypes.MessagesRead, TenantId = tenantId, TicketId = ticketId, SessionId = sessionId, MessageIds = [.. ids],
            ReadBy = readBy, At = readAt,
        };
    }

    public async Task<ConfirmedEvent?> ConfirmAsync(WebhookOutboxDocument e, CancellationToken ct)
    {
        switch (e.Type)
        {
            case WebhookEventTypes.SessionStarted or WebhookEventTypes.SessionEnded:
                var s = await store.Sessions.ReadOrNullAsync<SessionDocument>(e.SessionId!, SessionDocument.KeyOf(e.TenantId, e.MachineId!), ct);
                if (s is null) return null;
                if (e.Type == WebhookEventTypes.SessionStarted) return new(s.StartedAt, SessionData(s, Timeline.StartedEvent(s)));
                return s.EndedAt is { } endedAt ? new(endedAt, SessionData(s, Timeline.EndedEvent(s))) : null;
            case WebhookEventTypes.MachineRevoked:
                var machine = await store.Machines.ReadOrNullAsync<MachineDocument>(e.MachineId!, e.MachineId!, ct);
                return machine is { Status: MachineStatus.Revoked }
                    ? new(e.At!.Value, new { tenantId = machine.TenantId, machineId = machine.Id, hostname = machine.Hostname, revokedAt = e.At })
                    : null;
            case WebhookEventTypes.MessagesRead:
                var byMachine = e.ReadBy == "machine";
                var read = (await store.Messages.QueryAsync<MessageDocument>(
                        new QueryDefinition("SELECT * FROM c WHERE c.ticketId = @ticketId AND ARRAY_CONTAINS(@ids, c.id)")
                            .WithParameter("@ticketId", e.TicketId).WithParameter("@ids", e.MessageIds), e.TicketId!, ct))
                    .Where(m => (byMachine ? m.ReadByMachineAt : m.ReadByAgentAt) == e.At).Select(m => m.Id).Order().ToList();
                return read.Count == 0 ? null : new(e.At!.Value,
                    new { tenantId = e.TenantId, ticketId = e.TicketId, sessionId = e.SessionId, readBy = e.ReadBy, messageIds = read, readAt = e.At });
            default:
                var m = await store.Messages.ReadOrNullAsync<MessageDocument>(e.MessageIds[0], e.TicketId!, ct);
                return (e.Type, m) switch
                {
                    (_, null) => null,
                    (WebhookEventTypes.MessageCreated, _) => new(m.CreatedAt, MessageData(m with { Body = e.Body ?? m.Body, EditedAt = null })),
                    // Each edit leaves an entry stamped with its time in the audit trail, whatever came after it.
                    (WebhookEventTypes.MessageEdited, _) when m.Edits.Any(x => x.EditedAt == e.At) => new(e.At!.Value, MessageData(m with { Body = e.Body ?? m.Body, EditedAt = e.At })),
                    (WebhookEventTypes.MessageDeleted, { DeletedAt: { } deletedAt }) => new(deletedAt, new
                    {
                        tenantId = m.TenantId, ticketId = m.TicketId, sessionId = m.SessionId, messageId = m.Id, createdAt = m.CreatedAt,
                        deletedAt, isFromMachine = m.FromMachine, authorId = m.AuthorId,
                    }),
                    _ => null,
                };
        }
    }

    /// <summary>The timeline event's payload as stored (LIVE_CHAT_ENDED: reason and autoEnded when automatic), with the ids.</summary>
    static Dictionary<string, object?> SessionData(SessionDocument s, TicketEventDocument timeline)
    {
        var data = new Dictionary<string, object?>(timeline.Payload)
        {
            ["tenantId"] = s.TenantId, ["ticketId"] = s.TicketId, ["ticketRef"] = s.TicketRef, ["machineId"] = s.MachineId,
            ["startedAt"] = s.StartedAt, ["timelineEvent"] = timeline.Type,
        };
        if (timeline.Type == Timeline.Ended)
        {
            data.TryAdd("reason", null);
            data.TryAdd("autoEnded", false);
        }
        return data;
    }

    static object MessageData(MessageDocument m) => new
    {
        tenantId = m.TenantId, ticketId = m.TicketId, sessionId = m.SessionId, messageId = m.Id, createdAt = m.CreatedAt,
        editedAt = m.EditedAt, isFromMachine = m.FromMachine, authorId = m.AuthorId, authorName = m.AuthorSnapshot.Name, body = m.Body,
        attachments = m.Attachments.Select(a => new { storageId = a.Id, fileName = a.Name, fileSize = a.Size, mimeType = a.Type }),
    };
}
