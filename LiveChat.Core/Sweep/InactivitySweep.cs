using LiveChat.Core.Chat;
using LiveChat.Core.Errors;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Telemetry;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Sweep;

public sealed record SweepResult(int CheckedCount, int EndedCount, IReadOnlyDictionary<string, int> Reasons, int RepairedEvents, bool HasMore,
    int CorrectedCounters = 0);

/// <summary>
/// Ends ACTIVE sessions whose ticket lost its machine, whose chat is idle for 12 h, or whose machine is offline
/// (DESIGN §8). Reads active sessions a page at a time and looks up their tickets and machines in bulk, so
/// its round trips grow with pages and ended sessions. Every end is ETag-conditioned, so parallel runs and
/// agents ending the same session end it once. It also repairs what a crash or a failed write left: timeline events
/// unwritten, machine inboxes behind their sessions, and unread counters that disagree with their messages (each
/// session recounted every LiveChat:UnreadRecountEvery).
/// </summary>
public sealed class InactivitySweep(
    CosmosStore store, ChatSessions sessions, Timeline timeline, UnreadCounter unread, MachineInbox inbox, TimeProvider time, IOptions<LiveChatOptions> options,
    ILogger<InactivitySweep> log)
{
    const int PageSize = 1000;

    readonly LiveChatOptions _limits = options.Value;

    public async Task<SweepResult> RunAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var deadline = time.GetUtcNow() + _limits.SweepTimeBudget;
        var reasons = new Dictionary<string, int>();
        var (checkedCount, corrected, reflected, hasMore) = (0, 0, 0, false);

        // One page in memory at a time. Keyset paging (id > the last one seen) rather than a continuation token:
        // sessions this run ends leave the filter, and a position-based continuation would then skip others.
        for (var after = ""; ;)
        {
            if (time.GetUtcNow() >= deadline) { hasMore = true; break; }
            var page = await store.Sessions.QueryAsync<ActiveSession>(new QueryDefinition(
                    "SELECT c.id, c.tenantId, c.machineId, c.ticketId, c.lastActivityAt, c.unreadByMachine, c.unreadByAgent, c.version FROM c WHERE c.status = 'ACTIVE' AND c.id > @after ORDER BY c.id")
                    .WithParameter("@after", after),
                ContainerExtensions.AllPartitions, ct, maxItems: PageSize);
            if (page.Count == 0) break;
            checkedCount += page.Count;
            var (pageReasons, pageCorrected, finished) = await SweepPageAsync(page, deadline, ct);
            reflected += await inbox.RepairAsync(page.Select(s => new MachineInbox.SessionStamp(s.Id, s.TenantId, s.MachineId, true, s.Version)).ToList(), ct);
            foreach (var (reason, count) in pageReasons) reasons[reason] = reasons.GetValueOrDefault(reason) + count;
            corrected += pageCorrected;
            if (!finished) { hasMore = true; break; }
            if (page.Count < PageSize) break;
            after = page[^1].Id;
        }

        var (repaired, reflectedEnds) = time.GetUtcNow() >= deadline ? (0, 0) : await RepairTimelineAsync(ct);
        reflected += reflectedEnds;
        var ended = reasons.Values.Sum();
        log.LogInformation(
            "Sweep checked {Checked} sessions, ended {Ended} (maquina_offline={Offline}, inatividade_chat={Inactive}, ticket_sem_maquina={NoMachine}), repaired {Repaired} events, corrected {Corrected} unread counters, reflected {Reflected} sessions into machine inboxes, more={HasMore}",
            checkedCount, ended, reasons.GetValueOrDefault(EndReasons.MachineOffline), reasons.GetValueOrDefault(EndReasons.ChatInactive),
            reasons.GetValueOrDefault(EndReasons.TicketWithoutMachine), repaired, corrected, reflected, hasMore);
        LiveChatTelemetry.SweepFinished(checkedCount, reasons, time.GetElapsedTime(started));
        return new SweepResult(checkedCount, ended, reasons, repaired, hasMore, corrected);
    }

    /// <summary>
    /// The order of judgement: ticket link (the ticket gone, linked to another machine, or claimed by another session),
    /// then chat inactivity, then the machine's heartbeat.
    /// </summary>
    string? ReasonToEnd(string sessionId, string machineId, long lastActivityAt, TicketLink? ticket, long? lastHeartbeatAt, long now)
    {
        if (ticket?.MachineId != machineId || ticket.ActiveSession is { } claim && claim.SessionId != sessionId) return EndReasons.TicketWithoutMachine;
        if (lastActivityAt < now - (long)_limits.ChatInactiveAfter.TotalMilliseconds) return EndReasons.ChatInactive;
        if (!(lastHeartbeatAt > now - (long)_limits.MachineOfflineAfter.TotalMilliseconds)) return EndReasons.MachineOffline;
        return null;
    }

    /// <summary>
    /// Ends the page's due sessions and recounts the unread counters of those due for it; false when the time budget
    /// ran out before every one was handled.
    /// </summary>
    async Task<(Dictionary<string, int> Reasons, int Corrected, bool Finished)> SweepPageAsync(IReadOnlyList<ActiveSession> page,
        DateTimeOffset deadline, CancellationToken ct)
    {
        var tickets = (await store.Tickets.LookupByIdsAsync<TicketLink>("SELECT c.id, c.machineId, c.activeSession FROM c", page.Select(s => s.TicketId), ct))
            .ToDictionary(t => t.Id);
        var machines = await store.Machines.LookupByIdsAsync<MachinePulse>("SELECT c.id, c.lastHeartbeatAt FROM c", page.Select(s => s.MachineId), ct);
        var heartbeats = machines.ToDictionary(m => m.Id, m => m.LastHeartbeatAt);

        var now = time.NowMs();
        var due = page.ToLookup(s => ReasonToEnd(s.Id, s.MachineId, s.LastActivityAt, tickets.GetValueOrDefault(s.TicketId),
            heartbeats.GetValueOrDefault(s.MachineId), now) is not null);
        var endedReasons = new List<string>();
        var (corrected, finished) = (0, true);
        await Parallel.ForEachAsync(due[true], new ParallelOptions { MaxDegreeOfParallelism = _limits.SweepParallelism, CancellationToken = ct }, async (active, token) =>
        {
            if (time.GetUtcNow() >= deadline) { finished = false; return; }
            if (await EndIfStillDueAsync(active, token) is { } reason) lock (endedReasons) endedReasons.Add(reason);
        });
        await Parallel.ForEachAsync(due[false].Where(s => unread.IsDueForRecount(s.Id)),
            new ParallelOptions { MaxDegreeOfParallelism = _limits.SweepParallelism, CancellationToken = ct }, async (active, token) =>
            {
                if (time.GetUtcNow() >= deadline) { finished = false; return; }
                var counted = new UnreadCounter.Counted(active.Id, active.TenantId, active.MachineId, active.TicketId, active.UnreadByMachine, active.UnreadByAgent);
                if (await unread.RecountAsync(counted, token)) Interlocked.Increment(ref corrected);
            });
        return (endedReasons.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count()), corrected, finished);
    }

    /// <summary>Judged again on fresh data before ending: a message, a heartbeat or a relink since the page keeps the chat.</summary>
    async Task<string?> EndIfStillDueAsync(ActiveSession active, CancellationToken ct)
    {
        var ticket = await store.Tickets.ReadOrNullAsync<TicketLink>(active.TicketId, active.TicketId, ct);
        var machine = await store.Machines.ReadOrNullAsync<MachinePulse>(active.MachineId, active.MachineId, ct);
        if (await store.Sessions.ReadOrNullAsync<SessionDocument>(active.Id, SessionDocument.KeyOf(active.TenantId, active.MachineId), ct) is not { } session) return null;
        try
        {
            var ended = await sessions.TryEndAsync(session, current =>
            {
                var at = time.NowMs();
                return ReasonToEnd(current.Id, current.MachineId, current.LastActivityAt, ticket, machine?.LastHeartbeatAt, at) is { } reason
                    ? current with { EndReason = reason, InactiveForMs = reason == EndReasons.ChatInactive ? at - current.LastActivityAt : null }
                    : null;
            }, ct);
            return ended?.EndReason;
        }
        catch (LiveChatException e) when (e.Error == ErrorCatalog.ConcurrentUpdate)
        {
            return null; // busy with writers all along: the next run judges it again
        }
    }

    /// <summary>What the page needs to judge a session; a due one is read whole before it is ended.</summary>
    sealed record ActiveSession(string Id, string TenantId, string MachineId, string TicketId, long LastActivityAt, long UnreadByMachine, long UnreadByAgent, long Version);
    sealed record TicketLink(string Id, string? MachineId, SessionClaim? ActiveSession);
    sealed record MachinePulse(string Id, long? LastHeartbeatAt);

    /// <summary>
    /// Writes LIVE_CHAT_STARTED/ENDED events missing for sessions started or ended within the repair window, and
    /// reflects into their machine's inbox the window's ended sessions still shown there as ACTIVE. Ids only until
    /// something is missing: the window's sessions and the window's chat events, each in one pass of large pages.
    /// Returns (events written, sessions reflected).
    /// </summary>
    async Task<(int Events, int Reflected)> RepairTimelineAsync(CancellationToken ct)
    {
        var since = time.NowMs() - (long)_limits.SweepRepairWindow.TotalMilliseconds;
        var recent = await store.Sessions.QueryAsync<SessionTimes>(new QueryDefinition(
                "SELECT c.id, c.tenantId, c.machineId, c.status, c.startedAt, c.endedAt, c.version FROM c WHERE c.startedAt >= @since OR c.endedAt >= @since")
            .WithParameter("@since", since), ContainerExtensions.AllPartitions, ct, pageSize: RepairPageSize);
        var expected = recent.Where(s => s.StartedAt >= since).Select(s => (Session: s, EventId: Timeline.StartedEventId(s.Id)))
            .Concat(recent.Where(s => s.Status != SessionStatus.Active && s.EndedAt >= since).Select(s => (Session: s, EventId: Timeline.EndedEventId(s.Id))))
            .ToList();
        var reflected = await inbox.RepairAsync(recent.Where(s => s.Status != SessionStatus.Active)
            .Select(s => new MachineInbox.SessionStamp(s.Id, s.TenantId, s.MachineId, false, s.Version)).ToList(), ct);
        if (expected.Count == 0) return (0, reflected);

        var existing = (await store.Events.QueryAsync<string>(new QueryDefinition(
                "SELECT VALUE c.id FROM c WHERE c.createdAt >= @since AND (c.type = @started OR c.type = @ended)")
            .WithParameter("@since", since).WithParameter("@started", Timeline.Started).WithParameter("@ended", Timeline.Ended),
            ContainerExtensions.AllPartitions, ct, pageSize: RepairPageSize)).ToHashSet();
        var repaired = 0;
        foreach (var (times, eventId) in expected.Where(e => !existing.Contains(e.EventId)))
        {
            if (await store.Sessions.ReadOrNullAsync<SessionDocument>(times.Id, SessionDocument.KeyOf(times.TenantId, times.MachineId), ct) is not { } session) continue;
            await timeline.WriteAsync(eventId == Timeline.StartedEventId(session.Id) ? Timeline.StartedEvent(session) : Timeline.EndedEvent(session), ct);
            repaired++;
        }
        return (repaired, reflected);
    }

    const int RepairPageSize = 10_000;

    sealed record SessionTimes(string Id, string TenantId, string MachineId, string Status, long StartedAt, long? EndedAt, long Version);
}
