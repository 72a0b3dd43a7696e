using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using LiveChat.Core.Uploads;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Import;

/// <summary>One import of one snapshot into one tenant: its rows mapped to the service's documents, in dependency order.</summary>
sealed class ImportRun(CosmosStore store, MachineInbox inbox, ConvexSnapshot snapshot, string tenant, bool dryRun, ImportReport report,
    AttachmentImport attachments, TextWriter progress)
{
    static readonly string[] Tables =
        ["users", "tickets", "machines", "machineHeartbeats", "machineTokens", "liveChatSessions", "ticketEvents", "ticketChatMessages"];

    readonly TenantRows _rows = new(snapshot, tenant, report);
    readonly HashSet<string> _allMachineIds = [];
    readonly HashSet<string> _allTicketIds = [];
    /// <summary>Users the imported rows cite: only those are imported.</summary>
    readonly HashSet<string> _referencedUsers = [];

    public async Task ImportAsync(CancellationToken ct)
    {
        foreach (var table in Tables.Where(t => !snapshot.HasTable(t)))
            report.Warnings.Add($"table {table} is not in the snapshot");

        var users = _rows.Load<UserRow>("users").ToDictionary(r => r.Id!);
        var tickets = _rows.Load<TicketRow>("tickets", _allTicketIds).ToDictionary(r => r.Id!);
        var machines = _rows.Load<MachineRow>("machines", _allMachineIds).ToDictionary(r => r.Id!);

        var heartbeats = new Dictionary<string, List<long>>();
        foreach (var beat in _rows.Read<HeartbeatRow>("machineHeartbeats"))
            if (_rows.Resolve(beat, "machineId", beat.MachineId, machines, _allMachineIds, "machine") is { } machine)
                (heartbeats.TryGetValue(machine.Id!, out var times) ? times : heartbeats[machine.Id!] = []).Add(ConvexRow.Ms(beat.LastHeartbeatAt) ?? 0);

        // Sessions whose ticket and machine are this tenant's; a second ACTIVE one per ticket is imported ended.
        var sessions = _rows.Read<SessionRow>("liveChatSessions")
            .Where(s => _rows.Resolve(s, "ticketId", s.TicketId, tickets, _allTicketIds, "ticket") is not null
                        && _rows.Resolve(s, "machineId", s.MachineId, machines, _allMachineIds, "machine") is not null)
            .ToList();
        var sessionsByTicket = sessions.GroupBy(s => s.TicketId!).ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartedAt).ToList());
        var sessionIds = sessions.Select(s => s.Id!).ToHashSet();

        var endedEvents = new Dictionary<string, EventRow>();
        var events = new List<(EventRow Row, string SessionId)>();
        foreach (var row in _rows.Read<EventRow>("ticketEvents"))
        {
            if (row.Type is not (Timeline.Started or Timeline.Ended)) continue; // other kinds belong to the helpdesk
            if (_rows.Resolve(row, "ticketId", row.TicketId, tickets, _allTicketIds, "ticket") is null) continue;
            var sessionId = row.PayloadText("sessionId");
            if (sessionId is null || !sessionIds.Contains(sessionId))
            {
                report.Skip(report.Counts["ticketEvents"], row.Source.Where, $"payload.sessionId {sessionId ?? "(none)"} refers to no imported session");
                continue;
            }
            events.Add((row, sessionId));
            if (row.Type == Timeline.Ended) endedEvents[sessionId] = row;
        }

        var machineDocuments = await WriteMachinesAsync(machines, heartbeats, users, ct);
        await WriteTokensAsync(machines, ct);
        var ticketDocuments = await WriteTicketsAsync(tickets, sessionsByTicket, ct);
        var written = await WriteSessionsAsync(sessionsByTicket, ticketDocuments, machineDocuments, endedEvents, ct);
        await WriteEventsAsync(events, written, ct);
        await WriteMessagesAsync(tickets, written, users, ct);
        await WriteUsersAsync(users, ct);
    }

    /// <summary>Machines with their last heartbeat: the newest of the machine's own field and its machineHeartbeats rows.</summary>
    async Task<Dictionary<string, MachineDocument>> WriteMachinesAsync(Dictionary<string, MachineRow> machines,
        Dictionary<string, List<long>> heartbeats, Dictionary<string, UserRow> users, CancellationToken ct)
    {
        var documents = new Dictionary<string, MachineDocument>();
        var bar = Start("machines", machines.Count);
        foreach (var m in machines.Values)
        {
            var linked = m.LinkedUserIds ?? [];
            var beats = heartbeats.GetValueOrDefault(m.Id!) ?? [];
            var lastHeartbeat = beats.Append(ConvexRow.Ms(m.LastHeartbeatAt) ?? 0).Max();
            var document = new MachineDocument
            {
                Id = m.Id!, TenantId = tenant, Hostname = m.Hostname!,
                Status = m.Status?.ToUpperInvariant() == MachineStatus.Revoked ? MachineStatus.Revoked : MachineStatus.Active,
                AssignedUserId = m.AssignedUserId, AssignedUserName = m.AssignedUserName, AssignedUserEmail = m.AssignedUserEmail,
                LinkedUserIds = linked, LastHeartbeatAt = lastHeartbeat > 0 ? lastHeartbeat : null, CreatedAt = m.CreatedAtOr(m.CreatedAt),
                LinkedUserSnapshot = linked.Count > 0 && users.TryGetValue(linked[0], out var first)
                    ? new PersonSnapshot(first.Name!, first.Email, first.AvatarUrl) : null,
            };
            documents[document.Id] = document;
            if (document.AssignedUserId is { } assigned) _referencedUsers.Add(assigned);
            _referencedUsers.UnionWith(linked);
            var created = await CreateAsync("machines", store.Machines, document, document.Id, ct);
            // Heartbeat rows are folded into their machine and counted with it.
            if (created) report.Counts["machineHeartbeats"].Imported += beats.Count;
            else report.Counts["machineHeartbeats"].AlreadyPresent += beats.Count;
            bar.Step();
        }
        bar.Done();
        return documents;
    }

    async Task WriteTokensAsync(Dictionary<string, MachineRow> machines, CancellationToken ct)
    {
        var tokens = _rows.Load<TokenRow>("machineTokens");
        var bar = Start("machineTokens", tokens.Count);
        foreach (var t in tokens)
        {
            bar.Step();
            var hash = t.TokenHash!;
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            {
                report.Skip(report.Counts["machineTokens"], t.Source.Where, "tokenHash is not a SHA-256 hex digest");
                continue;
            }
            if (_rows.Resolve(t, "machineId", t.MachineId, machines, _allMachineIds, "machine") is not { } machine) continue;
            // The same SHA-256 hex the reference stored: desktop agents keep authenticating with the token they have.
            await CreateAsync("machineTokens", store.MachineTokens, new MachineTokenDocument
            {
                // A REVOKED machine's token is refused anyway (MachineAuthenticator); marked revoked too, as revoking does.
                Id = hash, MachineId = machine.Id!, TenantId = tenant,
                Revoked = t.Revoked == true || machine.Status?.ToUpperInvariant() == MachineStatus.Revoked,
                ExpiresAt = ConvexRow.Ms(t.ExpiresAt)!.Value, CreatedAt = t.CreatedAtOr(t.CreatedAt),
            }, hash, ct);
        }
        bar.Done();
    }

    /// <summary>The tickets chats happened on or can happen on: those with a session or a machine.</summary>
    async Task<Dictionary<string, TicketDocument>> WriteTicketsAsync(Dictionary<string, TicketRow> tickets,
        Dictionary<string, List<SessionRow>> sessionsByTicket, CancellationToken ct)
    {
        var documents = new Dictionary<string, TicketDocument>();
        var chosen = tickets.Values.Where(t => sessionsByTicket.ContainsKey(t.Id!) || t.MachineId is not null).ToList();
        var bar = Start("tickets", chosen.Count);
        foreach (var t in chosen)
        {
            // The ticket claims its live chat, as a start would have (one ACTIVE session per ticket).
            var active = sessionsByTicket.GetValueOrDefault(t.Id!)?.LastOrDefault(s => s.Status == SessionStatus.Active);
            var document = new TicketDocument
            {
                Id = t.Id!, TenantId = tenant, Reference = ConvexRow.Ms(t.Reference) ?? 0, Subject = t.Subject!,
                RequesterId = t.RequesterId ?? "", CompanyId = t.CompanyId, MachineId = t.MachineId,
                ChatEnabled = t.ChatEnabled == true || sessionsByTicket.ContainsKey(t.Id!), CreatedAt = t.CreatedAtOr(t.CreatedAt),
                ActiveSession = active is null ? null : new SessionClaim(active.Id!, active.MachineId!, ConvexRow.Ms(active.StartedAt)!.Value),
            };
            if (document.RequesterId.Length > 0) _referencedUsers.Add(document.RequesterId);
            documents[document.Id] = document;
            await CreateAsync("tickets", store.Tickets, document, document.Id, ct);
            bar.Step();
        }
        bar.Done();
        return documents;
    }

    async Task<Dictionary<string, SessionDocument>> WriteSessionsAsync(Dictionary<string, List<SessionRow>> sessionsByTicket,
        Dictionary<string, TicketDocument> tickets, Dictionary<string, MachineDocument> machines, Dictionary<string, EventRow> endedEvents,
        CancellationToken ct)
    {
        var written = new Dictionary<string, SessionDocument>();
        var count = report.Counts["liveChatSessions"];
        var bar = Start("liveChatSessions", sessionsByTicket.Values.Sum(l => l.Count));
        foreach (var (ticketId, ticketSessions) in sessionsByTicket)
        {
            var ticket = tickets[ticketId];
            var newestActive = ticketSessions.LastOrDefault(s => s.Status == SessionStatus.Active);
            foreach (var s in ticketSessions)
            {
                bar.Step();
                var document = Session(s, s == newestActive, ticket, machines[s.MachineId!], endedEvents.GetValueOrDefault(s.Id!));
                _referencedUsers.Add(document.AgentId);
                if (!dryRun && !await store.Sessions.TryCreateAsync(document, document.Key, ct))
                {
                    if (await store.Sessions.ReadOrNullAsync<SessionDocument>(document.Id, document.Key, ct) is null)
                    {
                        report.Skip(count, s.Source.Where, $"ticket {ticketId} already has an active chat in this service");
                        continue;
                    }
                    count.AlreadyPresent++;
                }
                else count.Imported++;
                // An active chat shows in its machine's poll only through the inbox (a re-run writes it if missing).
                if (!dryRun && document.IsActive) await inbox.ReflectAsync(document, ct);
                written[document.Id] = document;
            }
        }
        bar.Done();
        return written;
    }

    SessionDocument Session(SessionRow s, bool active, TicketDocument ticket, MachineDocument machine, EventRow? ended)
    {
        var startedAt = ConvexRow.Ms(s.StartedAt)!.Value;
        var lastActivity = ConvexRow.Ms(s.LastActivityAt) ?? startedAt;
        var autoEnded = ended?.PayloadFlag("autoEnded") == true;
        if (!active && s.Status == SessionStatus.Active)
            report.Warnings.Add($"{s.Source.Where}: a second ACTIVE session of ticket {ticket.Id}; imported as ended at its last activity");
        var (clientId, client) = ChatSessions.ClientAuthor(machine, ticket);
        return new SessionDocument
        {
            Id = s.Id!, MachineId = machine.Id, TenantId = tenant, TicketId = ticket.Id,
            TicketRef = ticket.Reference, TicketSubject = ticket.Subject, MachineHostname = machine.Hostname,
            Status = active ? SessionStatus.Active : SessionStatus.Ended,
            ActiveKey = active ? SessionDocument.ActiveKeyFor(ticket.Id) : $"ended:{s.Id}",
            AgentId = s.AgentId!, AgentSnapshot = Person(s.AgentSnapshot) ?? new PersonSnapshot("Agente"),
            ClientAuthorId = clientId, ClientSnapshot = client,
            StartedAt = startedAt, LastActivityAt = lastActivity,
            EndedAt = active ? null : ConvexRow.Ms(s.EndedAt) ?? lastActivity,
            EndReason = active || !autoEnded ? null : ended?.PayloadText("reason"),
            EndedById = active || autoEnded ? null : ended?.PayloadText("agentId"),
            EndedByName = active || autoEnded ? null : ended?.PayloadText("agentName"),
            UnreadByMachine = ConvexRow.Ms(s.UnreadByMachine) ?? 0, UnreadByAgent = ConvexRow.Ms(s.UnreadByAgent) ?? 0, Version = 1,
        };
    }

    async Task WriteEventsAsync(List<(EventRow Row, string SessionId)> events, Dictionary<string, SessionDocument> sessions, CancellationToken ct)
    {
        var bar = Start("ticketEvents", events.Count);
        foreach (var (row, sessionId) in events)
        {
            bar.Step();
            if (!sessions.TryGetValue(sessionId, out var session)) continue;
            var payload = row.Payload!.ToDictionary(p => p.Key, p => (object?)p.Value);
            payload["convexId"] = row.Id;
            // The service's own ids for these two kinds, so its sweep repair sees them and writes no second one.
            var id = row.Type == Timeline.Started ? Timeline.StartedEventId(sessionId) : Timeline.EndedEventId(sessionId);
            await CreateAsync("ticketEvents", store.Events, new TicketEventDocument
            {
                Id = id, TicketId = session.TicketId, TenantId = tenant, Type = row.Type!, CreatedAt = row.CreatedAtOr(row.CreatedAt), Payload = payload,
            }, session.TicketId, ct);
        }
        bar.Done();
    }

    async Task WriteMessagesAsync(Dictionary<string, TicketRow> tickets, Dictionary<string, SessionDocument> sessions,
        Dictionary<string, UserRow> users, CancellationToken ct)
    {
        var count = report.Counts["ticketChatMessages"];
        var byTicket = sessions.Values.GroupBy(s => s.TicketId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartedAt).ToList());
        var tiesSpread = SpreadTies();
        var bar = Start("ticketChatMessages", snapshot.LineCount("ticketChatMessages"));
        foreach (var m in _rows.Read<MessageRow>("ticketChatMessages"))
        {
            bar.Step();
            if (_rows.Resolve(m, "ticketId", m.TicketId, tickets, _allTicketIds, "ticket") is not { } ticket) continue;
            var createdAt = ConvexRow.Ms(m.CreatedAt)!.Value;
            if (byTicket.GetValueOrDefault(ticket.Id!) is not { Count: > 0 } ticketSessions)
            {
                report.Skip(count, m.Source.Where, $"ticket {ticket.Id} has no imported chat session");
                continue;
            }
            // As the reference's history does: a message belongs to the session whose time span holds it. One written
            // between two sessions (the reference listed it with the ticket's chat all the same) goes to the next session,
            // or to the last one when none followed.
            var session = ticketSessions.LastOrDefault(s => s.StartedAt <= createdAt && (s.EndedAt is null || createdAt <= s.EndedAt));
            if (session is null)
            {
                session = ticketSessions.FirstOrDefault(s => s.StartedAt > createdAt) ?? ticketSessions[^1];
                report.OutsideSessions.Add($"{m.Source.Where}: createdAt {createdAt} is in no session of ticket {ticket.Id}; imported into session {session.Id}");
            }
            var authorId = m.AuthorId!;
            var fromMachine = authorId != session.AgentId
                && (authorId == session.ClientAuthorId || !(users.TryGetValue(authorId, out var author) && Roles.IsStaff(author.Role ?? "")));
            var firstReadByOther = (m.ReadBy ?? []).Where(r => r.UserId != authorId && r.ReadAt is not null).Select(r => ConvexRow.Ms(r.ReadAt)).Min();
            var owner = fromMachine ? $"{tenant}/{session.MachineId}/" : $"{tenant}/agents/{authorId}/";
            var document = new MessageDocument
            {
                Id = m.Id!, TicketId = ticket.Id!, TenantId = tenant, SessionId = session.Id, AuthorId = authorId,
                AuthorSnapshot = Person(m.AuthorSnapshot) ?? new PersonSnapshot(fromMachine ? session.ClientSnapshot.Name : session.AgentSnapshot.Name),
                FromMachine = fromMachine, Body = m.Body!, CreatedAt = tiesSpread.GetValueOrDefault(m.Id!, createdAt),
                Attachments = await attachments.ImportAsync(snapshot, m.Attachments, m.Source.Where, owner, createdAt, ct),
                ReadByAgentAt = fromMachine ? firstReadByOther : null,
                ReadByMachineAt = fromMachine ? null : firstReadByOther,
            };
            _referencedUsers.Add(authorId);
            await CreateAsync("ticketChatMessages", store.Messages, document, document.TicketId, ct);
        }
        bar.Done();
    }

    /// <summary>
    /// Convex lists a ticket's messages in (createdAt, _creationTime) order; this service in (createdAt, id) order, and
    /// Convex ids do not follow time. So messages of a ticket sharing a createdAt get createdAt values 1 ms apart in
    /// _creationTime order (later ones moved on as far as needed): the imported chat reads in the order Convex showed.
    /// Returns the moved messages' new createdAt by id; the same on every run. Holds one entry per message while it works.
    /// </summary>
    Dictionary<string, long> SpreadTies()
    {
        var byTicket = new Dictionary<string, List<(long CreatedAt, double CreationTime, string Id)>>();
        // Every row of the file, as read: the rows the import skips or does not own cost an entry, nothing more.
        foreach (var source in snapshot.Rows("ticketChatMessages"))
        {
            if (source.Document is not { } json || Text(json, "_id") is not { } id || Text(json, "ticketId") is not { } ticket
                || Number(json, "createdAt") is not { } createdAt) continue;
            (byTicket.TryGetValue(ticket, out var messages) ? messages : byTicket[ticket] = []).Add(((long)createdAt, Number(json, "_creationTime") ?? 0, id));
        }
        var moved = new Dictionary<string, long>();
        foreach (var messages in byTicket.Values)
        {
            var last = long.MinValue;
            foreach (var m in messages.OrderBy(m => m.CreatedAt).ThenBy(m => m.CreationTime))
            {
                var at = last == long.MinValue ? m.CreatedAt : Math.Max(m.CreatedAt, last + 1);
                if (at != m.CreatedAt) moved[m.Id] = at;
                last = at;
            }
        }
        return moved;

        static string? Text(JsonElement row, string name) =>
            row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        static double? Number(JsonElement row, string name) =>
            row.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
    }

    async Task WriteUsersAsync(Dictionary<string, UserRow> users, CancellationToken ct)
    {
        var chosen = users.Values.Where(u => _referencedUsers.Contains(u.Id!)).ToList();
        foreach (var missing in _referencedUsers.Where(id => id.Length > 0 && !users.ContainsKey(id)).Order())
            report.Warnings.Add($"user {missing} is referenced but not in the snapshot's users of the tenant (its name is kept on the rows that cite it)");
        var bar = Start("users", chosen.Count);
        foreach (var u in chosen)
        {
            await CreateAsync("users", store.Users, new UserDocument
            {
                Id = u.Id!, TenantId = tenant, Role = (u.Role ?? "COLLABORATOR").ToUpperInvariant(), Name = u.Name!,
                Email = u.Email, AvatarUrl = u.AvatarUrl,
            }, u.Id!, ct);
            bar.Step();
        }
        bar.Done();
    }

    static PersonSnapshot? Person(PersonRow? snapshot) =>
        snapshot is { Name: { Length: > 0 } name } ? new PersonSnapshot(name, snapshot.Email, snapshot.AvatarUrl) : null;

    /// <summary>Creates the document unless one with its id exists (a re-run, or a resume after a crash).</summary>
    async Task<bool> CreateAsync<T>(string table, Container container, T document, string partitionKey, CancellationToken ct)
    {
        var count = report.Counts[table];
        var created = dryRun || await container.TryCreateAsync(document, partitionKey, ct);
        if (created) count.Imported++;
        else count.AlreadyPresent++;
        return created;
    }

    ProgressBar Start(string table, int total) => new(table, total, progress);
}
