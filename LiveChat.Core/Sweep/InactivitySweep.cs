using LiveChat.Core.Chat;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Telemetry;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Sweep;

public sealed record SweepResult(int CheckedCount, int EndedCount, IReadOnlyDictionary<string, int> Reasons, int RepairedEvents, bool HasMore);

/// <summary>
/// Ends ACTIVE sessions whose ticket lost its machine, whose chat is idle for 12 h, or whose machine is offline
/// (DESIGN §8). Reads active sessions a page at a time and looks up their tickets and machines in bulk, so
/// its round trips grow with pages and ended sessions. Every end is ETag-conditioned, so parallel runs and
/// agents ending the same session end it once. It also writes timeline events that a crash left unwritten.
/// </summary>
public sealed class InactivitySweep(
    CosmosStore store, ChatSessions sessions, Timeline timeline, TimeProvider time, IOptions<LiveChatOptions> options,
    ILogger<InactivitySweep> log)
{
    const int PageSize = 500;
    const int LookupChunk = 200;

    readonly LiveChatOptions _limits = options.Value;

    public async Task<SweepResult> RunAsync(CancellationToken ct)
    {
        var started = time.GetTimestamp();
        var deadline = time.GetUtcNow() + _limits.SweepTimeBudget;
        var reasons = new Dictionary<string, int>();
        var (checkedCount, hasMore) = (0, false);

        // One page in memory at a time. Keyset paging (id > the last one seen) rather than a continuation token:
        // sessions this run ends leave the filter, and a position-based continuation would then skip others.
        for (var after = ""; ;)
        {
            if (time.GetUtcNow() >= deadline) { hasMore = true; break; }
            var page = await store.Sessions.QueryAsync<SessionDocument>(new QueryDefinition(
                    "SELECT * FROM c WHERE c.status = 'ACTIVE' AND c.id > @after ORDER BY c.id").WithParameter("@after", after),
                null, ct, maxItems: PageSize);
            if (page.Count == 0) break;
            checkedCount += page.Count;
            var (pageReasons, finished) = await SweepPageAsync(page, deadline, ct);
            foreach (var (reason, count) in pageReasons) reasons[reason] = reasons.GetValueOrDefault(reason) + count;
            if (!finished) { hasMore = true; break; }
            if (page.Count < PageSize) break;
            after = page[^1].Id;
        }

        var repaired = time.GetUtcNow() >= deadline ? 0 : await RepairTimelineAsync(ct);
        var ended = reasons.Values.Sum();
        log.LogInformation(
            "Sweep checked {Checked} sessions, ended {Ended} (maquina_offline={Offline}, inatividade_chat={Inactive}, ticket_sem_maquina={NoMachine}), repaired {Repaired} events, more={HasMore}",
            checkedCount, ended, reasons.GetValueOrDefault(EndReasons.MachineOffline), reasons.GetValueOrDefault(EndReasons.ChatInactive),
            reasons.GetValueOrDefault(EndReasons.TicketWithoutMachine), repaired, hasMore);
        LiveChatTelemetry.SweepFinished(checkedCount, reasons, time.GetElapsedTime(started));
        return new SweepResult(checkedCount, ended, reasons, repaired, hasMore);
    }

    /// <summary>The order of judgement: ticket link, then chat inactivity, then the machine's heartbeat.</summary>
    string? ReasonToEnd(SessionDocument s, string? linkedMachine, long? lastHeartbeatAt, long now)
    {
        if (linkedMachine != s.MachineId) return EndReasons.TicketWithoutMachine;
        if (s.LastActivityAt < now - (long)_limits.ChatInactiveAfter.TotalMilliseconds) return EndReasons.ChatInactive;
        if (!(lastHeartbeatAt > now - (long)_limits.MachineOfflineAfter.TotalMilliseconds)) return EndReasons.MachineOffline;
        return null;
    }

    /// <summary>Ends the page's due sessions; false when the time budget ran out before every one was handled.</summary>
    async Task<(Dictionary<string, int> Reasons, bool Finished)> SweepPageAsync(IReadOnlyList<SessionDocument> page, DateTimeOffset deadline,
        CancellationToken ct)
    {
        var tickets = await LookupAsync<TicketLink>(store.Tickets, "SELECT c.id, c.machineId FROM c", page.Select(s => s.TicketId), ct);
        var machines = await LookupAsync<MachinePulse>(store.Machines, "SELECT c.id, c.lastHeartbeatAt FROM c", page.Select(s => s.MachineId), ct);
        var heartbeats = machines.ToDictionary(m => m.Id, m => m.LastHeartbeatAt);
        var links = tickets.ToDictionary(t => t.Id, t => t.MachineId);

        var now = time.NowMs();
        var due = page.Where(s => ReasonToEnd(s, links.GetValueOrDefault(s.TicketId), heartbeats.GetValueOrDefault(s.MachineId), now) is not null).ToList();
        var endedReasons = new List<string>();
        var finished = true;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _limits.SweepParallelism, CancellationToken = ct }, async (session, token) =>
        {
            if (time.GetUtcNow() >= deadline) { finished = false; return; }
            // Judged again on fresh data before ending: a heartbeat or a relink since the page's lookup keeps the chat.
            var ticket = await store.Tickets.ReadOrNullAsync<TicketLink>(session.TicketId, session.TicketId, token);
            var machine = await store.Machines.ReadOrNullAsync<MachinePulse>(session.MachineId, session.MachineId, token);
            var ended = await sessions.TryEndAsync(session, current =>
            {
                var at = time.NowMs();
                return ReasonToEnd(current, ticket?.MachineId, machine?.LastHeartbeatAt, at) is { } reason
                    ? current with { EndReason = reason, InactiveForMs = reason == EndReasons.ChatInactive ? at - current.LastActivityAt : null }
                    : null;
            }, token);
            if (ended?.EndReason is { } r) lock (endedReasons) endedReasons.Add(r);
        });
        return (endedReasons.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count()), finished);
    }

    sealed record TicketLink(string Id, string? MachineId);
    sealed record MachinePulse(string Id, long? LastHeartbeatAt);

    /// <summary>Bulk lookup by id across partitions: one query per chunk of ids, not one read per session.</summary>
    async Task<List<T>> LookupAsync<T>(Container container, string select, IEnumerable<string> ids, CancellationToken ct)
    {
        var results = new List<T>();
        foreach (var chunk in ids.Distinct().Chunk(LookupChunk))
            results.AddRange(await container.QueryAsync<T>(
                new QueryDefinition($"{select} WHERE ARRAY_CONTAINS(@ids, c.id)").WithParameter("@ids", chunk), null, ct));
        return results;
    }

    /// <summary>Writes LIVE_CHAT_STARTED/ENDED events missing for sessions started or ended within the repair window.</summary>
    async Task<int> RepairTimelineAsync(CancellationToken ct)
    {
        var since = time.NowMs() - (long)_limits.SweepRepairWindow.TotalMilliseconds;
        var recent = await store.Sessions.QueryAsync<SessionDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.startedAt >= @since OR c.endedAt >= @since").WithParameter("@since", since), null, ct);
        var expected = recent.Where(s => s.StartedAt >= since).Select(Timeline.StartedEvent)
            .Concat(recent.Where(s => s is { IsActive: false, EndedAt: not null } && s.EndedAt >= since).Select(Timeline.EndedEvent))
            .ToList();
        if (expected.Count == 0) return 0;

        // The window's chat events in one pass (pages of 1,000 ids), rather than a query per chunk of expected ids.
        var existing = (await store.Events.QueryAsync<string>(new QueryDefinition(
                "SELECT VALUE c.id FROM c WHERE c.createdAt >= @since AND (c.type = @started OR c.type = @ended)")
            .WithParameter("@since", since).WithParameter("@started", Timeline.Started).WithParameter("@ended", Timeline.Ended), null, ct))
            .ToHashSet();
        var missing = expected.Where(e => !existing.Contains(e.Id)).ToList();
        foreach (var e in missing) await timeline.WriteAsync(e, ct);
        return missing.Count;
    }
}
