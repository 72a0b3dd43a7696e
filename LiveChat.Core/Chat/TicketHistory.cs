using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>A ticket's chat history for its agents: its sessions, newest first, each with its messages.</summary>
public sealed class TicketHistory(CosmosStore store, ChatAccess access, MessageAttachments attachments, IOptions<LiveChatOptions> options)
{
    readonly LiveChatOptions _limits = options.Value;

    /// <summary>
    /// A ticket's sessions, newest first, 50 a page (<paramref name="before"/>: sessions started before that epoch ms),
    /// each with its messages; at most the newest 500 messages of the page's time span (MessagesTruncated when more;
    /// the messages list with after = a session's startedAt - 1 reads a whole session forward).
    /// </summary>
    public async Task<ChatHistory> HistoryAsync(AgentCaller agent, string ticketId, string? before, CancellationToken ct)
    {
        long? until = null;
        if (!string.IsNullOrEmpty(before))
            until = long.TryParse(before, out var b) && b > 0 ? b : throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.BeforeInvalid);
        agent.RequireStaff(ErrorCatalog.ForbiddenRoleView);
        await access.TicketForAgentAsync(agent, ticketId, ct);

        var sessionQuery = new QueryDefinition(
                $"SELECT TOP {_limits.MaxHistorySessions} * FROM c WHERE c.ticketId = @ticketId AND c.tenantId = @tenantId AND c.startedAt < @until ORDER BY c.startedAt DESC")
            .WithParameter("@ticketId", ticketId).WithParameter("@tenantId", agent.TenantId).WithParameter("@until", until ?? long.MaxValue);
        var sessions = await store.Sessions.QueryAsync<SessionDocument>(sessionQuery, SessionDocument.TenantPrefix(agent.TenantId), ct, _limits.MaxHistorySessions);
        if (sessions.Count == 0) return new ChatHistory([], 0, MessagesTruncated: false, NextBefore: null);

        var messageQuery = new QueryDefinition(
                $"SELECT TOP {_limits.MaxHistoryMessages} * FROM c WHERE c.ticketId = @ticketId AND c.createdAt >= @from AND c.createdAt < @until ORDER BY c.createdAt DESC, c.id DESC")
            .WithParameter("@ticketId", ticketId).WithParameter("@from", sessions.Min(s => s.StartedAt)).WithParameter("@until", until ?? long.MaxValue);
        var messages = await store.Messages.QueryAsync<MessageDocument>(messageQuery, ticketId, ct, _limits.MaxHistoryMessages);
        messages.Reverse();

        var bySession = messages.ToLookup(m => m.SessionId);
        var result = new List<HistorySession>(sessions.Count);
        foreach (var s in sessions.OrderByDescending(s => s.StartedAt))
        {
            var own = new List<HistoryMessage>();
            foreach (var m in bySession[s.Id])
                own.Add(new HistoryMessage(m.Id, m.Body, m.AuthorSnapshot.Name, m.AuthorId, m.FromMachine, m.CreatedAt,
                    await attachments.ToViewsAsync(m.Attachments, ct), m.ReadByMachineAt, m.ReadByAgentAt));
            result.Add(new HistorySession(s.Id, s.AgentSnapshot.Name, s.AgentSnapshot.Email, s.AgentSnapshot.AvatarUrl,
                string.IsNullOrEmpty(s.MachineHostname) ? ChatTexts.UnnamedMachine : s.MachineHostname, s.Status, s.StartedAt, s.EndedAt,
                s.EndReason, own.Count, own));
        }
        var nextBefore = sessions.Count == _limits.MaxHistorySessions ? sessions.Min(s => s.StartedAt) : (long?)null;
        return new ChatHistory(result, messages.Count, messages.Count == _limits.MaxHistoryMessages, nextBefore);
    }
}
