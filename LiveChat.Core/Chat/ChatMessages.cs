using System.Text.RegularExpressions;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>Posting, listing and reading messages, from both sides, and a ticket's history by session.</summary>
public sealed partial class ChatMessages(
    CosmosStore store, ChatAccess access, MessageAttachments attachments, UnreadCounter counter, MessageClock clock, TimeProvider time,
    IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    public async Task<PostMessageResult> PostFromMachineAsync(MachineCaller machine, string ticketId, PostMessageRequest request,
        CancellationToken ct)
    {
        var input = ValidatePost(request);
        var session = await access.MachineSessionAsync(machine, ticketId, ct) ?? throw ErrorCatalog.SessionNotActive.Raise();
        var verified = await attachments.VerifyAsync(AttachmentOwner.Machine(machine), input.AttachmentIds, ct);
        return await PostAsync(session, fromMachine: true, session.ClientAuthorId, session.ClientSnapshot, input, verified, ct);
    }

    public async Task<PostMessageResult> PostFromAgentAsync(AgentCaller agent, string ticketId, PostMessageRequest request,
        CancellationToken ct)
    {
        var input = ValidatePost(request);
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRoleView);
        var session = await access.AgentSessionAsync(agent, ticketId, ct) ?? throw ErrorCatalog.SessionNotActive.Raise();
        var verified = await attachments.VerifyAsync(AttachmentOwner.Agent(agent), input.AttachmentIds, ct);
        return await PostAsync(session, fromMachine: false, agent.UserId, new PersonSnapshot(agent.Name, agent.Email, agent.AvatarUrl),
            input, verified, ct);
    }

    sealed record PostInput(string Body, string? ClientMessageId, IReadOnlyList<string> AttachmentIds);

    PostInput ValidatePost(PostMessageRequest request)
    {
        var body = (request.Body ?? "").Trim();
        if (body.Length > _limits.MaxMessageLength) throw ErrorCatalog.MessageTooLong.Raise();
        if (request.ClientMessageId is { } id && !ClientMessageIdPattern().IsMatch(id))
            throw ErrorCatalog.ValidationFailed.Raise("clientMessageId deve ter de 1 a 64 caracteres: letras, números, '-' ou '_'.");
        var ids = (request.Attachments ?? []).Select(a => a?.StorageId).ToList();
        if (ids.Count > _limits.MaxAttachmentsPerMessage)
            throw ErrorCatalog.ValidationFailed.Raise($"No máximo {_limits.MaxAttachmentsPerMessage} anexos por mensagem.");
        if (ids.Any(string.IsNullOrWhiteSpace) || ids.Distinct().Count() != ids.Count)
            throw ErrorCatalog.ValidationFailed.Raise("Cada anexo precisa de um storageId, sem repetição.");
        if (body.Length == 0 && ids.Count == 0) throw ErrorCatalog.MessageEmpty.Raise();
        return new PostInput(body, request.ClientMessageId, ids!);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ClientMessageIdPattern();

    async Task<PostMessageResult> PostAsync(SessionDocument session, bool fromMachine, string authorId, PersonSnapshot author,
        PostInput input, IReadOnlyList<AttachmentRef> verified, CancellationToken ct)
    {
        var now = clock.Next(session.TicketId);
        var message = new MessageDocument
        {
            Id = MessageDocument.IdFor(session.Id, fromMachine ? $"machine:{session.MachineId}" : $"agent:{authorId}", input.ClientMessageId),
            TicketId = session.TicketId,
            TenantId = session.TenantId,
            SessionId = session.Id,
            AuthorId = authorId,
            AuthorSnapshot = author,
            FromMachine = fromMachine,
            Body = input.Body,
            Attachments = verified,
            CreatedAt = now,
            ClientMessageId = input.ClientMessageId,
            ReadByMachineAt = fromMachine ? now : null,
            ReadByAgentAt = fromMachine ? null : now,
        };
        if (!await store.Messages.TryCreateAsync(message, message.TicketId, ct))
            return await CompleteRetryAsync(session, message, ct);
        await counter.CountAsync(session, message, ct);
        return new PostMessageResult(message.Id, message.CreatedAt, Created: true);
    }

    /// <summary>
    /// A retry of a stored message. If the request that stored it died before counting it, the retry counts and
    /// announces it, once: it first claims the message with an ETag-conditioned write, and only after the first
    /// request's time is surely up (twice the request deadline) — until then that request may still be counting.
    /// </summary>
    async Task<PostMessageResult> CompleteRetryAsync(SessionDocument session, MessageDocument message, CancellationToken ct)
    {
        var stored = await store.Messages.ReadOrNullAsync<MessageDocument>(message.Id, message.TicketId, ct)
            ?? throw ErrorCatalog.StoreUnavailable.Raise();
        // A retry must be the same message; the same key with other content is a client bug, not a retry.
        if (stored.Body != message.Body || !stored.Attachments.Select(a => a.Id).SequenceEqual(message.Attachments.Select(a => a.Id)))
            throw ErrorCatalog.IdempotencyKeyReused.Raise();
        var retried = new PostMessageResult(stored.Id, stored.CreatedAt, Created: false);

        var lease = (long)(2 * _limits.RequestDeadline).TotalMilliseconds;
        foreach (var wait in (int[])[0, 50, 150, 300])
        {
            if (wait > 0) await Task.Delay(TimeSpan.FromMilliseconds(wait), ct);
            var current = await store.Sessions.ReadOrNullAsync<SessionDocument>(session.Id, session.Key, ct);
            if (current is null || !current.MayBeUncounted(stored)) return retried;
            if (time.NowMs() - (stored.CountClaimedAt ?? stored.CreatedAt) < lease) continue;

            var claim = stored with { CountClaimedAt = time.NowMs(), ETag = null };
            if (!await store.Messages.TryReplaceIfUnchangedAsync(claim, stored.Id, stored.TicketId, stored.ETag!, ct)) break;
            await counter.CountAsync(current, stored, ct);
            return retried;
        }
        throw ErrorCatalog.MessageInProgress.Raise();
    }

    public async Task<MessageList> ListForMachineAsync(MachineCaller machine, string ticketId, string? since, string? limit,
        CancellationToken ct)
    {
        var page = ParsePage(since, limit);
        var session = await access.MachineSessionAsync(machine, ticketId, ct);
        if (session is null) return new MessageList([], HasSession: false, UnreadCount: 0, NextCursor: null);
        var (messages, next) = await PageAsync(ticketId, page, ct);
        return new MessageList(await attachments.ToViewsAsync(messages, ct), true, session.UnreadByMachine, next);
    }

    public async Task<MessageList> ListForAgentAsync(AgentCaller agent, string ticketId, string? after, string? limit,
        CancellationToken ct)
    {
        var page = ParsePage(after, limit);
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRoleView);
        var session = await access.AgentActiveSessionAsync(agent, ticketId, ct);
        var (messages, next) = await PageAsync(ticketId, page, ct);
        return new MessageList(await attachments.ToViewsAsync(messages, ct), session is not null, session?.UnreadByAgent ?? 0, next);
    }

    internal sealed record PageRequest(MessageCursor? After, int Limit);

    /// <summary>
    /// A cursor of "0" is no cursor, as the reference's <c>if (args.since)</c> reads it (agents that start with since: 0
    /// get the newest messages, not the oldest); limit=0 is an empty page, as the reference's <c>take(0)</c>.
    /// </summary>
    PageRequest ParsePage(string? cursor, string? limit)
    {
        MessageCursor? after = null;
        if (!string.IsNullOrEmpty(cursor) && cursor != "0")
            after = MessageCursor.TryParse(cursor, out var parsed)
                ? parsed
                : throw ErrorCatalog.ValidationFailed.Raise("Cursor inválido: use o nextCursor devolvido ou um timestamp em milissegundos.");
        var size = _limits.DefaultListLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, out size) || size < 0))
            throw ErrorCatalog.ValidationFailed.Raise("limit deve ser um inteiro não negativo.");
        return new PageRequest(after, Math.Min(size, _limits.MaxListLimit));
    }

    /// <summary>
    /// After a cursor: the oldest messages past it, forward. Without one: the newest, in chronological order.
    /// (createdAt, id) order never skips or repeats messages that share a millisecond.
    /// </summary>
    internal async Task<(List<MessageDocument> Messages, string? NextCursor)> PageAsync(string ticketId, PageRequest page, CancellationToken ct)
    {
        if (page.Limit == 0) return ([], page.After?.ToString());
        QueryDefinition query;
        if (page.After is { } after)
            query = new QueryDefinition(
                    $"SELECT TOP {page.Limit} * FROM c WHERE c.ticketId = @ticketId AND (c.createdAt > @createdAt OR (c.createdAt = @createdAt AND c.id > @id)) ORDER BY c.createdAt ASC, c.id ASC")
                .WithParameter("@createdAt", after.CreatedAt).WithParameter("@id", after.Id);
        else
            query = new QueryDefinition(
                $"SELECT TOP {page.Limit} * FROM c WHERE c.ticketId = @ticketId ORDER BY c.createdAt DESC, c.id DESC");
        query = query.WithParameter("@ticketId", ticketId);

        var messages = await store.Messages.QueryAsync<MessageDocument>(query, ticketId, ct, page.Limit);
        if (page.After is null) messages.Reverse();
        var next = messages.Count > 0 ? MessageCursor.Of(messages[^1]).ToString() : page.After?.ToString();
        return (messages, next);
    }

    public async Task<MarkReadResult> MarkReadByMachineAsync(MachineCaller machine, string ticketId, MarkReadRequest request,
        CancellationToken ct)
    {
        var ids = ValidateIds(request);
        var session = await access.MachineSessionAsync(machine, ticketId, ct);
        var marked = await counter.MarkReadAsync(session, ticketId, ids, byMachine: true, ct);
        return new MarkReadResult(true, marked.Ids.Count);
    }

    public async Task<MarkReadResult> MarkReadByAgentAsync(AgentCaller agent, string ticketId, MarkReadRequest request,
        CancellationToken ct)
    {
        var ids = ValidateIds(request);
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRoleView);
        var session = await access.AgentSessionAsync(agent, ticketId, ct);
        var marked = await counter.MarkReadAsync(session, ticketId, ids, byMachine: false, ct);
        return new MarkReadResult(true, marked.Ids.Count);
    }

    IReadOnlyList<string> ValidateIds(MarkReadRequest request)
    {
        var ids = request.MessageIds ?? throw ErrorCatalog.ValidationFailed.Raise("messageIds é obrigatório.");
        if (ids.Count > _limits.MaxMarkReadIds)
            throw ErrorCatalog.ValidationFailed.Raise($"No máximo {_limits.MaxMarkReadIds} mensagens por chamada.");
        if (ids.Any(id => string.IsNullOrEmpty(id) || id.Length > 200))
            throw ErrorCatalog.ValidationFailed.Raise("messageIds contém um id inválido.");
        return ids.Distinct().ToList();
    }

    /// <summary>
    /// A ticket's sessions, newest first, 50 a page (<paramref name="before"/>: sessions started before that epoch ms),
    /// each with its messages; at most the newest 500 messages of the page's time span (MessagesTruncated when more;
    /// the messages list with after = a session's startedAt - 1 reads a whole session forward).
    /// </summary>
    public async Task<ChatHistory> HistoryAsync(AgentCaller agent, string ticketId, string? before, CancellationToken ct)
    {
        long? until = null;
        if (!string.IsNullOrEmpty(before))
            until = long.TryParse(before, out var b) && b > 0 ? b : throw ErrorCatalog.ValidationFailed.Raise("before deve ser um timestamp em milissegundos.");
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRoleView);
        await access.TicketForAgentAsync(agent, ticketId, ct);

        var sessionQuery = new QueryDefinition(
                $"SELECT TOP {_limits.MaxHistorySessions} * FROM c WHERE c.ticketId = @ticketId AND c.tenantId = @tenantId AND c.startedAt < @until ORDER BY c.startedAt DESC")
            .WithParameter("@ticketId", ticketId).WithParameter("@tenantId", agent.TenantId).WithParameter("@until", until ?? long.MaxValue);
        var sessions = await store.Sessions.QueryAsync<SessionDocument>(sessionQuery, SessionDocument.TenantPrefix(agent.TenantId), ct, _limits.MaxHistorySessions);
        if (sessions.Count == 0) return new ChatHistory([], 0, MessagesTruncated: false, NextBefore: null);

        var messageQuery = new QueryDefinition(
                $"SELECT TOP {_limits.MaxHistoryMessages} * FROM c WHERE c.ticketId = @ticketId AND c.createdAt >= @from AND c.createdAt < @until ORDER BY c.createdAt DESC, c.id DESC")
            .WithParameter("@ticketId", ticketId).WithParameter("@from", sessions.Min(s => s.StartedAt)).WithParameter("@until", until ?? long.MaxValue);
        var messages = await store.Messages.QueryAsync<MessageDocument>(messageQuery, ticketId, ct, _limits.MaxHistoryMessages);
        messages.Reverse();

        var bySession = messages.ToLookup(m => m.SessionId);
        var result = new List<HistorySession>(sessions.Count);
        foreach (var s in sessions.OrderByDescending(s => s.StartedAt))
        {
            var own = new List<HistoryMessage>();
            foreach (var m in bySession[s.Id])
                own.Add(new HistoryMessage(m.Id, m.Body, m.AuthorSnapshot.Name, m.AuthorId, m.FromMachine, m.CreatedAt,
                    await attachments.ToViewsAsync(m.Attachments, ct), m.ReadByMachineAt, m.ReadByAgentAt));
            result.Add(new HistorySession(s.Id, s.AgentSnapshot.Name, s.AgentSnapshot.Email, s.AgentSnapshot.AvatarUrl,
                string.IsNullOrEmpty(s.MachineHostname) ? "Cliente" : s.MachineHostname, s.Status, s.StartedAt, s.EndedAt,
                s.EndReason, own.Count, own));
        }
        var nextBefore = sessions.Count == _limits.MaxHistorySessions ? sessions.Min(s => s.StartedAt) : (long?)null;
        return new ChatHistory(result, messages.Count, messages.Count == _limits.MaxHistoryMessages, nextBefore);
    }
}
