using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using LiveChat.Core.Uploads;
using LiveChat.Import;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Tests.Import;

/// <summary>
/// A synthetic Convex export shaped like the reference's tables: one tenant with 20 tickets on 4 machines, 41 chat
/// sessions (one active on an online machine), 245 messages, their timeline events, machine tokens and heartbeats,
/// three cited files (one missing from the export) — plus another tenant's rows, which must stay out.
/// </summary>
public sealed class ConvexSnapshotBuilder
{
    static readonly byte[] Png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3];
    static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n% imported\n");
    readonly Dictionary<string, List<string>> _tables = [];
    readonly Dictionary<string, byte[]> _files = [];
    readonly string _p = "c" + Guid.NewGuid().ToString("N")[..10];

    public string Prefix => _p;
    public string Tenant { get; }
    public string OtherTenant { get; }
    public string MachineToken => $"token-{_p}-0";
    public string AgentId => $"{_p}u1";
    public string OnlineMachineId => $"{_p}m0";
    public string RevokedMachineToken => $"token-{_p}-3";
    public string ActiveTicketId => $"{_p}t0";
    public byte[] PngBytes => Png;
    public int Messages { get; private set; }

    public ConvexSnapshotBuilder(long now)
    {
        Tenant = "tenant-" + _p;
        OtherTenant = "other-" + _p;
        var hour = 3_600_000L;
        var start = now - 48 * hour;
        Add("users", new { _id = $"{_p}u0", _creationTime = start + 0.5, tenantId = Tenant, name = "Ana Admin", email = "ana@x", role = "admin" });
        Add("users", new { _id = AgentId, _creationTime = start + 0.5, tenantId = Tenant, name = "Beto Agente", email = "beto@x", role = "AGENT" });
        for (var i = 0; i < 4; i++)
            Add("users", new { _id = $"{_p}c{i}", _creationTime = start + 0.5, tenantId = Tenant, name = $"Cliente {i}", role = "COLLABORATOR" });
        Add("users", new { _id = $"{_p}x0", _creationTime = start, tenantId = OtherTenant, name = "Outro", role = "AGENT" });

        for (var i = 0; i < 4; i++)
        {
            // Machine 3 was revoked in Convex, its token never was (the reference left tokens as they were).
            Add("machines", new { _id = $"{_p}m{i}", _creationTime = start + 0.25, tenantId = Tenant, hostname = $"PC-{i}", assignedUserId = $"{_p}c{i}", assignedUserName = $"Cliente {i}", lastHeartbeatAt = start, status = i == 3 ? "REVOKED" : "ACTIVE" });
            Add("machineTokens", new { _id = $"{_p}k{i}", _creationTime = start, tenantId = Tenant, machineId = $"{_p}m{i}", tokenHash = Hash($"token-{_p}-{i}"), revoked = false, expiresAt = now + 365 * 24 * hour, createdAt = start });
        }
        Add("machineHeartbeats", new { _id = $"{_p}h0", _creationTime = now, machineId = OnlineMachineId, lastHeartbeatAt = now - 60_000 });

        for (var t = 0; t < 20; t++)
        {
            var ticketId = $"{_p}t{t}";
            var machineId = $"{_p}m{t % 4}";
            Add("tickets", new { _id = ticketId, _creationTime = start, tenantId = Tenant, reference = 1000 + t, subject = $"Chamado {t}", requesterId = $"{_p}c{t % 4}", machineId, chatEnabled = true, createdAt = start });
            for (var k = 0; k < 2; k++)
                AddSession(ticketId, machineId, $"{_p}s{t}-{k}", start + (t * 2 + k) * hour, ended: true, $"{_p}c{t % 4}");
        }
        AddSession(ActiveTicketId, OnlineMachineId, $"{_p}s0-active", now - hour, ended: false, $"{_p}c0", unreadByMachine: 2, unreadByAgent: 3);

        Add("tickets", new { _id = $"{_p}xt", _creationTime = start, tenantId = OtherTenant, reference = 1, subject = "Outro", requesterId = $"{_p}x0" });
        Add("liveChatSessions", new { _id = $"{_p}xs", _creationTime = start, tenantId = OtherTenant, ticketId = $"{_p}xt", machineId = $"{_p}m0", agentId = $"{_p}x0", status = "ENDED", startedAt = start, endedAt = start + 1 });
        Add("ticketChatMessages", new { _id = $"{_p}xm", _creationTime = start, tenantId = OtherTenant, ticketId = $"{_p}xt", authorId = $"{_p}x0", body = "segredo", createdAt = start });
        Add("ticketEvents", new { _id = $"{_p}xe", _creationTime = start, ticketId = ActiveTicketId, type = "TICKET_CREATED", payload = new { }, createdAt = start });
    }

    void AddSession(string ticketId, string machineId, string sessionId, long startedAt, bool ended, string clientId, int unreadByMachine = 0, int unreadByAgent = 0)
    {
        var count = ended ? 6 : 5;
        var endedAt = startedAt + 30 * 60_000;
        Add("liveChatSessions", new
        {
            _id = sessionId, _creationTime = startedAt + 0.1, tenantId = Tenant, ticketId, machineId, agentId = AgentId,
            agentSnapshot = new { name = "Beto Agente", email = "beto@x" }, status = ended ? "ENDED" : "ACTIVE", startedAt,
            lastActivityAt = startedAt + count * 60_000, endedAt = ended ? endedAt : (long?)null, unreadByMachine, unreadByAgent,
        });
        Add("ticketEvents", new { _id = sessionId + "e1", _creationTime = startedAt, ticketId, type = "LIVE_CHAT_STARTED", payload = new { sessionId, agentId = AgentId, agentName = "Beto Agente", machineHostname = "PC" }, createdAt = startedAt });
        if (ended)
            Add("ticketEvents", new { _id = sessionId + "e2", _creationTime = endedAt, ticketId, type = "LIVE_CHAT_ENDED", payload = new { sessionId, agentId = AgentId, agentName = "Beto Agente", durationMs = endedAt - startedAt, startedAt, endedAt, autoEnded = true, reason = "inatividade_chat" }, createdAt = endedAt });
        for (var i = 0; i < count; i++)
        {
            var fromAgent = i % 2 == 0;
            var author = fromAgent ? AgentId : clientId;
            var createdAt = startedAt + (i + 1) * 60_000;
            object[] attachments = !ended && i == 1 ? [new { storageId = $"{_p}f-png", name = "tela.png", size = Png.Length, type = "image/png" }, new { storageId = $"{_p}f-gone", name = "perdido.pdf", type = "application/pdf" }]
                : !ended && i == 2 ? [new { storageId = $"{_p}f-pdf", name = "manual.pdf", type = "application/pdf" }, new { storageId = $"{_p}f-exe", name = "setup.exe", type = "application/octet-stream" }]
                : [];
            Add("ticketChatMessages", new
            {
                _id = $"{sessionId}-m{i}", _creationTime = createdAt + 0.3, tenantId = Tenant, ticketId, authorId = author,
                authorSnapshot = new { name = fromAgent ? "Beto Agente" : "Cliente" }, body = $"mensagem {i} de {sessionId}",
                attachments, createdAt, updatedAt = createdAt,
                readBy = ended ? new object[] { new { userId = author, readAt = createdAt }, new { userId = fromAgent ? clientId : AgentId, readAt = createdAt + 5_000 } } : [new { userId = author, readAt = createdAt }],
            });
            Messages++;
        }
        if (!ended)
        {
            _files[$"_storage/{_p}f-png.png"] = Png;
            _files[$"_storage/{_p}f-pdf"] = Pdf;
            _files[$"_storage/{_p}f-exe"] = [0x4D, 0x5A, 0x90, 0x00];
        }
    }

    public void Add(string table, object row) => AddLine(table, JsonSerializer.Serialize(row));
    public void AddLine(string table, string line) => (_tables.TryGetValue(table, out var rows) ? rows : _tables[table] = []).Add(line);

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// The ZIP in the layout `npx convex export --include-file-storage` writes: README.md, _tables/documents.jsonl
    /// (the table list), a folder per table with documents.jsonl and generated_schema.jsonl, _storage/documents.jsonl
    /// (each file's id, size, content type and base64 SHA-256) beside the files, with or without an extension, and
    /// _components/ holding the tables of installed components — here one whose table has the name of one of ours,
    /// which is not the app's and must stay out, beside another module's table at the top.
    /// </summary>
    public string Write()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("convex").FullName, "snapshot.zip");
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        void Text(string name, string text)
        {
            using var w = new StreamWriter(zip.CreateEntry(name).Open());
            w.Write(text);
        }
        Text("README.md", "This is a Convex snapshot export.\n");
        var tables = _tables.Keys.Append("auditLogs").ToList();
        Text("_tables/documents.jsonl", string.Concat(tables.Select((t, i) => JsonSerializer.Serialize(new { name = t, id = 10_001 + i }) + "\n")));
        foreach (var (table, rows) in _tables.Append(new("auditLogs", [JsonSerializer.Serialize(new { _id = $"{_p}al", _creationTime = 1.0, tenantId = Tenant, action = "login" })])))
        {
            Text($"{table}/documents.jsonl", string.Join('\n', rows) + "\n");
            Text($"{table}/generated_schema.jsonl", "\"any\"\n");
        }
        Text("_components/aggregate/ticketChatMessages/documents.jsonl", JsonSerializer.Serialize(new
        {
            _id = ComponentMessageId, _creationTime = 1.0, tenantId = Tenant, ticketId = ActiveTicketId, authorId = AgentId, body = "do componente", createdAt = 1,
        }) + "\n");
        Text("_storage/documents.jsonl", string.Concat(_files.Select(f => JsonSerializer.Serialize(new
        {
            _id = Path.GetFileNameWithoutExtension(f.Key), _creationTime = 1.0, sha256 = Convert.ToBase64String(SHA256.HashData(DamagePdf && f.Key.EndsWith("f-pdf") ? [] : f.Value)),
            size = f.Value.Length, contentType = f.Key.EndsWith(".png") ? "image/png" : "application/octet-stream",
        }) + "\n")));
        foreach (var (name, bytes) in _files)
            using (var s = zip.CreateEntry(name).Open()) s.Write(bytes);
        return path;
    }

    public string ComponentMessageId => $"{_p}comp";

    /// <summary>The PDF's bytes no longer match the SHA-256 the export recorded for them.</summary>
    public bool DamagePdf { get; set; }
}

