using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
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

    public async Task<TypingResult> FromMachineAsync(MachineCaller machine, string ticketId, CancellationToken ct)
    {
        var session = await _sessions.GetOrAddAsync($"machine:{machine.MachineId}:{ticketId}",
            async () => await access.MachineSessionAsync(machine, ticketId, ct) ?? throw ErrorCatalog.SessionNotActive.Raise());
        return Signal(session, fromMachine: true, $"machine:{machine.MachineId}", session.ClientSnapshot.Name);
    }

    public async Task<TypingResult> FromAgentAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        agent.RequireStaff(ErrorCatalog.ForbiddenRoleView);
        var session = await _sessions.GetOrAddAsync($"agent:{agent.TenantId}:{ticketId}", () => AgentSessionAsync(agent, ticketId, ct));
        return Signal(session, fromMachine: false, $"agent:{agent.UserId}", agent.Name);
    }

    async Task<SessionDocument> AgentSessionAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        var key = (agent.TenantId, ticketId);
        var wasCached = _ticketMachines.TryGet(key, out var machineId);
        if (!wasCached) machineId = await TicketMachineAsync(agent, ticketId, ct);
        var session = machineId is null ? null : await access.ActiveSessionAsync(agent.TenantId, machineId, ticketId, ct);
        if (session is null && wasCached && await TicketMachineAsync(agent, ticketId, ct) is { } relinked && relinked != machineId)
            session = await access.ActiveSessionAsync(agent.TenantId, relinked, ticketId, ct);
        return session ?? throw ErrorCatalog.SessionNotActive.Raise();
    }

    async Task<string?> TicketMachineAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        var machineId = (await access.TicketForAgentAsync(agent, ticketId, ct)).MachineId;
        _ticketMachines.Set((agent.TenantId, ticketId), machineId);
        return machineId;
    }

    TypingResult Signal(SessionDocument session, bool fromMachine, string sender, string name)
    {
        if (!_recentPushes.TryAdd((session.Id, sender), true)) return new TypingResult(Pushed: false);
        events.TypingIn(session, fromMachine, name);
        return new TypingResult(Pushed: true);
    }
}
