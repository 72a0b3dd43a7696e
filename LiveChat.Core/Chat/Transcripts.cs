using System.Globalization;
using System.Text;
using System.Text.Json;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Chat;

/// <summary>A transcript to stream: its file name, media type and the writer of its content.</summary>
public sealed record Transcript(string FileName, string ContentType, Func<Stream, CancellationToken, Task> WriteAsync);

/// <summary>
/// A ticket's whole chat — every session and message in order — as JSON, text or CSV, written a page of messages at a
/// time (constant memory for any number of messages; the ticket's session list is held, one small summary each).
/// </summary>
public sealed class Transcripts(CosmosStore store, ChatAccess access, MessagePages messages, MessageAttachments attachments,
    IOptions<LiveChatOptions> options)
{
    const int PageSize = 500;
    static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public async Task<Transcript> ExportAsync(AgentCaller agent, string ticketId, string? format, CancellationToken ct)
    {
        var kind = (format ?? "json").ToLowerInvariant();
        if (kind is not ("json" or "txt" or "csv")) throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.TranscriptFormat);
        agent.RequireStaff(ErrorCatalog.ForbiddenRoleView);
        var ticket = await access.TicketForAgentAsync(agent, ticketId, ct);
        var sessions = await store.Sessions.QueryAsync<SessionDocument>(new QueryDefinition(
                "SELECT * FROM c WHERE c.ticketId = @ticketId AND c.tenantId = @tenantId ORDER BY c.startedAt")
            .WithParameter("@ticketId", ticketId).WithParameter("@tenantId", agent.TenantId), SessionDocument.TenantPrefix(agent.TenantId), ct);
        var file = $"ticket-{ticket.Reference}-chat.{kind}";
        return kind switch
        {
            "txt" => new Transcript(file, "text/plain; charset=utf-8", (s, t) => WriteTextAsync(ticket.Reference, ticket.Subject, ticketId, sessions, s, t)),
            "csv" => new Transcript(file, "text/csv; charset=utf-8", (s, t) => WriteCsvAsync(ticketId, s, t)),
            _ => new Transcript(file, "application/json", (s, t) => WriteJsonAsync(ticket.Reference, ticket.Subject, ticketId, sessions, s, t)),
        };
    }

    /// <summary>The ticket's messages in (createdAt, id) order, a page at a time, with fresh read links.</summary>
    async IAsyncEnumerable<(MessageDocument Message, List<AttachmentView> Attachments)> MessagesAsync(string ticketId,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        MessageCursor? after = new MessageCursor(0, "");
        while (true)
        {
            var (page, _) = await messages.PageAsync(ticketId, new MessagePages.PageRequest(after, PageSize), ct);
            foreach (var m in page) yield return (m, await attachments.ToViewsAsync(m.Attachments, ct));
            if (page.Count < PageSize) yield break;
            after = MessageCursor.Of(page[^1]);
        }
    }

    async Task WriteJsonAsync(long reference, string subject, string ticketId, List<SessionDocument> sessions, Stream stream, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("ticketId", ticketId);
        json.WriteNumber("ticketRef", reference);
        json.WriteString("ticketSubject", subject);
        json.WriteStartArray("sessions");
        foreach (var s in sessions)
        {
            json.WriteStartObject();
            json.WriteString("sessionId", s.Id);
            json.WriteString("agentName", s.AgentSnapshot.Name);
            json.WriteString("machineName", s.MachineHostname);
            json.WriteString("status", s.Status);
            json.WriteString("startedAt", Iso(s.StartedAt));
            if (s.EndedAt is { } ended) json.WriteString("endedAt", Iso(ended)); else json.WriteNull("endedAt");
            json.WriteString("endReason", s.EndReason);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("messages");
        var written = 0;
        await foreach (var (m, files) in MessagesAsync(ticketId, ct))
        {
            json.WriteStartObject();
            json.WriteString("id", m.Id);
            json.WriteString("sessionId", m.SessionId);
            json.WriteString("createdAt", Iso(m.CreatedAt));
            json.WriteString("author", m.AuthorSnapshot.Name);
            json.WriteBoolean("isFromMachine", m.FromMachine);
            json.WriteString("body", m.Body);
            if (m.ReadByMachineAt is { } byMachine) json.WriteString("readByMachineAt", Iso(byMachine)); else json.WriteNull("readByMachineAt");
            if (m.ReadByAgentAt is { } byAgent) json.WriteString("readByAgentAt", Iso(byAgent)); else json.WriteNull("readByAgentAt");
            if (m.EditedAt is { } edited) json.WriteString("editedAt", Iso(edited)); else json.WriteNull("editedAt");
            if (m.DeletedAt is { } deleted) json.WriteString("deletedAt", Iso(deleted)); else json.WriteNull("deletedAt");
            json.WriteStartArray("attachments");
            foreach (var a in files)
            {
                json.WriteStartObject();
                json.WriteString("name", a.Name);
                json.WriteNumber("size", a.Size);
                json.WriteString("type", a.Type);
                json.WriteString("url", a.Url);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
            if (++written % PageSize == 0) await json.FlushAsync(ct);
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    async Task WriteCsvAsync(string ticketId, Stream stream, CancellationToken ct)
    {
        await using var csv = new StreamWriter(stream, Utf8, 64 * 1024, leaveOpen: true) { NewLine = "\r\n" }; // RFC 4180
        await csv.WriteLineAsync("sessionId,messageId,createdAt,author,isFromMachine,body,attachments,readByMachineAt,readByAgentAt,editedAt,deletedAt");
        await foreach (var (m, files) in MessagesAsync(ticketId, ct))
            await csv.WriteLineAsync(string.Join(',', [
                Field(m.SessionId), Field(m.Id), Iso(m.CreatedAt), Field(m.AuthorSnapshot.Name), m.FromMachine ? "true" : "false",
                Field(m.Body), Field(string.Join(" | ", files.Select(a => $"{a.Name} {a.Url}"))),
                m.ReadByMachineAt is { } byMachine ? Iso(byMachine) : "", m.ReadByAgentAt is { } byAgent ? Iso(byAgent) : "",
                m.EditedAt is { } edited ? Iso(edited) : "", m.DeletedAt is { } deleted ? Iso(deleted) : ""]));
        await csv.FlushAsync(ct);
    }

    async Task WriteTextAsync(long reference, string subject, string ticketId, List<SessionDocument> sessions, Stream stream, CancellationToken ct)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);
        string Local(long ms) => TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), zone).ToString("dd/MM/yyyy HH:mm:ss", CultureInfo.InvariantCulture);
        var byId = sessions.ToDictionary(s => s.Id);
        await using var text = new StreamWriter(stream, Utf8, 64 * 1024, leaveOpen: true);
        await text.WriteLineAsync(ChatTexts.Title(reference, subject));
        await text.WriteLineAsync(ChatTexts.TimesIn(options.Value.TimeZone));
        string? current = null;
        await foreach (var (m, files) in MessagesAsync(ticketId, ct))
        {
            if (m.SessionId != current)
            {
                current = m.SessionId;
                var header = byId.TryGetValue(current, out var s)
                    ? ChatTexts.Session(s.AgentSnapshot.Name, s.MachineHostname, Local(s.StartedAt), s.EndedAt is { } e ? Local(e) : null, s.EndReason)
                    : ChatTexts.UnknownSession(current);
                await text.WriteLineAsync($"\n== {header} ==");
            }
            var attached = files.Count == 0 ? "" : ChatTexts.Attachments(files.Select(a => $"{a.Name} <{a.Url}>"));
            var mark = m.DeletedAt is not null ? ChatTexts.Deleted : m.EditedAt is not null ? ChatTexts.Edited : "";
            await text.WriteLineAsync($"[{Local(m.CreatedAt)}] {m.AuthorSnapshot.Name}: {m.Body}{attached}{mark}");
        }
        await text.FlushAsync(ct);
    }

    static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// A text cell, RFC 4180: quoted when it holds a comma, quote or line break, quotes doubled. A cell a spreadsheet would run as a formula (one starting with =, +, -, @,
    /// a tab or a carriage return: anyone on either side of the chat can write one) gets a leading apostrophe, as
    /// OWASP's CSV injection guidance says, so Excel and LibreOffice show it as text.
    /// </summary>
    static string Field(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
    }
}