public sealed class ConvexImportTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    ConvexImporter Importer(TextWriter? progress = null) => new(app.Store, app.Get<Core.Chat.MachineInbox>(), app.Get<BlobStore>(), app.Get<IOptions<UploadOptions>>().Value, progress ?? TextWriter.Null);
    static long Now => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    async Task<int> CountAsync(Container container, string tenant) =>
        (await container.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.tenantId = @t").WithParameter("@t", tenant), ContainerExtensions.AllPartitions, default)).Count;

    [Fact]
    public async Task A_snapshot_imports_and_the_service_serves_it_old_machine_token_included()
    {
        var snapshot = new ConvexSnapshotBuilder(Now);
        var report = await Importer().RunAsync(snapshot.Write(), snapshot.Tenant, dryRun: false, default);
        var output = new StringWriter();
        report.Write(output);

        Assert.Null(report.Fatal);
        Assert.Equal(41, report.Counts["liveChatSessions"].Imported);
        Assert.Equal(snapshot.Messages, report.Counts["ticketChatMessages"].Imported);
        Assert.Equal(81, report.Counts["ticketEvents"].Imported);
        Assert.Equal((20, 4, 4, 5), (report.Counts["tickets"].Imported, report.Counts["machines"].Imported, report.Counts["machineTokens"].Imported, report.Counts["users"].Imported));
        Assert.Equal(1, report.Counts["liveChatSessions"].OtherTenants);
        Assert.Equal(2, report.Counts["_storage"].Imported);
        Assert.Contains(report.FilesMissing, f => f.Contains("perdido.pdf"));
        Assert.Contains(report.FilesRefused, f => f.Contains("setup.exe") && f.Contains("not allowed"));
        Assert.Empty(report.Skipped);
        Assert.Equal(0, await CountAsync(app.Store.Messages, snapshot.OtherTenant));

        // The desktop agent keeps its token: its active session, with the unread count it had.
        var machine = app.ClientWithToken(snapshot.MachineToken);
        var sessions = await (await machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync();
        var active = Assert.Single(sessions.EnumerateArray());
        Assert.Equal((snapshot.ActiveTicketId, 2L), (active.GetProperty("ticketId").GetString(), active.GetProperty("unreadCount").GetInt64()));

        // A machine revoked in Convex is refused, and its token is stored revoked; the ticket claims its active session.
        await (await app.ClientWithToken(snapshot.RevokedMachineToken).GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_revoked");
        var revokedToken = MachineTokens.Hash(snapshot.RevokedMachineToken);
        Assert.True((await app.Store.MachineTokens.ReadItemAsync<MachineTokenDocument>(revokedToken, new PartitionKey(revokedToken))).Resource.Revoked);
        var ticket = (await app.Store.Tickets.ReadItemAsync<TicketDocument>(snapshot.ActiveTicketId, new PartitionKey(snapshot.ActiveTicketId))).Resource;
        Assert.Equal(active.GetProperty("sessionId").GetString(), ticket.ActiveSession?.SessionId);

        // The agent (the Convex user id is the subject here) sees the history grouped by session, and the unread count.
        var agent = app.ClientWithToken(app.AgentToken(snapshot.AgentId));
        var history = await (await agent.GetAsync($"/api/tickets/{snapshot.ActiveTicketId}/chat/history")).OkJsonAsync();
        Assert.Equal([5, 6, 6], history.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("messageCount").GetInt32()));
        Assert.Equal(["ACTIVE", "ENDED", "ENDED"], history.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
        Assert.Equal("inatividade_chat", history.GetProperty("sessions")[1].GetProperty("endReason").GetString());
        var list = await (await agent.GetAsync($"/api/tickets/{snapshot.ActiveTicketId}/chat/messages")).OkJsonAsync();
        Assert.Equal(3, list.GetProperty("unreadCount").GetInt64());
        var withFile = list.GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("attachments").GetArrayLength() > 0 && m.GetProperty("isFromMachine").GetBoolean());
        var png = withFile.GetProperty("attachments").EnumerateArray().Single();
        Assert.Equal("tela.png", png.GetProperty("name").GetString());
        using var download = new HttpClient();
        Assert.Equal(snapshot.PngBytes, await download.GetByteArrayAsync(png.GetProperty("url").GetString()));

        // An ended session's ticks come from readBy; the timeline events carry the service's own ids.
        var ended = await app.Store.Messages.ReadItemAsync<MessageDocument>($"{history.GetProperty("sessions")[1].GetProperty("sessionId").GetString()}-m0", new PartitionKey(snapshot.ActiveTicketId));
        Assert.NotNull(ended.Resource.ReadByMachineAt);
        Assert.NotNull(await app.Store.Events.ReadOrNullAsync<TicketEventDocument>(Timeline.StartedEventId(active.GetProperty("sessionId").GetString()!), snapshot.ActiveTicketId, default));
        Assert.Contains("Done.", output.ToString());
    }

    [Fact]
    public async Task Convexs_order_is_kept_for_messages_sharing_a_millisecond_and_a_message_between_sessions_goes_to_the_next_one()
    {
        var snapshot = new ConvexSnapshotBuilder(Now);
        var p = snapshot.Prefix;
        var tie = Now - 10 * 60_000;
        // Convex lists by (createdAt, _creationTime): z, m, a. Their ids sort the other way.
        foreach (var (id, fraction) in new[] { ("z", 0.1), ("m", 0.2), ("a", 0.3) })
            snapshot.Add("ticketChatMessages", new
            {
                _id = $"{p}tie-{id}", _creationTime = tie + fraction, tenantId = snapshot.Tenant, ticketId = snapshot.ActiveTicketId,
                authorId = snapshot.AgentId, body = $"empate {id}", createdAt = tie,
            });
        // Sessions of ticket 0: s0-0 from start for 30 min, s0-1 an hour after start. This one is in between.
        var start = Now - 48 * 3_600_000L;
        snapshot.Add("ticketChatMessages", new
        {
            _id = $"{p}gap", _creationTime = start + 45 * 60_000 + 0.5, tenantId = snapshot.Tenant, ticketId = snapshot.ActiveTicketId,
            authorId = snapshot.AgentId, body = "entre sessões", createdAt = start + 45 * 60_000,
        });
        snapshot.DamagePdf = true;

        var report = await Importer().RunAsync(snapshot.Write(), snapshot.Tenant, dryRun: false, default);
        Assert.Null(report.Fatal);
        Assert.Empty(report.Skipped);
        Assert.Equal(snapshot.Messages + 4, report.Counts["ticketChatMessages"].Imported);
        Assert.Contains(report.OutsideSessions, line => line.Contains($"{p}gap") && line.Contains($"session {p}s0-1"));
        var output = new StringWriter();
        report.Write(output);
        Assert.Contains("Messages outside every session", output.ToString());
        Assert.Contains(report.FilesRefused, f => f.Contains("manual.pdf") && f.Contains("SHA-256"));
        Assert.Equal(1, report.Counts["_storage"].Imported);

        var machine = app.ClientWithToken(snapshot.MachineToken);
        var newest = await (await machine.GetAsync($"/api/machine/tickets/{snapshot.ActiveTicketId}/chat/messages?limit=3")).OkJsonAsync();
        Assert.Equal(["empate z", "empate m", "empate a"], newest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        Assert.Equal([tie, tie + 1, tie + 2], newest.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("createdAt").GetInt64()));
        var gap = await app.Store.Messages.ReadItemAsync<MessageDocument>($"{p}gap", new PartitionKey(snapshot.ActiveTicketId));
        Assert.Equal($"{p}s0-1", gap.Resource.SessionId);
        Assert.Null(await app.Store.Messages.ReadOrNullAsync<MessageDocument>(snapshot.ComponentMessageId, snapshot.ActiveTicketId, default));
    }

    [Fact]
    public async Task A_second_run_changes_nothing_and_says_so()
    {
        var snapshot = new ConvexSnapshotBuilder(Now);
        var path = snapshot.Write();
        await Importer().RunAsync(path, snapshot.Tenant, dryRun: false, default);
        var second = await Importer().RunAsync(path, snapshot.Tenant, dryRun: false, default);
        Assert.True(second.ChangedNothing);
        Assert.Equal(snapshot.Messages, second.Counts["ticketChatMessages"].AlreadyPresent);
        Assert.Equal(2, second.Counts["_storage"].AlreadyPresent);
        var output = new StringWriter();
        second.Write(output);
        Assert.Contains("Nothing changed", output.ToString());
        Assert.Equal(snapshot.Messages, await CountAsync(app.Store.Messages, snapshot.Tenant));
    }

    [Fact]
    public async Task An_interrupted_import_resumes_where_it_stopped()
    {
        var snapshot = new ConvexSnapshotBuilder(Now);
        var path = snapshot.Write();
        using var crash = new CancellationTokenSource();
        // Stops mid-way through the messages, as a killed process would.
        var progress = new CallbackWriter(line => { if (line.StartsWith("ticketChatMessages:") && line.Contains("rows/s")) crash.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Importer(progress).RunAsync(path, snapshot.Tenant, dryRun: false, crash.Token));
        var before = await CountAsync(app.Store.Messages, snapshot.Tenant);
        Assert.InRange(before, 1, snapshot.Messages - 1);
        Assert.Equal(0, await CountAsync(app.Store.Users, snapshot.Tenant));

        var resumed = await Importer().RunAsync(path, snapshot.Tenant, dryRun: false, default);
        Assert.Equal(snapshot.Messages - before, resumed.Counts["ticketChatMessages"].Imported);
        Assert.Equal(before, resumed.Counts["ticketChatMessages"].AlreadyPresent);
        Assert.Equal(41, resumed.Counts["liveChatSessions"].AlreadyPresent);
        Assert.Equal(snapshot.Messages, await CountAsync(app.Store.Messages, snapshot.Tenant));
        Assert.Equal(5, await CountAsync(app.Store.Users, snapshot.Tenant));
    }

    [Fact]
    public async Task A_dry_run_validates_everything_and_writes_nothing()
    {
        var snapshot = new ConvexSnapshotBuilder(Now);
        var report = await Importer().RunAsync(snapshot.Write(), snapshot.Tenant, dryRun: true, default);
        Assert.Equal(snapshot.Messages, report.Counts["ticketChatMessages"].Imported);
        Assert.Contains(report.FilesRefused, f => f.Contains("setup.exe"));
        foreach (var container in new[] { app.Store.Tickets, app.Store.Machines, app.Store.MachineTokens, app.Store.Sessions, app.Store.Messages, app.Store.Events, app.Store.Users })
            Assert.Equal(0, await CountAsync(container, snapshot.Tenant));
        Assert.Null(await app.Store.MachineTokens.ReadOrNullAsync<MachineTokenDocument>(ConvexSnapshotBuilder.Hash(snapshot.MachineToken), ConvexSnapshotBuilder.Hash(snapshot.MachineToken), default));
        var output = new StringWriter();
        report.Write(output);
        Assert.Contains("nothing written", output.ToString());
    }

    [Fact]
    public async Task Bad_rows_are_reported_with_their_table_and_line_and_the_rest_imports()
    {
        var snapshot = new ConvexSnapshotBuilder(Now);
        snapshot.Add("tickets", new { _id = "bad-t1", tenantId = snapshot.Tenant, subject = "Com campo novo", requesterId = "x", priority = "HIGH", machineId = snapshot.OnlineMachineId });
        snapshot.Add("ticketChatMessages", new { _id = "bad-m1", tenantId = snapshot.Tenant, ticketId = snapshot.ActiveTicketId, authorId = snapshot.AgentId, createdAt = Now });
        snapshot.Add("ticketChatMessages", new { _id = "bad-m2", tenantId = snapshot.Tenant, ticketId = "nope", authorId = snapshot.AgentId, body = "x", createdAt = Now });
        snapshot.AddLine("ticketChatMessages", "{\"_id\": \"bad-m3\", \"body\": ");
        snapshot.Add("ticketChatMessages", new { _id = "bad-m4", tenantId = snapshot.Tenant, ticketId = snapshot.ActiveTicketId, authorId = snapshot.AgentId, body = 42, createdAt = Now });
        snapshot.Add("machineTokens", new { _id = "bad-k1", tenantId = snapshot.Tenant, machineId = "ghost", tokenHash = new string('a', 64), expiresAt = Now });

        var report = await Importer().RunAsync(snapshot.Write(), snapshot.Tenant, dryRun: false, default);
        Assert.Null(report.Fatal);
        Assert.Contains(report.Warnings, w => w == "table tickets: fields the service does not use, ignored: priority");
        Assert.Contains(report.Skipped, s => s.StartsWith("ticketChatMessages line ") && s.Contains("(_id bad-m1): missing required field body"));
        Assert.Contains(report.Skipped, s => s.Contains("(_id bad-m2): ticketId nope refers to no ticket"));
        Assert.Contains(report.Skipped, s => s.StartsWith("ticketChatMessages line ") && s.Contains("not valid JSON"));
        Assert.Contains(report.Skipped, s => s.Contains("(_id bad-m4): field body is not of the type the reference wrote"));
        Assert.Contains(report.Skipped, s => s.Contains("machineTokens") && s.Contains("machineId ghost refers to no machine"));
        Assert.Equal(snapshot.Messages, report.Counts["ticketChatMessages"].Imported);
        Assert.NotNull(await app.Store.Tickets.ReadOrNullAsync<TicketDocument>("bad-t1", "bad-t1", default));
        Assert.Null(await app.Store.Messages.ReadOrNullAsync<MessageDocument>("bad-m1", snapshot.ActiveTicketId, default));
    }

    [Fact]
    public async Task A_truncated_zip_is_reported_not_thrown()
    {
        var snapshot = new ConvexSnapshotBuilder(Now);
        var path = snapshot.Write();
        var bytes = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, bytes[..(bytes.Length / 2)]);
        var report = await Importer().RunAsync(path, snapshot.Tenant, dryRun: false, default);
        Assert.Contains("is not a readable ZIP", report.Fatal);
        Assert.Equal(0, await CountAsync(app.Store.Tickets, snapshot.Tenant));
    }

    sealed class CallbackWriter(Action<string> onLine) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            onLine(value ?? "");
        }
    }
}
