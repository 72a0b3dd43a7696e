using LiveChat.Core.Identity;
using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;

namespace LiveChat.Core.Chat;

/// <summary>
/// machineInboxes container, partition /id (the machine's id): what the machine's poll and session list show, one
/// entry per session, so the poll is one point read instead of a query. Entries of ended sessions stay for
/// <see cref="MachineInbox.EndedKeptFor"/> (then go) so that a late write of an older version cannot bring them back.
/// </summary>
public sealed record InboxDocument
{
    public required string Id { get; init; }
    public required string TenantId { get; init; }
    public Dictionary<string, InboxEntry> Sessions { get; init; } = [];

    [JsonPropertyName("_etag")]
    public string? ETag { get; init; }
}

/// <summary>A session as its machine sees it, at the session's <see cref="SessionDocument.Version"/>.</summary>
public sealed record InboxEntry(string TicketId, long TicketRef, string TicketSubject, PersonSnapshot Agent, long UnreadByMachine,
    long LastActivityAt, long StartedAt, long Version, long? EndedAt)
{
    [JsonIgnore]
    public bool IsActive => EndedAt is null;

    public static InboxEntry Of(SessionDocument s) => new(s.TicketId, s.TicketRef, s.TicketSubject, s.AgentSnapshot, s.UnreadByMachine,
        s.LastActivityAt, s.StartedAt, s.Version, s.IsActive ? null : s.EndedAt ?? s.LastActivityAt);
}

/// <summary>
/// The only writer of machine inboxes. Every write of a session (start, count, read, end, recount) is followed by
/// <see cref="ReflectAsync"/>, a patch conditioned on the inbox holding an older version of that session, so racing
/// writers leave the newest version whatever their order. A worker that dies between the two writes leaves the
/// inbox behind by one write: the sweep compares versions every minute and reflects what is behind
/// (<see cref="RepairAsync"/>); the push events already told the machine.
/// </summary>
public sealed class MachineInbox(CosmosStore store, TimeProvider time, ILogger<MachineInbox> log)
{
    /// <summary>
    /// How long an ended session's entry stays. A request's writes end within its deadline (seconds); an hour is far
    /// beyond any late write that could otherwise re-create the entry of a session long ended.
    /// </summary>
    public static readonly TimeSpan EndedKeptFor = TimeSpan.FromHours(1);

    /// <summary>The machine's inbox: one point read; null before its first session.</summary>
    public async Task<InboxDocument?> ReadAsync(MachineCaller machine, CancellationToken ct) =>
        await store.MachineInboxes.ReadOrNullAsync<InboxDocument>(machine.MachineId, machine.MachineId, ct) is { } inbox
        && inbox.TenantId == machine.TenantId
            ? inbox
            : null;

    /// <summary>Writes the session's state into its machine's inbox, unless the inbox holds this version or a newer one.</summary>
    public async Task ReflectAsync(SessionDocument session, CancellationToken ct)
    {
        var entry = InboxEntry.Of(session);
        var id = JsonSerializer.Serialize(session.Id); // a quoted, escaped SQL string literal
        var olderOrMissing = $"FROM c WHERE NOT IS_DEFINED(c.sessions[{id}]) OR c.sessions[{id}].version < {session.Version}";
        var path = "/sessions/" + session.Id.Replace("~", "~0");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await store.MachineInboxes.PatchOrNullAsync<InboxDocument>(session.MachineId, session.MachineId,
                        [PatchOperation.Set(path, entry)], ct, filter: olderOrMissing) is { } inbox)
                {
                    if (session.Version == 1) await DropLongEndedAsync(inbox, ct);
                    return;
                }
            }
            catch (CosmosException e) when (e.StatusCode == HttpStatusCode.PreconditionFailed)
            {
                return; // this version or a newer one is there already
            }
            var created = new InboxDocument { Id = session.MachineId, TenantId = session.TenantId, Sessions = { [session.Id] = entry } };
            if (await store.MachineInboxes.TryCreateAsync(created, created.Id, ct) || attempt == 2) return;
            // Created by a concurrent write in the meantime: patch it.
        }
    }

    /// <summary>On a session's start: the entries of sessions ended long ago go, with one replace conditioned on the ETag.</summary>
    async Task DropLongEndedAsync(InboxDocument inbox, CancellationToken ct)
    {
        var before = time.NowMs() - (long)EndedKeptFor.TotalMilliseconds;
        var kept = inbox.Sessions.Where(e => e.Value.EndedAt is not { } ended || ended >= before).ToDictionary();
        if (kept.Count == inbox.Sessions.Count) return;
        // Lost to a concurrent write: left for the next start.
        await store.MachineInboxes.TryReplaceIfUnchangedAsync(inbox with { Sessions = kept, ETag = null }, inbox.Id, inbox.Id, inbox.ETag!, ct);
    }

    /// <summary>What the sweep knows of a session to tell whether its inbox entry is behind.</summary>
    public sealed record SessionStamp(string Id, string TenantId, string MachineId, bool IsActive, long Version);

    /// <summary>
    /// Reflects the sessions whose inbox entry is behind: an ACTIVE session missing or older there, an ended one still
    /// shown ACTIVE. One query per chunk of machines, then a read and a reflect per session behind. Returns how many.
    /// </summary>
    public async Task<int> RepairAsync(IReadOnlyCollection<SessionStamp> sessions, CancellationToken ct)
    {
        var inboxes = (await store.MachineInboxes.LookupByIdsAsync<InboxDocument>("SELECT * FROM c", sessions.Select(s => s.MachineId), ct))
            .ToDictionary(i => i.Id);

        var repaired = 0;
        foreach (var stamp in sessions.Where(s => IsBehind(s, inboxes.GetValueOrDefault(s.MachineId)?.Sessions.GetValueOrDefault(s.Id))))
        {
            var key = SessionDocument.KeyOf(stamp.TenantId, stamp.MachineId);
            if (await store.Sessions.ReadOrNullAsync<SessionDocument>(stamp.Id, key, ct) is not { } session) continue;
            await ReflectAsync(session, ct);
            repaired++;
        }
        if (repaired > 0) log.LogWarning("Reflected {Count} sessions their machine's inbox had missed", repaired);
        return repaired;
    }

    static bool IsBehind(SessionStamp session, InboxEntry? entry) =>
        session.IsActive ? entry is null || entry.Version < session.Version : entry is { IsActive: true } && entry.Version < session.Version;
}
