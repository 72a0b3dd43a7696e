using LiveChat.Core.Uploads;
using LiveChat.Core.Identity;
using System.Globalization;
using System.Text.Json;
using CsvHelper;
using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

public sealed class TranscriptTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    /// <summary>
    /// A cell a spreadsheet would evaluate (=, +, -, @, tab, carriage return first) gets a leading apostrophe in body,
    /// author and file-name cells; every other body comes back exactly from a CSV parser.
    /// </summary>
    [Fact]
    public async Task A_csv_transcript_never_holds_a_formula_and_every_other_body_round_trips()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var session = (await app.Store.SessionAsync(sessionId));
        string[] formulas = ["=HYPERLINK(\"http://evil\",\"clique\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"];
        string[] plain = ["vírgula, \"aspas\"\ne quebra\r\nCRLF", "emoji 👍🏽 e acentuação", "a=b", " =com espaço", "'já com apóstrofo", ""];
        var bodies = formulas.Concat(plain).ToList();
        for (var i = 0; i < bodies.Count; i++)
            await app.Store.Messages.CreateItemAsync(new MessageDocument
            {
                Id = $"x{i:D2}", TicketId = chat.TicketId, TenantId = session.TenantId, SessionId = sessionId, AuthorId = "a",
                AuthorSnapshot = new(i == 0 ? "=cmd|' /C calc'!A0" : "Beto"), FromMachine = true, CreatedAt = 1_800_000_000_000 + i, Body = bodies[i],
                Attachments = i == 0 ? [new AttachmentRef($"{session.TenantId}/x/=evil.pdf", "=evil.pdf", 10, "application/pdf")] : [],
            }, new PartitionKey(chat.TicketId));

        var text = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/transcript?format=csv")).Content.ReadAsStringAsync();
        using var csv = new CsvReader(new StringReader(text), CultureInfo.InvariantCulture);
        var rows = csv.GetRecords<dynamic>().Cast<IDictionary<string, object>>().ToList();

        Assert.Equal(bodies.Count, rows.Count);
        Assert.Equal(formulas.Select(f => "'" + f), rows.Take(formulas.Length).Select(r => (string)r["body"]));
        Assert.Equal(plain, rows.Skip(formulas.Length).Select(r => (string)r["body"]));
        Assert.Equal("'=cmd|' /C calc'!A0", rows[0]["author"]);
        Assert.StartsWith("'=evil.pdf http", (string)rows[0]["attachments"]);
        Assert.All(rows.SelectMany(r => r.Values.Cast<string>()), cell => Assert.False(cell.Length > 0 && cell[0] is '=' or '+' or '-' or '@' or '\t' or '\r', cell));
    }

    [Fact]
    public async Task Five_thousand_messages_export_in_order_as_json_csv_and_text()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var session = (await app.Store.SessionAsync(sessionId));
        var start = new DateTimeOffset(2026, 11, 26, 15, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
        await Parallel.ForEachAsync(Enumerable.Range(0, 5000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var message = new MessageDocument
            {
                Id = $"m{i:D5}", TicketId = chat.TicketId, TenantId = session.TenantId, SessionId = sessionId, AuthorId = "a",
                AuthorSnapshot = new("Beto"), FromMachine = i % 2 == 1, CreatedAt = start + i / 2 * 1000,
                Body = i == 0 ? "vírgula, \"aspas\"\ne quebra" : $"mensagem {i}",
            };
            await app.Store.Messages.CreateItemAsync(message, new PartitionKey(chat.TicketId), cancellationToken: ct);
        });
        var path = $"/api/tickets/{chat.TicketId}/chat/transcript";

        var json = await chat.Agent.GetAsync(path + "?format=json");
        Assert.Equal("ticket-1-chat.json", json.Content.Headers.ContentDisposition?.FileName);
        var document = await json.JsonAsync();
        var ids = document.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => $"m{i:D5}"), ids);
        Assert.Equal("2026-11-26T15:00:00.000Z", document.GetProperty("messages")[0].GetProperty("createdAt").GetString());
        Assert.Equal(sessionId, document.GetProperty("sessions").EnumerateArray().Single().GetProperty("sessionId").GetString());

        var csv = await chat.Agent.GetAsync(path + "?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var text = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("sessionId,messageId,createdAt,author,isFromMachine,body,attachments,readByMachineAt,readByAgentAt,editedAt,deletedAt", text);
        Assert.Contains($"{sessionId},m00000,2026-11-26T15:00:00.000Z,Beto,false,\"vírgula, \"\"aspas\"\"\ne quebra\",,,,,\r\n", text);
        Assert.Equal(5001 + 1 + 1, text.Split('\n').Length); // header and 5,000 lines (CRLF), one line break inside a body, the end
        Assert.True(text.IndexOf(",m04999,", StringComparison.Ordinal) > text.IndexOf(",m04998,", StringComparison.Ordinal));

        var txt = await (await chat.Agent.GetAsync(path + "?format=txt")).Content.ReadAsStringAsync();
        Assert.StartsWith("Ticket #1 — Impressora não imprime", txt);
        Assert.Contains("[26/11/2026 12:00:00] Beto: vírgula", txt); // America/Sao_Paulo, UTC-3
        Assert.Contains("[26/11/2026 12:41:39] Beto: mensagem 4999", txt);

        await (await chat.Agent.GetAsync(path + "?format=xml")).AssertProblemAsync(400, "validation_failed");
        var (_, collaborator) = await chat.Tenant.UserAsync("COLLABORATOR");
        await (await collaborator.GetAsync(path)).AssertProblemAsync(403, "forbidden_role");
        var stranger = await app.TenantAsync();
        var (_, outsider) = await stranger.UserAsync();
        await (await outsider.GetAsync(path)).AssertProblemAsync(404, "ticket_not_found");
    }
}

