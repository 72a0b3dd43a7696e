using LiveChat.Core.Errors;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>Listing a ticket's messages a page at a time, for either side, by (createdAt, id) cursor.</summary>
public sealed class MessagePages(CosmosStore store, ChatAccess access, MessageAttachments attachments, IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    /// <summary>
    /// A page of the ticket's messages. A machine sees them only while its session is active (the reference's
    /// listMachineMessages answers nothing otherwise); an agent always sees the ticket's.
    /// </summary>
    public async Task<MessageList> ListAsync(ChatParticipant who, string ticketId, string? cursor, string? limit, CancellationToken ct)
    {
        var page = ParsePage(cursor, limit);
        var session = await access.ListedSessionOrNullAsync(who, ticketId, ct);
        if (session is null && who.IsMachine) return new MessageList([], HasSession: false, UnreadCount: 0, NextCursor: null);
        var (messages, next) = await PageAsync(ticketId, page, ct);
        var unread = session is null ? 0 : who.UnreadIn(session);
        return new MessageList(await MessageView.OfAsync(messages, attachments, ct), session is not null, unread, next);
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
                : throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.CursorInvalid);
        var size = _limits.DefaultListLimit;
        if (!string.IsNullOrEmpty(limit) && (!int.TryParse(limit, out size) || size < 0))
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.LimitInvalid);
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
}
