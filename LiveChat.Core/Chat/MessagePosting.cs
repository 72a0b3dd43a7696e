using System.Text.RegularExpressions;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using LiveChat.Core.Webhooks;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>
/// Posting a message from either side: validated, its attachments verified, stored once per clientMessageId, and
/// counted into the reader's unread counter; a retry of a post whose count was lost completes it.
/// </summary>
public sealed partial class MessagePosting(
    CosmosStore store, ChatAccess access, MessageAttachments attachments, UnreadCounter counter, MessageClock clock, WebhookOutbox webhooks,
    TimeProvider time, IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    public async Task<PostMessageResult> PostAsync(ChatParticipant who, string ticketId, PostMessageRequest request, CancellationToken ct)
    {
        var input = ValidatePost(request);
        var session = await access.ActiveSessionAsync(who, ticketId, ct);
        var verified = await attachments.VerifyAsync(who.AttachmentOwner, input.AttachmentIds, ct);
        return await StoreAsync(session, who, input, verified, ct);
    }

    sealed record PostInput(string Body, string? ClientMessageId, IReadOnlyList<string> AttachmentIds);

    PostInput ValidatePost(PostMessageRequest request)
    {
        var body = (request.Body ?? "").Trim();
        if (body.Length > _limits.MaxMessageLength) throw ErrorCatalog.MessageTooLong.Raise(ValidationTexts.MessageTooLong(_limits.MaxMessageLength));
        if (request.ClientMessageId is { } id && !ClientMessageIdPattern().IsMatch(id))
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.ClientMessageIdInvalid);
        var ids = (request.Attachments ?? []).Select(a => a?.StorageId).ToList();
        if (ids.Count > _limits.MaxAttachmentsPerMessage)
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.TooManyAttachments(_limits.MaxAttachmentsPerMessage));
        if (ids.Any(string.IsNullOrWhiteSpace) || ids.Distinct().Count() != ids.Count)
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.AttachmentIdsInvalid);
        if (body.Length == 0 && ids.Count == 0) throw ErrorCatalog.MessageEmpty.Raise();
        return new PostInput(body, request.ClientMessageId, ids!);
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex ClientMessageIdPattern();

    async Task<PostMessageResult> StoreAsync(SessionDocument session, ChatParticipant who, PostInput input,
        IReadOnlyList<AttachmentRef> verified, CancellationToken ct)
    {
        var now = clock.Next(session.TicketId);
        var message = new MessageDocument
        {
            Id = MessageDocument.IdFor(session.Id, who.SenderKey, input.ClientMessageId),
            TicketId = session.TicketId,
            TenantId = session.TenantId,
            SessionId = session.Id,
            AuthorId = who.AuthorIdIn(session),
            AuthorSnapshot = who.AuthorIn(session),
            FromMachine = who.IsMachine,
            Body = input.Body,
            Attachments = verified,
            CreatedAt = now,
            ClientMessageId = input.ClientMessageId,
            ReadByMachineAt = who.IsMachine ? now : null,
            ReadByAgentAt = who.IsMachine ? null : now,
        };
        var hook = await webhooks.RecordAsync(ChatWebhookEvents.MessageCreated(message), ct);
        var created = await store.Messages.TryCreateAsync(message, message.TicketId, ct);
        webhooks.Relay(hook);
        if (!created) return await CompleteRetryAsync(session, message, ct);
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
        foreach (var wait in InFlightWrite.Waits)
        {
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
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
}