/// <summary>The export is written while it is read: a page of messages at a time, never the whole chat in memory.</summary>
public sealed class TranscriptStreamingTests(CoreApp app) : IClassFixture<CoreApp>
{
    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    [InlineData("txt")]
    public async Task Five_thousand_messages_reach_the_stream_between_page_reads(string format)
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var body = new string('x', 200);
        await Parallel.ForEachAsync(Enumerable.Range(0, 5000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await app.Store.Messages.CreateItemAsync(new MessageDocument
            {
                Id = $"m{i:D5}", TicketId = chat.TicketId, TenantId = chat.Admin.TenantId, SessionId = sessionId, AuthorId = "a",
                AuthorSnapshot = new("Beto"), CreatedAt = 1_790_000_000_000 + i, Body = body,
            }, new PartitionKey(chat.TicketId), cancellationToken: ct));

        var transcript = await app.Get<Transcripts>().ExportAsync(chat.Agent, chat.TicketId, format, default);
        var before = app.RoundTrips;
        var output = new WatchedStream(() => app.RoundTrips - before);
        await transcript.WriteAsync(output, default);

        // 5,000 messages are 10 pages of 500: the output must have been written after each of them was read, so at
        // most one page (and a 64 KB writer buffer) is held at a time.
        var pagesRead = app.RoundTrips - before;
        Assert.InRange(pagesRead, 10, 12);
        Assert.True(output.RoundTripsAtWrites.Distinct().Count() >= 10, $"writes after round trips {string.Join(',', output.RoundTripsAtWrites.Distinct())}");
        Assert.InRange(output.Length, 5000 * body.Length, 5000 * (body.Length + 300));
        Assert.InRange(output.LargestWrite, 1, 2 * 1024 * 1024);
    }

    sealed class WatchedStream(Func<long> roundTrips) : MemoryStream
    {
        public List<long> RoundTripsAtWrites { get; } = [];
        public int LargestWrite { get; private set; }

        public override void Write(byte[] buffer, int offset, int count) => Record(count, () => base.Write(buffer, offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            RoundTripsAtWrites.Add(roundTrips());
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            base.Write(buffer);
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct)
        {
            Record(count, () => base.Write(buffer, offset, count));
            return Task.CompletedTask;
        }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
        {
            Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        void Record(int count, Action write)
        {
            RoundTripsAtWrites.Add(roundTrips());
            LargestWrite = Math.Max(LargestWrite, count);
            write();
        }
    }
}
