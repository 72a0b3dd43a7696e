using LiveChat.Core.Errors;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>Marking the other side's messages read, from either side; the counters move only through <see cref="UnreadCounter"/>.</summary>
public sealed class ReadReceipts(ChatAccess access, UnreadCounter counter, IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    public async Task<MarkReadResult> MarkReadAsync(ChatParticipant who, string ticketId, MarkReadRequest request, CancellationToken ct)
    {
        var ids = ValidateIds(request);
        var session = await access.SessionOrNullAsync(who, ticketId, ct);
        var marked = await counter.MarkReadAsync(session, ticketId, ids, byMachine: who.IsMachine, ct);
        return new MarkReadResult(true, marked.Ids.Count);
    }

    IReadOnlyList<string> ValidateIds(MarkReadRequest request)
    {
        var ids = request.MessageIds ?? throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.MessageIdsRequired);
        if (ids.Count > _limits.MaxMarkReadIds)
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.TooManyMarkReadIds(_limits.MaxMarkReadIds));
        if (ids.Any(id => string.IsNullOrEmpty(id) || id.Length > 200))
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.MessageIdInvalid);
        return ids.Distinct().ToList();
    }
}
