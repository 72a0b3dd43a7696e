using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using LiveChat.Core.Uploads;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Import;

/// <summary>
/// Writes one tenant's chat data from a Convex snapshot into the service's containers. Every document keeps its
/// Convex id (timeline events get the service's deterministic ids) and is created only if absent, so a second run
/// changes nothing and a run after a crash resumes; each document is written whole in one call. Referenced rows that
/// are missing are reported and their dependants skipped; nothing is guessed.
/// </summary>
public sealed class ConvexImporter(CosmosStore store, MachineInbox inbox, BlobStore blobs, UploadOptions uploads, TextWriter progress)
{
    /// <summary>The fields the reference reads, per table; others are reported once and ignored.</summary>
    static readonly Dictionary<string, (string[] Required, string[] Optional)> Schema = new()
    {
        ["users"] = (["tenantId", "name"], ["email", "role", "avatarUrl"]),
        ["tickets"] = (["tenantId", "subject"], ["reference", "requesterId", "companyId", "machineId", "chatEnabled", "createdAt"]),
        ["machines"] = (["tenantId", "hostname"], ["status", "assignedUserId", "assignedUserName", "assignedUserEmail", "linkedUserIds", "lastHeartbeatAt", "createdAt"]),
        ["machineHeartbeats"] = (["machineId", "lastHeartbeatAt"], []),
        ["machineTokens"] = (["tenantId", "machineId", "tokenHash", "expiresAt"], ["revoked", "createdAt"]),
        ["liveChatSessions"] = (["tenantId", "ticketId", "machineId", "agentId", "status", "startedAt"],
            ["agentSnapshot", "lastActivityAt", "endedAt", "unreadByMachine", "unreadByAgent"]),
        ["ticketEvents"] = (["ticketId", "type", "createdAt"], ["payload"]),
        ["ticketChatMessages"] = (["tenantId", "ticketId", "authorId", "body", "createdAt"],
            ["authorSnapshot", "attachments", "updatedAt", "companyId", "readBy"]),
    };

    sealed record Row(SnapshotRow Source, JsonElement Json)
    {
        public string Id => Json.GetProperty("_id").GetString()!;
        public string? Str(string name) => Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        public long? Long(string name) => Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? (long)v.GetDouble() : null;
        public bool Bool(string name) => Json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;
        public JsonElement? Get(string name) => Json.TryGetProperty(name, out var v) && v.ValueKind is not JsonValueKind.Null ? v : null;
        public long CreatedAt => Long("createdAt") ?? Long("_creationTime") ?? 0;
    }

    ImportReport _report = null!;
    AttachmentImport _attachments = null!;
    string _tenant = "";
    bool _dryRun;

    public async Task<ImportReport> RunAsync(string zipPath, string tenantId, bool dryRun, CancellationToken ct)
    {
        _report = new ImportReport { Snapshot = Path.GetFileName(zipPath), TenantId = tenantId, DryRun = dryRun };
        _tenant = tenantId;
        _dryRun = dryRun;
        _attachments = new AttachmentImport(blobs, uploads, _report, dryRun);
        using var snapshot = ConvexSnapshot.Open(zipPath, out var error);
        if (snapshot is null)
        {
            _report.Fatal = error;
            return _report;
        }
        try
        {
            await ImportAsync(snapshot, ct);
        }
        catch (InvalidDataException e)
        {
            _report.Fatal = $"the ZIP is damaged ({e.Message}); what was read before is imported, export again and re-run.";
        }
        return _report;
    }

