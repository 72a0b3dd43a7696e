using System.Collections.Concurrent;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Realtime;

namespace LiveChat.Core.Chat;

public sealed record TypingResult(bool Pushed);

/// <summary>
/// "Typing…" signals: pushed to the other side of an active session, never stored, at most one per sender per
/// <see cref="PushEvery"/> (more calls answer and push nothing). Active sessions are looked up once per
/// <see cref="SessionCacheFor"/> per instance, so a typing burst costs no store round trip after its first call.
/// </summary>
public sealed class TypingSignals(ChatAccess access, ChatEvents events, TimeProvider time)
{
    public static readonly TimeSpan PushEvery = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan SessionCacheFor = TimeSpan.FromSeconds(5);

    readonly ConcurrentDictionary<string, (SessionDocument Session, long At)> _sessions = new();
    readonly Dictionary<(string Session, string Sender), long> _lastPush = [];

    public async Task<TypingResult> FromMachineAsync(MachineCaller machine, string ticketId, CancellationToken ct)
    {
        var session = await ActiveSessionAsync($"machine:{machine.MachineId}:{ticketId}",
            () => access.MachineSessionAsync(machine, ticketId, ct));
        return await SignalAsync(session, fromMachine: true, $"machine:{machine.MachineId}", session.ClientSnapshot.Name);
    }

    public async Task<TypingResult> FromAgentAsync(AgentCaller agent, string ticketId, CancellationToken ct)
    {
        ChatAccess.RequireStaff(agent, ErrorCatalog.ForbiddenRoleView);
        var session = await ActiveSessionAsync($"agent:{agent.TenantId}:{ticketId}", () => access.AgentSessionAsync(agent, ticketId, ct));
        return await SignalAsync(session, fromMachine: false, $"agent:{agent.UserId}", agent.Name);
    }

    async Task<SessionDocument> ActiveSessionAsync(string key, Func<Task<SessionDocument?>> lookup)
    {
        var now = time.NowMs();
        if (_sessions.TryGetValue(key, out var cached) && now - cached.At < SessionCacheFor.TotalMilliseconds) return cached.Session;
        var session = await lookup() ?? throw ErrorCatalog.SessionNotActive.Raise();
        _sessions[key] = (session, now);
        return session;
    }

    async Task<TypingResult> SignalAsync(SessionDocument session, bool fromMachine, string sender, string name)
    {
        var now = time.NowMs();
        lock (_lastPush)
        {
            if (_lastPush.TryGetValue((session.Id, sender), out var last) && now - last < PushEvery.TotalMilliseconds)
                return new TypingResult(Pushed: false);
            _lastPush[(session.Id, sender)] = now;
        }
        await events.TypingAsync(session, fromMachine, name);
        return new TypingResult(Pushed: true);
    }
}
