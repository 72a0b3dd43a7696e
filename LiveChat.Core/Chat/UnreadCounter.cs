using System.Security.Cryptography;
using System.Text;
using LiveChat.Core.Realtime;
using LiveChat.Core.Storage;
using LiveChat.Core.Webhooks;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>
/// The only writer of a session's unread counters. The invariant: while a session is ACTIVE, UnreadByMachine is the
/// number of its agent messages without readByMachineAt and UnreadByAgent the number of its machine messages without
/// readByAgentAt (a deleted message is read by both). It is kept four ways:
/// <list type="bullet">
/// <item>a new message is counted once: one patch increments and records it in CountedMessages (<see cref="CountAsync"/>);</item>
/// <item>a read time is set under the message's ETag, so of racing mark-reads only the call that set it lowers a counter,
/// and only the counter of the session holding the message, while that session is the ACTIVE one (<see cref="MarkReadAsync"/>);</item>
/// <item>lowering is ETag-conditioned and never below zero (<see cref="LowerAsync"/>);</item>
/// <item>the sweep recounts sessions from their messages and corrects what a failed write left (<see cref="RecountAsync"/>).</item>
/// </list>
/// </summary>
public sealed class UnreadCounter(CosmosStore store, ChatEvents events, MachineInbox inbox, WebhookOutbox webhooks, TimeProvider time,
    IOptions<LiveChatOptions> options, ILogger<UnreadCounter> log)
{
    readonly LiveChatOptions _limits = options.Value;

    /// <summary>
    /// Counts a stored message into its reader's counter and announces both. The increment and the message's entry in
    /// CountedMessages are one patch, so a message is counted at most once and a retry can see whether it was. When
    /// the entries pass twice the number kept, the oldest are dropped (<see cref="CompactAsync"/>).
    /// </summary>
    public async Task CountAsync(SessionDocument session, MessageDocument message, CancellationToken ct)
    {
        PatchOperation[] count =
        [
            PatchOperation.Increment(message.FromMachine ? "/unreadByAgent" : "/unreadByMachine", 1),
            PatchOperation.Set("/lastActivityAt", message.CreatedAt),
            PatchOperation.Set($"/countedMessages/{message.Id}", message.CreatedAt),
            PatchOperation.Increment("/version", 1),
        ];
        var written = await store.Sessions.PatchOrNullAsync<SessionDocument>(session.Id, session.Key, count, ct);
        if (written is not null) await inbox.ReflectAsync(written, ct);
        var counted = written ?? session;
        if (counted.CountedMessages.Count > 2 * SessionDocument.KeptCountedMessages) await CompactAsync(counted, ct);
        events.MessageCreatedIn(counted, message);
        events.UnreadChangedIn(counted);
    }

    /// <summary>
    /// Keeps the newest entries of CountedMessages and records the newest createdAt dropped, with one replace
    /// conditioned on the session's ETag (so no concurrent count or read is overwritten): one write per
    /// KeptCountedMessages posts or so. Lost to a concurrent write, it is left to the next count past the limit, so
    /// the session document stays small under any number of concurrent posts.
    /// </summary>
    async Task CompactAsync(SessionDocument session, CancellationToken ct)
    {
        var dropped = session.CountedMessagesToDrop();
        var compacted = session with
        {
            CountedMessages = session.CountedMessages.Except(dropped).ToDictionary(),
            CountedDroppedUpTo = Math.Max(session.CountedDroppedUpTo, dropped[^1].Value),
            ETag = null,
        };
        try
        {
            await store.Sessions.TryReplaceIfUnchangedAsync(compacted, session.Id, session.Key, session.ETag!, ct);
        }
        catch (CosmosException e)
        {
            // Housekeeping only: the message is stored and counted, and the next count past the limit tries again.
            log.LogWarning("Compacting the counted messages of session {SessionId} failed: Cosmos {Status}", session.Id, (int)e.StatusCode);
        }
    }

    public sealed record MarkedRead(IReadOnlyList<string> Ids, long At);

    /// <summary>
    /// Sets the reader's read time on the other side's unread messages among <paramref name="ids"/>, each under its
    /// ETag, and lowers the reader's counter of <paramref name="active"/> by the messages of that session this call
    /// marked: a message that arrived after the reader's list stays unread (the reference resets it to 0), a message
    /// another call marked first is not counted twice, and a message of an earlier session lowers nothing.
    /// </summary>
    public async Task<MarkedRead> MarkReadAsync(SessionDocument? active, string ticketId, IReadOnlyList<string> ids, bool byMachine,
        CancellationToken ct)
    {
        var now = time.NowMs();
        if (ids.Count == 0) return new MarkedRead([], now);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.ticketId = @ticketId AND ARRAY_CONTAINS(@ids, c.id)")
            .WithParameter("@ticketId", ticketId).WithParameter("@ids", ids);
        var found = await store.Messages.QueryAsync<MessageDocument>(query, ticketId, ct);
        var unread = found.Where(m => IsUnreadBy(m, byMachine)).ToList();
        var hook = unread.Count == 0 ? null : await webhooks.RecordAsync(
            ChatWebhookEvents.MessagesRead(unread[0].TenantId, ticketId, active?.Id, byMachine, unread.Select(m => m.Id).ToList(), now), ct);
        var marked = (await Task.WhenAll(unread.Select(m =>
                store.Messages.UpdateIfUnchangedAsync(m, m.Id, ticketId,
                    current => !IsUnreadBy(current, byMachine) ? null
                        : byMachine ? current with { ReadByMachineAt = now, ETag = null } : current with { ReadByAgentAt = now, ETag = null },
                    _limits.MaxConcurrentUpdateAttempts, ct))))
            .OfType<MessageDocument>().ToList();
        webhooks.Relay(hook);
        if (active is null) return new MarkedRead(marked.Select(m => m.Id).ToList(), now);

        var current = await LowerAsync(active, byMachine, marked.Count(m => m.SessionId == active.Id), ct);
        if (marked.Count > 0) events.MessagesReadIn(current, byMachine, marked.Select(m => m.Id).ToList(), now);
        events.UnreadChangedIn(current);
        return new MarkedRead(marked.Select(m => m.Id).ToList(), now);
    }

    static bool IsUnreadBy(MessageDocument m, bool machine) =>
        machine ? !m.FromMachine && m.ReadByMachineAt is null : m.FromMachine && m.ReadByAgentAt is null;

    /// <summary>
    /// Lowers one reader's counter by <paramref name="count"/>, never below zero; returns the session as written. A
    /// patch decrement conditioned on the counter being at least <paramref name="count"/> is atomic in the store, so
    /// racing posts and reads never make it retry; only a counter already lower than that (left so by a failed write)
    /// takes the ETag-conditioned clamp to zero.
    /// </summary>
    public async Task<SessionDocument> LowerAsync(SessionDocument session, bool forMachine, int count, CancellationToken ct)
    {
        if (count == 0) return session;
        var counter = forMachine ? "unreadByMachine" : "unreadByAgent";
        try
        {
            var lowered = await store.Sessions.PatchOrNullAsync<SessionDocument>(session.Id, session.Key,
                [PatchOperation.Increment($"/{counter}", -count), PatchOperation.Increment("/version", 1)], ct,
                filter: $"FROM c WHERE c.{counter} >= {count}");
            if (lowered is null) return session;
            await inbox.ReflectAsync(lowered, ct);
            return lowered;
        }
        catch (CosmosException e) when (e.StatusCode == System.Net.HttpStatusCode.PreconditionFailed)
        {
            var clamped = await store.Sessions.UpdateIfUnchangedAsync(session, session.Id, session.Key, current => current with
            {
                Version = current.Version + 1,
                UnreadByMachine = forMachine ? Math.Max(0, current.UnreadByMachine - count) : current.UnreadByMachine,
                UnreadByAgent = forMachine ? current.UnreadByAgent : Math.Max(0, current.UnreadByAgent - count),
                ETag = null,
            }, _limits.MaxConcurrentUpdateAttempts, ct);
            if (clamped is null) return session;
            await inbox.ReflectAsync(clamped, ct);
            return clamped;
        }
    }

    /// <summary>What the sweep reads of an ACTIVE session to check its counters.</summary>
    public sealed record Counted(string Id, string TenantId, string MachineId, string TicketId, long UnreadByMachine, long UnreadByAgent);

    /// <summary>
    /// Whether this sweep run recounts the session: each session once every LiveChat:UnreadRecountEvery (in whole
    /// minutes), spread over the runs by a hash of its id, so a run recounts about 1/N of the active sessions.
    /// </summary>
    public bool IsDueForRecount(string sessionId)
    {
        var every = Math.Max(1, (long)_limits.UnreadRecountEvery.TotalMinutes);
        var slot = BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(sessionId))) % every;
        return slot == time.NowMs() / 60_000 % every;
    }

    /// <summary>
    /// Repair: recounts an ACTIVE session's counters from its messages and, when they disagree, corrects them under
    /// the session's ETag and pushes unreadChanged. One query when the counters agree; a session with a message
    /// written, read, claimed or deleted within twice the request deadline is left for a later run, since a request may
    /// still be between its message write and its counter write. Returns whether it corrected the session.
    /// </summary>
    public async Task<bool> RecountAsync(Counted seen, CancellationToken ct)
    {
        if (await CountFromMessagesAsync(seen.TicketId, seen.Id, ct) is not { } counted
            || counted == (seen.UnreadByMachine, seen.UnreadByAgent)) return false;

        // Read first, count again: any counter write after this read changes the ETag the correction is conditioned on.
        if (await store.Sessions.ReadOrNullAsync<SessionDocument>(seen.Id, SessionDocument.KeyOf(seen.TenantId, seen.MachineId), ct) is not { IsActive: true } session) return false;
        if (await CountFromMessagesAsync(seen.TicketId, seen.Id, ct) is not var (machine, agent)
            || (machine, agent) == (session.UnreadByMachine, session.UnreadByAgent)) return false;
        var corrected = session with
        {
            UnreadByMachine = machine,
            UnreadByAgent = agent,
            // Every message of the session is settled and counted now: a late retry of one must not count it again.
            CountedMessages = [],
            CountedDroppedUpTo = Math.Max(session.CountedDroppedUpTo, SettledBefore()),
            Version = session.Version + 1,
            ETag = null,
        };
        if (!await store.Sessions.TryReplaceIfUnchangedAsync(corrected, session.Id, session.Key, session.ETag!, ct)) return false;
        await inbox.ReflectAsync(corrected, ct);
        log.LogWarning("Unread counters of session {SessionId} corrected from its messages: machine {MachineBefore}→{Machine}, agent {AgentBefore}→{Agent}",
            session.Id, session.UnreadByMachine, machine, session.UnreadByAgent, agent);
        events.UnreadChangedIn(corrected);
        return true;
    }

    long SettledBefore() => time.NowMs() - 2 * (long)_limits.RequestDeadline.TotalMilliseconds;

    sealed record MessageState(bool FromMachine, long? ReadByMachineAt, long? ReadByAgentAt, long CreatedAt, long? CountClaimedAt, long? DeletedAt);

    /// <summary>(unread by the machine, unread by the agent) from the session's messages; null while any of them is in flight.</summary>
    async Task<(long Machine, long Agent)?> CountFromMessagesAsync(string ticketId, string sessionId, CancellationToken ct)
    {
        var settled = SettledBefore();
        var query = new QueryDefinition(
                "SELECT c.fromMachine, c.readByMachineAt, c.readByAgentAt, c.createdAt, c.countClaimedAt, c.deletedAt FROM c " +
                "WHERE c.ticketId = @ticketId AND c.sessionId = @sessionId AND (" +
                "(c.fromMachine = false AND (NOT IS_DEFINED(c.readByMachineAt) OR IS_NULL(c.readByMachineAt))) OR " +
                "(c.fromMachine = true AND (NOT IS_DEFINED(c.readByAgentAt) OR IS_NULL(c.readByAgentAt))) OR " +
                "c.createdAt >= @settled OR c.readByMachineAt >= @settled OR c.readByAgentAt >= @settled OR " +
                "c.countClaimedAt >= @settled OR c.deletedAt >= @settled)")
            .WithParameter("@ticketId", ticketId).WithParameter("@sessionId", sessionId).WithParameter("@settled", settled);
        var messages = await store.Messages.QueryAsync<MessageState>(query, ticketId, ct);
        if (messages.Any(m => m.CreatedAt >= settled || m.ReadByMachineAt >= settled || m.ReadByAgentAt >= settled
                              || m.CountClaimedAt >= settled || m.DeletedAt >= settled)) return null;
        return (messages.LongCount(m => IsUnreadBy(m, machine: true)), messages.LongCount(m => IsUnreadBy(m, machine: false)));
    }

    static bool IsUnreadBy(MessageState m, bool machine) =>
        machine ? !m.FromMachine && m.ReadByMachineAt is null : m.FromMachine && m.ReadByAgentAt is null;
}
