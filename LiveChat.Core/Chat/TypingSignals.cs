using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Realtime;

namespace LiveChat.Core.Chat;

public sealed record TypingResult(bool Pushed);

/// <summary>
/// "Typing…" signals: pushed to the other side of an active session, never stored, at most one per sender per
/// <see cref="PushEvery"/> (more calls answer and push nothing). Per instance, an active session is looked up once per
/// <see cref="SessionCacheFor"/> (one single-partition query) and a ticket's tenant and machine once per
/// <see cref="TicketCacheFor"/>, so a typing call costs at most one store round trip once the ticket is known, and
/// none within a burst. A ticket relinked to another machine is read again when its old machine has no active session.
/// </summary>
public sealed class TypingSignals(ChatAccess access, ChatEvents events, TimeProvider time)
{
    public static readonly TimeSpan PushEvery = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SessionCacheFor = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan TicketCacheFor = TimeSpan.FromMinutes(10);

    readonly ExpiringCache<string, SessionDocument> _sessions = new(time, SessionCacheFor);
    readonly ExpiringCache<(string Tenant, string Ticket), string?> _ticketMachines = new(time, TicketCacheFor);
    readonly ExpiringCache<(string Session, string Sender), bool> _recentPushes = new(time, PushEvery);

    public async Task<TypingResult> SignalAsync(ChatParticipant who, string ticketId, CancellationToken ct)
    {
        // An agent's lookup is shared by the tenant's agents: any of them finds the same session.
        var lookup = who.Machine is { } machine ? $"machine:{machine.MachineId}:{ticketId}" : $"agent:{who.TenantId}:{ticketId}";
        var session = await _sessions.GetOrAddAsync(lookup, () => SessionAsync(who, ticketId, ct));
        if (!_recentPushes.TryAdd((session.Id, who.SenderKey), true)) return new TypingResult(Pushed: false);
        events.TypingIn(session, who.IsMachine, who.AuthorIn(session).Name);
        return new TypingResult(Pushed: true);
    }

    async Task<SessionDocument> SessionAsync(ChatParticipant who, string ticketId, CancellationToken ct)
    {
        if (who.Agent is not { } agent) return await access.ActiveSessionAsync(who, ticketId, ct);
        var key = (agent.TenantId, ticketId);
        var wasCached = _ticketMachines.TryGet(key, out var machineId);
        if (!wasCached) machineId = await TicketMachineAsync(agent, ticketId, ct);
        var session = machineId is null ? null : await access.ActiveSessionOnMachineAsync(agent.TenantId, machineId, ticketId, ct);
        if (session is null && wasCached && await TicketMachineAsync(agent, ticketId, ct) is { } relinked && relinked != machineId)
            session = await access.ActiveSessionOnMachineAsync(agent.TenantId, relinked, ticketId, ct);
        return session ?? throw ErrorCatalog.SessionNotActive.Raise();
    }

    async Task<string?> TicketMachineAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        var machineId = (await access.TicketForAgentAsync(agent, ticketId, ct)).MachineId;
        _ticketMachines.Set((agent.TenantId, ticketId), machineId);
        return machineId;
    }
}
