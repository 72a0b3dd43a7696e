using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using LiveChat.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>
/// Editing and deleting one's own message, within LiveChat:EditWindow of posting and while its session is active.
/// An edit keeps the earlier body in the message's audit trail; a delete leaves a tombstone (no body, no attachments,
/// its blobs deleted) so cursors and counts stay consistent, and an unread message deleted stops counting as unread.
/// Both are ETag-conditioned, so they race neither each other nor a mark-read.
/// </summary>
public sealed class MessageChanges(CosmosStore store, ChatAccess access, UnreadCounter counter, ChatEvents events, BlobStore blobs,
    WebhookOutbox webhooks, TimeProvider time, IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    public async Task<MessageChange> EditAsync(ChatParticipant who, string ticketId, string messageId, EditMessageRequest request,
        CancellationToken ct)
    {
        var body = ValidBody(request);
        var session = await access.ActiveSessionAsync(who, ticketId, ct);
        var (_, edited) = await ChangeAsync(session, messageId, who, (s, id, at) => ChatWebhookEvents.MessageEdited(s, id, at, body),
            (m, now) => m with { Body = body, EditedAt = now, Edits = [.. m.Edits, new MessageEdit(m.Body, now)] }, ct);
        events.MessageUpdatedIn(session, edited);
        return new MessageChange(edited.Id, edited.EditedAt, null);
    }

    public async Task<MessageChange> DeleteAsync(ChatParticipant who, string ticketId, string messageId, CancellationToken ct)
    {
        var session = await access.ActiveSessionAsync(who, ticketId, ct);
        // Read by both from now on: a later mark-read cannot lower the counter for it a second time.
        var (m, tombstone) = await ChangeAsync(session, messageId, who, ChatWebhookEvents.MessageDeleted, (m, now) => m with
        {
            Body = "", Attachments = [], DeletedAt = now,
            ReadByAgentAt = m.ReadByAgentAt ?? now, ReadByMachineAt = m.ReadByMachineAt ?? now,
        }, ct);
        foreach (var attachment in m.Attachments) await blobs.DeleteAsync(attachment.Id, ct);
        // The reader is the other side: the machine reads the agent's messages and the other way round.
        var unread = m.FromMachine ? m.ReadByAgentAt is null : m.ReadByMachineAt is null;
        var current = unread ? await counter.LowerAsync(session, forMachine: !m.FromMachine, 1, ct) : session;
        events.MessageDeletedIn(current, tombstone);
        if (unread) events.UnreadChangedIn(current);
        return new MessageChange(m.Id, m.EditedAt, tombstone.DeletedAt);
    }

    /// <summary>A message's current state and its earlier bodies: ADMIN and MANAGER only.</summary>
    public async Task<MessageAudit> AuditAsync(AgentCaller agent, string ticketId, string messageId, CancellationToken ct)
    {
        if (agent.Role is not (Roles.Admin or "MANAGER")) throw ErrorCatalog.ForbiddenRoleAudit.Raise();
        await access.TicketForAgentAsync(agent, ticketId, ct);
        var m = await store.Messages.ReadOrNullAsync<MessageDocument>(messageId, ticketId, ct) ?? throw ErrorCatalog.MessageNotFound.Raise();
        return new MessageAudit(m.Id, m.Body, m.EditedAt, m.DeletedAt, m.Edits);
    }

    string ValidBody(EditMessageRequest request)
    {
        var body = (request.Body ?? "").Trim();
        if (body.Length > _limits.MaxMessageLength) throw ErrorCatalog.MessageTooLong.Raise(ValidationTexts.MessageTooLong(_limits.MaxMessageLength));
        return body.Length > 0 ? body : throw ErrorCatalog.MessageEmpty.Raise();
    }

    /// <summary>The checks an edit or a delete makes, on the message as read (again after a lost race).</summary>
    MessageDocument Changeable(SessionDocument session, MessageDocument m, ChatParticipant who)
    {
        if (!who.Wrote(m)) throw ErrorCatalog.NotMessageAuthor.Raise();
        if (m.SessionId != session.Id) throw ErrorCatalog.SessionNotActive.Raise(); // its own session has ended
        if (m.DeletedAt is not null) throw ErrorCatalog.MessageDeleted.Raise();
        if (time.NowMs() - m.CreatedAt > (long)_limits.EditWindow.TotalMilliseconds) throw ErrorCatalog.EditWindowPassed.Raise();
        return m;
    }

    /// <summary>
    /// Read, check, write under the message's ETag; a lost race reads and checks again (the shared ETag loop), so an
    /// edit never overwrites a concurrent delete or mark-read. Returns the message as it was and as it is now. Its webhook
    /// event is recorded once the change is allowed, before it is written.
    /// </summary>
    async Task<(MessageDocument Before, MessageDocument After)> ChangeAsync(SessionDocument session, string messageId, ChatParticipant who,
        Func<SessionDocument, string, long, WebhookOutboxDocument> announce, Func<MessageDocument, long, MessageDocument> change, CancellationToken ct)
    {
        var current = await store.Messages.ReadOrNullAsync<MessageDocument>(messageId, session.TicketId, ct) ?? throw ErrorCatalog.MessageNotFound.Raise();
        var before = Changeable(session, current, who);
        var now = time.NowMs();
        var hook = await webhooks.RecordAsync(announce(session, messageId, now), ct);
        var after = await store.Messages.UpdateIfUnchangedAsync(current, messageId, session.TicketId,
            m => change(before = Changeable(session, m, who), now) with { ETag = null }, _limits.MaxConcurrentUpdateAttempts, ct);
        webhooks.Relay(hook);
        return (before, after ?? throw ErrorCatalog.MessageNotFound.Raise());
    }
}
