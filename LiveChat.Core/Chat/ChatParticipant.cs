using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Uploads;

namespace LiveChat.Core.Chat;

/// <summary>
/// A caller as one side of a ticket's chat: the one model every chat use case of both sides takes. It is made from
/// the caller alone, before any state is read — an agent who is not staff is refused here — and says who writes
/// (author, sender key), whose uploads may be attached, whose rate limits apply and which unread counter
/// is the caller's.
/// <see cref="ChatAccess.SessionOrNullAsync"/> then finds the session the participant may reach.
/// </summary>
public sealed class ChatParticipant
{
    ChatParticipant(MachineCaller? machine, AgentCaller? agent, string tenantId)
    {
        Machine = machine;
        Agent = agent;
        TenantId = tenantId;
    }

    public static ChatParticipant Of(MachineCaller machine) => new(machine, null, machine.TenantId);

    public static ChatParticipant Of(AgentCaller agent)
    {
        agent.RequireStaff(ErrorCatalog.ForbiddenRoleView);
        return new ChatParticipant(null, agent, agent.TenantId);
    }

    /// <summary>Set on the machine's side; <see cref="Agent"/> on the agent's.</summary>
    public MachineCaller? Machine { get; }
    public AgentCaller? Agent { get; }
    public string TenantId { get; }

    public bool IsMachine => Machine is not null;

    /// <summary>Whose rate-limit buckets the participant's calls take from: the machine's, or the agent user's.</summary>
    public string LimitKey => Machine?.MachineId ?? Agent!.UserId;

    /// <summary>Who sends, in message ids and typing throttles: one machine, or one agent.</summary>
    public string SenderKey => Machine is { } m ? $"machine:{m.MachineId}" : $"agent:{Agent!.UserId}";

    /// <summary>Whose uploads the participant may attach: its own.</summary>
    public AttachmentOwner AttachmentOwner => Machine is { } m ? AttachmentOwner.Machine(m) : AttachmentOwner.Agent(Agent!);

    /// <summary>The machine writes as the session's client (the person at the machine); an agent as itself.</summary>
    public string AuthorIdIn(SessionDocument session) => Machine is not null ? session.ClientAuthorId : Agent!.UserId;

    public PersonSnapshot AuthorIn(SessionDocument session) =>
        Agent is { } a ? new PersonSnapshot(a.Name, a.Email, a.AvatarUrl) : session.ClientSnapshot;

    /// <summary>A machine's messages are the machine's; an agent's only those it wrote itself.</summary>
    public bool Wrote(MessageDocument message) =>
        IsMachine ? message.FromMachine : !message.FromMachine && message.AuthorId == Agent!.UserId;

    public long UnreadIn(SessionDocument session) => IsMachine ? session.UnreadByMachine : session.UnreadByAgent;
}