    async Task ImportAsync(ConvexSnapshot snapshot, CancellationToken ct)
    {
        foreach (var table in Schema.Keys.Where(t => !snapshot.HasTable(t)))
            _report.Warnings.Add($"table {table} is not in the snapshot");

        var allMachineIds = new HashSet<string>();
        var allTicketIds = new HashSet<string>();
        var users = Load(snapshot, "users").ToDictionary(r => r.Id);
        var tickets = Load(snapshot, "tickets", allTicketIds).ToDictionary(r => r.Id);
        var machines = Load(snapshot, "machines", allMachineIds).ToDictionary(r => r.Id);

        var heartbeats = new Dictionary<string, List<long>>();
        foreach (var beat in Load(snapshot, "machineHeartbeats"))
            if (Resolve(beat, "machineId", machines, allMachineIds, "machine") is { } machine)
                (heartbeats.TryGetValue(machine.Id, out var times) ? times : heartbeats[machine.Id] = []).Add(beat.Long("lastHeartbeatAt") ?? 0);

        // Sessions whose ticket and machine are this tenant's; a second ACTIVE one per ticket is imported ended.
        var sessions = new List<Row>();
        foreach (var row in Load(snapshot, "liveChatSessions"))
            if (Resolve(row, "ticketId", tickets, allTicketIds, "ticket") is not null && Resolve(row, "machineId", machines, allMachineIds, "machine") is not null)
                sessions.Add(row);
        var sessionsByTicket = sessions.GroupBy(s => s.Str("ticketId")!).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Long("startedAt")).ToList());

        var endedEvents = new Dictionary<string, Row>();
        var events = new List<(Row Row, string SessionId)>();
        foreach (var row in Load(snapshot, "ticketEvents"))
        {
            if (row.Str("type") is not (Timeline.Started or Timeline.Ended)) continue; // other kinds belong to the helpdesk
            if (Resolve(row, "ticketId", tickets, allTicketIds, "ticket") is null) continue;
            var sessionId = row.Get("payload")?.TryGetProperty("sessionId", out var id) == true ? id.GetString() : null;
            if (sessionId is null || sessions.All(s => s.Id != sessionId))
            {
                _report.Skip(_report.Counts["ticketEvents"], row.Source.Where, $"payload.sessionId {sessionId ?? "(none)"} refers to no imported session");
                continue;
            }
            events.Add((row, sessionId));
            if (row.Str("type") == Timeline.Ended) endedEvents[sessionId] = row;
        }

        var referencedUsers = new HashSet<string>();
        var machineDocuments = await WriteMachinesAsync(machines, heartbeats, users, referencedUsers, ct);
        await WriteTokensAsync(snapshot, machines, allMachineIds, ct);
        var ticketDocuments = await WriteTicketsAsync(tickets, sessionsByTicket, referencedUsers, ct);
        var written = await WriteSessionsAsync(sessionsByTicket, ticketDocuments, machineDocuments, endedEvents, referencedUsers, ct);
        await WriteEventsAsync(events, written, ct);
        await WriteMessagesAsync(snapshot, tickets, allTicketIds, written, users, referencedUsers, ct);
        await WriteUsersAsync(users, referencedUsers, ct);
    }

    List<Row> Load(ConvexSnapshot snapshot, string table, HashSet<string>? allIds = null) => Rows(snapshot, table, allIds).ToList();

    /// <summary>Rows of the table that belong to the tenant and carry what they must; the others are counted or reported.</summary>
    IEnumerable<Row> Rows(ConvexSnapshot snapshot, string table, HashSet<string>? allIds = null)
    {
        var (required, optional) = Schema[table];
        var known = required.Concat(optional).Concat(["_id", "_creationTime"]).ToHashSet();
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var count = _report.Counts[table];
        foreach (var source in snapshot.Rows(table))
        {
            count.Read++;
            if (source.Document is not { } json)
            {
                _report.Skip(count, source.Where, source.Error!);
                continue;
            }
            foreach (var field in json.EnumerateObject()) if (!known.Contains(field.Name)) unknown.Add(field.Name);
            var row = new Row(source, json);
            if (row.Str("_id") is not { } id || !DocumentIds.CouldExist(id))
            {
                _report.Skip(count, source.Where, "missing or malformed _id");
                continue;
            }
            allIds?.Add(id);
            var missing = required.Where(f => row.Get(f) is null).ToList();
            if (missing.Count > 0)
            {
                _report.Skip(count, source.Where, $"missing required field {string.Join(", ", missing)}");
                continue;
            }
            if (row.Str("tenantId") is { } tenant && tenant != _tenant)
            {
                count.OtherTenants++;
                continue;
            }
            yield return row;
        }
        if (unknown.Count > 0) _report.Warnings.Add($"table {table}: fields the service does not use, ignored: {string.Join(", ", unknown)}");
    }

    /// <summary>The tenant's row that <paramref name="field"/> names; a reference to another tenant is counted, one to nothing reported.</summary>
    Row? Resolve(Row row, string field, Dictionary<string, Row> targets, HashSet<string> anyTenant, string what)
    {
        var id = row.Str(field);
        if (id is not null && targets.TryGetValue(id, out var target)) return target;
        var count = _report.Counts[row.Source.Table];
        if (id is not null && anyTenant.Contains(id)) count.OtherTenants++;
        else _report.Skip(count, row.Source.Where, $"{field} {id ?? "(none)"} refers to no {what}");
        return null;
    }

    /// <summary>Machines with their last heartbeat: the newest of the machine's own field and its machineHeartbeats rows.</summary>
    async Task<Dictionary<string, MachineDocument>> WriteMachinesAsync(Dictionary<string, Row> machines, Dictionary<string, List<long>> heartbeats,
        Dictionary<string, Row> userRows, HashSet<string> users, CancellationToken ct)
    {
        var documents = new Dictionary<string, MachineDocument>();
        var bar = Start("machines", machines.Count);
        foreach (var m in machines.Values)
        {
            var linked = m.Get("linkedUserIds") is { ValueKind: JsonValueKind.Array } ids ? ids.EnumerateArray().Select(i => i.GetString()!).ToList() : [];
            var beats = heartbeats.GetValueOrDefault(m.Id) ?? [];
            var lastHeartbeat = beats.Append(m.Long("lastHeartbeatAt") ?? 0).Max();
            var document = new MachineDocument
            {
                Id = m.Id, TenantId = _tenant, Hostname = m.Str("hostname")!,
                Status = m.Str("status")?.ToUpperInvariant() == MachineStatus.Revoked ? MachineStatus.Revoked : MachineStatus.Active,
                AssignedUserId = m.Str("assignedUserId"), AssignedUserName = m.Str("assignedUserName"), AssignedUserEmail = m.Str("assignedUserEmail"),
                LinkedUserIds = linked, LastHeartbeatAt = lastHeartbeat > 0 ? lastHeartbeat : null, CreatedAt = m.CreatedAt,
                LinkedUserSnapshot = linked.Count > 0 && userRows.TryGetValue(linked[0], out var first)
                    ? new PersonSnapshot(first.Str("name")!, first.Str("email"), first.Str("avatarUrl")) : null,
            };
            documents[document.Id] = document;
            if (document.AssignedUserId is { } assigned) users.Add(assigned);
            users.UnionWith(linked);
            var created = await CreateAsync("machines", store.Machines, document, document.Id, ct);
            // Heartbeat rows are folded into their machine and counted with it.
            if (created) _report.Counts["machineHeartbeats"].Imported += beats.Count;
            else _report.Counts["machineHeartbeats"].AlreadyPresent += beats.Count;
            bar.Step();
        }
        bar.Done();
        return documents;
    }

    async Task WriteTokensAsync(ConvexSnapshot snapshot, Dictionary<string, Row> machines, HashSet<string> allMachineIds, CancellationToken ct)
    {
        var tokens = Load(snapshot, "machineTokens");
        var bar = Start("machineTokens", tokens.Count);
        foreach (var t in tokens)
        {
            bar.Step();
            var hash = t.Str("tokenHash")!;
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            {
                _report.Skip(_report.Counts["machineTokens"], t.Source.Where, "tokenHash is not a SHA-256 hex digest");
                continue;
            }
            if (Resolve(t, "machineId", machines, allMachineIds, "machine") is not { } machine) continue;
            // The same SHA-256 hex the reference stored: desktop agents keep authenticating with the token they have.
            await CreateAsync("machineTokens", store.MachineTokens, new MachineTokenDocument
            {
                // A REVOKED machine's token is refused anyway (MachineAuthenticator); marked revoked too, as revoking does.
                Id = hash, MachineId = machine.Id, TenantId = _tenant,
                Revoked = t.Bool("revoked") || machine.Str("status")?.ToUpperInvariant() == MachineStatus.Revoked,
                ExpiresAt = t.Long("expiresAt")!.Value, CreatedAt = t.CreatedAt,
            }, hash, ct);
        }
        bar.Done();
    }

    /// <summary>The tickets chats happened on or can happen on: those with a session or a machine.</summary>
    async Task<Dictionary<string, TicketDocument>> WriteTicketsAsync(Dictionary<string, Row> tickets, Dictionary<string, List<Row>> sessionsByTicket,
        HashSet<string> users, CancellationToken ct)
    {
        var documents = new Dictionary<string, TicketDocument>();
        var chosen = tickets.Values.Where(t => sessionsByTicket.ContainsKey(t.Id) || t.Str("machineId") is not null).ToList();
        var bar = Start("tickets", chosen.Count);
        foreach (var t in chosen)
        {
            var machineId = t.Str("machineId");
            // The ticket claims its live chat, as a start would have (one ACTIVE session per ticket).
            var active = sessionsByTicket.GetValueOrDefault(t.Id)?.LastOrDefault(s => s.Str("status") == SessionStatus.Active);
            var document = new TicketDocument
            {
                Id = t.Id, TenantId = _tenant, Reference = t.Long("reference") ?? 0, Subject = t.Str("subject")!,
                RequesterId = t.Str("requesterId") ?? "", CompanyId = t.Str("companyId"), MachineId = machineId,
                ChatEnabled = t.Bool("chatEnabled") || sessionsByTicket.ContainsKey(t.Id), CreatedAt = t.CreatedAt,
                ActiveSession = active is null ? null : new SessionClaim(active.Id, active.Str("machineId")!, active.Long("startedAt")!.Value),
            };
            if (document.RequesterId.Length > 0) users.Add(document.RequesterId);
            documents[document.Id] = document;
            await CreateAsync("tickets", store.Tickets, document, document.Id, ct);
            bar.Step();
        }
        bar.Done();
        return documents;
    }

    async Task<Dictionary<string, SessionDocument>> WriteSessionsAsync(Dictionary<string, List<Row>> sessionsByTicket,
        Dictionary<string, TicketDocument> tickets, Dictionary<string, MachineDocument> machines, Dictionary<string, Row> endedEvents,
        HashSet<string> referencedUsers, CancellationToken ct)
    {
        var written = new Dictionary<string, SessionDocument>();
        var count = _report.Counts["liveChatSessions"];
        var bar = Start("liveChatSessions", sessionsByTicket.Values.Sum(l => l.Count));
        foreach (var (ticketId, ticketSessions) in sessionsByTicket)
        {
            var ticket = tickets[ticketId];
            var newestActive = ticketSessions.LastOrDefault(s => s.Str("status") == SessionStatus.Active);
            foreach (var s in ticketSessions)
            {
                bar.Step();
                var machine = machines[s.Str("machineId")!];
                var active = s == newestActive;
                var lastActivity = s.Long("lastActivityAt") ?? s.Long("startedAt")!.Value;
                var ended = endedEvents.GetValueOrDefault(s.Id);
                var endedPayload = ended?.Get("payload");
                string? PayloadText(string name) => endedPayload?.TryGetProperty(name, out var v) == true && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var autoEnded = endedPayload?.TryGetProperty("autoEnded", out var auto) == true && auto.ValueKind == JsonValueKind.True;
                if (!active && s.Str("status") == SessionStatus.Active)
                    _report.Warnings.Add($"{s.Source.Where}: a second ACTIVE session of ticket {ticketId}; imported as ended at its last activity");
                var agentSnapshot = s.Get("agentSnapshot");
                var (clientId, client) = ChatSessions.ClientAuthor(machine, ticket);
                var document = new SessionDocument
                {
                    Id = s.Id, MachineId = machine.Id, TenantId = _tenant, TicketId = ticketId,
                    TicketRef = ticket.Reference, TicketSubject = ticket.Subject, MachineHostname = machine.Hostname,
                    Status = active ? SessionStatus.Active : SessionStatus.Ended,
                    ActiveKey = active ? SessionDocument.ActiveKeyFor(ticketId) : $"ended:{s.Id}",
                    AgentId = s.Str("agentId")!, AgentSnapshot = Person(agentSnapshot) ?? new PersonSnapshot("Agente"),
                    ClientAuthorId = clientId, ClientSnapshot = client,
                    StartedAt = s.Long("startedAt")!.Value, LastActivityAt = lastActivity,
                    EndedAt = active ? null : s.Long("endedAt") ?? lastActivity,
                    EndReason = active || !autoEnded ? null : PayloadText("reason"),
                    EndedById = active || autoEnded ? null : PayloadText("agentId"),
                    EndedByName = active || autoEnded ? null : PayloadText("agentName"),
                    UnreadByMachine = s.Long("unreadByMachine") ?? 0, UnreadByAgent = s.Long("unreadByAgent") ?? 0, Version = 1,
                };
                referencedUsers.Add(document.AgentId);
                if (!_dryRun && !await store.Sessions.TryCreateAsync(document, document.Key, ct))
                {
                    if (await store.Sessions.ReadOrNullAsync<SessionDocument>(document.Id, document.Key, ct) is null)
                    {
                        _report.Skip(count, s.Source.Where, $"ticket {ticketId} already has an active chat in this service");
                        continue;
                    }
                    count.AlreadyPresent++;
                }
                else count.Imported++;
                // An active chat shows in its machine's poll only through the inbox (a re-run writes it if missing).
                if (!_dryRun && document.IsActive) await inbox.ReflectAsync(document, ct);
                written[document.Id] = document;
            }
        }
        bar.Done();
        return written;
    }

    async Task WriteEventsAsync(List<(Row Row, string SessionId)> events, Dictionary<string, SessionDocument> sessions, CancellationToken ct)
    {
        var bar = Start("ticketEvents", events.Count);
        foreach (var (row, sessionId) in events)
        {
            bar.Step();
            if (!sessions.TryGetValue(sessionId, out var session)) continue;
            var payload = JsonSerializer.Deserialize<Dictionary<string, object?>>(row.Get("payload")!.Value.GetRawText())!;
            payload["convexId"] = row.Id;
            var type = row.Str("type")!;
            // The service's own ids for these two kinds, so its sweep repair sees them and writes no second one.
            var id = type == Timeline.Started ? Timeline.StartedEventId(sessionId) : Timeline.EndedEventId(sessionId);
            await CreateAsync("ticketEvents", store.Events, new TicketEventDocument
            {
                Id = id, TicketId = session.TicketId, TenantId = _tenant, Type = type, CreatedAt = row.CreatedAt, Payload = payload,
            }, session.TicketId, ct);
        }
        bar.Done();
    }

    async Task WriteMessagesAsync(ConvexSnapshot snapshot, Dictionary<string, Row> tickets, HashSet<string> allTicketIds,
        Dictionary<string, SessionDocument> sessions, Dictionary<string, Row> users, HashSet<string> referencedUsers, CancellationToken ct)
    {
        var count = _report.Counts["ticketChatMessages"];
        var byTicket = sessions.Values.GroupBy(s => s.TicketId).ToDictionary(g => g.Key, g => g.OrderBy(s => s.StartedAt).ToList());
        var tiesSpread = SpreadTies(snapshot);
        var bar = Start("ticketChatMessages", snapshot.LineCount("ticketChatMessages"));
        foreach (var m in Rows(snapshot, "ticketChatMessages"))
        {
            bar.Step();
            if (Resolve(m, "ticketId", tickets, allTicketIds, "ticket") is not { } ticket) continue;
            var createdAt = m.Long("createdAt")!.Value;
            if (byTicket.GetValueOrDefault(ticket.Id) is not { Count: > 0 } ticketSessions)
            {
                _report.Skip(count, m.Source.Where, $"ticket {ticket.Id} has no imported chat session");
                continue;
            }
            // As the reference's history does: a message belongs to the session whose time span holds it. One written
            // between two sessions (the reference listed it with the ticket's chat all the same) goes to the next session,
            // or to the last one when none followed.
            var session = ticketSessions.LastOrDefault(s => s.StartedAt <= createdAt && (s.EndedAt is null || createdAt <= s.EndedAt));
            if (session is null)
            {
                session = ticketSessions.FirstOrDefault(s => s.StartedAt > createdAt) ?? ticketSessions[^1];
                _report.OutsideSessions.Add($"{m.Source.Where}: createdAt {createdAt} is in no session of ticket {ticket.Id}; imported into session {session.Id}");
            }
            var authorId = m.Str("authorId")!;
            var fromMachine = authorId != session.AgentId
                && (authorId == session.ClientAuthorId || !(users.TryGetValue(authorId, out var author) && Roles.IsStaff(author.Str("role") ?? "")));
            var firstReadByOther = m.Get("readBy") is { ValueKind: JsonValueKind.Array } readBy
                ? readBy.EnumerateArray()
                    .Where(r => r.TryGetProperty("userId", out var u) && u.GetString() != authorId && r.TryGetProperty("readAt", out var at) && at.ValueKind == JsonValueKind.Number)
                    .Select(r => (long?)(long)r.GetProperty("readAt").GetDouble()).Min()
                : null;
            var owner = fromMachine ? $"{_tenant}/{session.MachineId}/" : $"{_tenant}/agents/{authorId}/";
            var document = new MessageDocument
            {
                Id = m.Id, TicketId = ticket.Id, TenantId = _tenant, SessionId = session.Id, AuthorId = authorId,
                AuthorSnapshot = Person(m.Get("authorSnapshot")) ?? new PersonSnapshot(fromMachine ? session.ClientSnapshot.Name : session.AgentSnapshot.Name),
                FromMachine = fromMachine, Body = m.Str("body") ?? "", CreatedAt = tiesSpread.GetValueOrDefault(m.Id, createdAt),
                Attachments = await _attachments.ImportAsync(snapshot, m.Get("attachments"), m.Source.Where, owner, createdAt, ct),
                ReadByAgentAt = fromMachine ? firstReadByOther : null,
                ReadByMachineAt = fromMachine ? null : firstReadByOther,
            };
            referencedUsers.Add(authorId);
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
    static Dictionary<string, long> SpreadTies(ConvexSnapshot snapshot)
    {
        var byTicket = new Dictionary<string, List<(long CreatedAt, double CreationTime, string Id)>>();
        // Every row of the file, as read: the rows the import skips or does not own cost an entry, nothing more.
        foreach (var source in snapshot.Rows("ticketChatMessages"))
        {
            if (source.Document is not { } json) continue;
            var row = new Row(source, json);
            if (row.Str("_id") is not { } id || row.Str("ticketId") is not { } ticket || row.Long("createdAt") is not { } createdAt) continue;
            var creationTime = row.Get("_creationTime") is { ValueKind: JsonValueKind.Number } c ? c.GetDouble() : 0;
            (byTicket.TryGetValue(ticket, out var messages) ? messages : byTicket[ticket] = []).Add((createdAt, creationTime, id));
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
    }

    async Task WriteUsersAsync(Dictionary<string, Row> users, HashSet<string> referenced, CancellationToken ct)
    {
        var chosen = users.Values.Where(u => referenced.Contains(u.Id)).ToList();
        foreach (var missing in referenced.Where(id => id.Length > 0 && !users.ContainsKey(id)).Order())
            _report.Warnings.Add($"user {missing} is referenced but not in the snapshot's users of the tenant (its name is kept on the rows that cite it)");
        var bar = Start("users", chosen.Count);
        foreach (var u in chosen)
        {
            await CreateAsync("users", store.Users, new UserDocument
            {
                Id = u.Id, TenantId = _tenant, Role = (u.Str("role") ?? "COLLABORATOR").ToUpperInvariant(), Name = u.Str("name")!,
                Email = u.Str("email"), AvatarUrl = u.Str("avatarUrl"),
            }, u.Id, ct);
            bar.Step();
        }
        bar.Done();
    }

    static PersonSnapshot? Person(JsonElement? snapshot) =>
        snapshot is { ValueKind: JsonValueKind.Object } s && s.TryGetProperty("name", out var name) && name.GetString() is { Length: > 0 } text
            ? new PersonSnapshot(text,
                s.TryGetProperty("email", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null,
                s.TryGetProperty("avatarUrl", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null)
            : null;

    /// <summary>Creates the document unless one with its id exists (a re-run, or a resume after a crash).</summary>
    async Task<bool> CreateAsync<T>(string table, Container container, T document, string partitionKey, CancellationToken ct)
    {
        var count = _report.Counts[table];
        var created = _dryRun || await container.TryCreateAsync(document, partitionKey, ct);
        if (created) count.Imported++;
        else count.AlreadyPresent++;
        return created;
    }

    ProgressBar Start(string table, int total) => new(table, total, progress);
}
