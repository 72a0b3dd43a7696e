using LiveChat.Core.Storage;
using System.Text.Json.Serialization;
using LiveChat.Core.Identity;
using LiveChat.Core.Uploads;

namespace LiveChat.Core.Chat;

/// <summary>A body a message had before an edit replaced it at EditedAt.</summary>
public sealed record MessageEdit(string Body, long EditedAt);

/// <summary>messages container, partition /ticketId. Read in (createdAt, id) order.</summary>
public sealed record MessageDocument : IVersioned
{
    public required string Id { get; init; }
    public required string TicketId { get; init; }
    public required string TenantId { get; init; }
    public required string SessionId { get; init; }
    public required string AuthorId { get; init; }
    public required PersonSnapshot AuthorSnapshot { get; init; }
    public bool FromMachine { get; init; }
    public required string Body { get; init; }
    public IReadOnlyList<AttachmentRef> Attachments { get; init; } = [];
    public long CreatedAt { get; init; }
    public string? ClientMessageId { get; init; }
    public long? ReadByMachineAt { get; init; }
    public long? ReadByAgentAt { get; init; }
    public long? EditedAt { get; init; }
    /// <summary>A deleted message stays as a tombstone (no body, no attachments), so cursors and counts stay consistent.</summary>
    public long? DeletedAt { get; init; }
    /// <summary>Earlier bodies, oldest first: the audit trail ADMIN and MANAGER can read.</summary>
    public IReadOnlyList<MessageEdit> Edits { get; init; } = [];
    /// <summary>When a retry took over counting this message from a request that died (see MessagePosting).</summary>
    public long? CountClaimedAt { get; init; }

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }

    /// <summary>
    /// A retried clientMessageId maps to the same id, so the retry cannot store a second copy. The key belongs to its
    /// session and author: another author, or a later session, using the same key gets a message of its own.
    /// </summary>
    public static string IdFor(string sessionId, string authorKey, string? clientMessageId) => clientMessageId is null
        ? Guid.NewGuid().ToString("N")
        : "c-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{sessionId}\n{authorKey}\n{clientMessageId}")))[..40];
}

/// <summary>A position in a ticket's (createdAt, id) message order; "createdAt.id", or a bare epoch-ms timestamp.</summary>
public readonly record struct MessageCursor(long CreatedAt, string Id)
{
    public override string ToString() => $"{CreatedAt}.{Id}";

    public static MessageCursor Of(MessageDocument m) => new(m.CreatedAt, m.Id);

    public static bool TryParse(string? text, out MessageCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 200) return false;
        var dot = text.IndexOf('.');
        var stamp = dot < 0 ? text : text[..dot];
        if (!long.TryParse(stamp, System.Globalization.NumberStyles.None, null, out var createdAt)) return false;
        // A bare timestamp means "after everything at that millisecond": '~' sorts after every id character.
        cursor = new MessageCursor(createdAt, dot < 0 ? "~" : text[(dot + 1)..]);
        return dot < 0 || cursor.Id.Length > 0 && cursor.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
    }
}
