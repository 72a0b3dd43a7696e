using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using LiveChat.Tests.Infrastructure;
using static LiveChat.Tests.Infrastructure.UploadSteps;

namespace LiveChat.Tests.Uploads;

public sealed class AttachmentTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static readonly HttpClient Storage = new();

    static async Task<HttpResponseMessage> PutAsync(string url, byte[] bytes, string contentType, bool ifNoneMatch = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        if (ifNoneMatch) request.Headers.Add("If-None-Match", "*");
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await Storage.SendAsync(request);
    }

    /// <summary>A PNG's signature followed by filler: what a real screenshot starts with.</summary>
    static byte[] Png(int length) =>
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Enumerable.Range(0, length - 8).Select(i => (byte)(i % 251))];

    [Theory]
    [InlineData("foto tela.txt")]
    [InlineData("relatório ç ã.txt")]
    [InlineData("a#b?c%d+e.txt")]
    [InlineData("😀 emoji.txt")]
    [InlineData("relatorio..final.txt")]
    public async Task Any_allowed_name_gets_a_valid_upload_url_and_can_be_attached(string fileName)
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var ticket = await RequestUploadAsync(chat.Machine, fileName, "text/plain", 2);
        var url = ticket.GetProperty("uploadUrl").GetString()!;
        // RFC 3986: only unreserved, reserved and percent-encoded characters, so curl and urllib accept it as given.
        Assert.Matches("^https?://[A-Za-z0-9._~:/?@!$&'()*+,;=%-]+$", url);

        Assert.Equal(HttpStatusCode.Created, (await PutAsync(url, "oi"u8.ToArray(), "text/plain")).StatusCode);
        await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages",
            new { body = "anexo", attachments = new[] { new { storageId = ticket.GetProperty("attachmentId").GetString() } } })).OkJsonAsync(201);
        var seen = (await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync()).GetProperty("messages")[0].GetProperty("attachments")[0];
        Assert.Equal("oi"u8.ToArray(), await Storage.GetByteArrayAsync(seen.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task A_file_whose_bytes_do_not_match_its_declared_type_is_refused_and_deleted()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        byte[] executable = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF];
        var ticket = await RequestUploadAsync(chat.Machine, "photo.png", "image/png", executable.Length);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(ticket.GetProperty("uploadUrl").GetString()!, executable, "image/png")).StatusCode);
        var id = ticket.GetProperty("attachmentId").GetString();

        await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages",
            new { body = "foto", attachments = new[] { new { storageId = id } } })).AssertProblemAsync(400, "file_type_not_allowed");
        await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages",
            new { body = "foto", attachments = new[] { new { storageId = id } } })).AssertProblemAsync(400, "attachment_not_found");
        Assert.Empty((await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync()).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Deleting_a_message_deletes_its_blobs()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var id = await UploadAsync(chat.Machine, "tela.png", "image/png", Png(64));
        var posted = await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages",
            new { body = "tela", attachments = new[] { new { storageId = id } } })).OkJsonAsync(201);
        var url = (await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync())
            .GetProperty("messages")[0].GetProperty("attachments")[0].GetProperty("url").GetString();
        Assert.Equal(HttpStatusCode.OK, (await Storage.GetAsync(url)).StatusCode);

        (await chat.Machine.DeleteAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages/{posted.GetProperty("messageId").GetString()}")).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.NotFound, (await Storage.GetAsync(url)).StatusCode);
    }

    [Fact]
    public async Task A_machine_uploads_attaches_and_the_agent_downloads_the_exact_bytes()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var bytes = Png(5000);
        var attachmentId = await UploadAsync(chat.Machine, "print screen.png", "image/png", bytes);
        Assert.Matches($"^\\d{{10}}/{chat.Tenant.Id}/{chat.MachineId}/[0-9a-f]{{32}}/", attachmentId);

        await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages",
            new { body = "", attachments = new[] { new { storageId = attachmentId } } })).OkJsonAsync(201);

        var message = (await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync()).GetProperty("messages")[0];
        var attachment = message.GetProperty("attachments")[0];
        Assert.Equal(("print screen.png", 5000L, "image/png"), (attachment.GetProperty("name").GetString(), attachment.GetProperty("size").GetInt64(), attachment.GetProperty("type").GetString()));
        Assert.Equal(attachmentId, attachment.GetProperty("storageId").GetString());
        var readUrl = attachment.GetProperty("url").GetString()!;
        Assert.Equal(bytes, await Storage.GetByteArrayAsync(readUrl));
        Assert.Contains("sp=r", readUrl);
        Assert.NotEqual(HttpStatusCode.Created, (await PutAsync(readUrl.Replace(Uri.EscapeDataString("print screen.png"), "other.png"), bytes, "image/png")).StatusCode);

        var history = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/history")).OkJsonAsync();
        Assert.Equal(bytes, await Storage.GetByteArrayAsync(history.GetProperty("sessions")[0].GetProperty("messages")[0].GetProperty("attachments")[0].GetProperty("url").GetString()));
    }

    [Fact]
    public async Task The_upload_url_only_creates_its_one_blob_once()
    {
        var chat = await app.ChatAsync();
        var ticket = await RequestUploadAsync(chat.Machine, "notes.txt", "text/plain", 5);
        var url = ticket.GetProperty("uploadUrl").GetString()!;
        Assert.Contains("sp=c", url);
        Assert.DoesNotContain("sig=", ticket.GetProperty("attachmentId").GetString());

        var otherBlob = url.Replace("/notes.txt?", "/evil.txt?");
        Assert.Equal(HttpStatusCode.Forbidden, (await PutAsync(otherBlob, "hello"u8.ToArray(), "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(url, "hello"u8.ToArray(), "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Storage.GetAsync(url)).StatusCode);
        Assert.False((await PutAsync(url, "again"u8.ToArray(), "text/plain")).IsSuccessStatusCode);
        Assert.False((await PutAsync(url, "again"u8.ToArray(), "text/plain", ifNoneMatch: false)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Upload_requests_are_checked_against_the_allowed_types_and_size()
    {
        var chat = await app.ChatAsync();
        var problem = await (await chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "setup.exe", contentType = "application/octet-stream", size = 10 })).AssertProblemAsync(400, "file_type_not_allowed");
        Assert.StartsWith("Tipo de arquivo não permitido", problem.GetProperty("detail").GetString());
        await (await chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "a.pdf", contentType = "image/png", size = 10 })).AssertProblemAsync(400, "file_type_not_allowed");
        await (await chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "a.pdf", contentType = "application/pdf", size = 10 * 1024 * 1024 + 1 })).AssertProblemAsync(400, "file_too_large");
        await (await chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "a.pdf", contentType = "application/pdf" })).AssertProblemAsync(400, "validation_failed");
        await (await chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "../../", contentType = "application/pdf", size = 1 })).AssertProblemAsync(400, "validation_failed");
        await (await chat.Machine.PostRawAsync("/api/machine/uploads", "{\"fileName\":\"a.pdf\",\"contentType\":\"application/pdf\",\"size\":\"big\"}")).AssertProblemAsync(400, "invalid_json");
        await (await app.CreateClient().PostJsonAsync("/api/machine/uploads", new { fileName = "a.pdf", contentType = "application/pdf", size = 1 })).AssertProblemAsync(401, "machine_token_missing");

        var traversal = await RequestUploadAsync(chat.Machine, "..\\..\\etc/relatório final.pdf", "application/pdf", 1);
        Assert.Equal("relatório final.pdf", traversal.GetProperty("fileName").GetString());
        Assert.Matches($"^\\d{{10}}/{chat.Tenant.Id}/{chat.MachineId}/[0-9a-f]{{32}}/relatório final.pdf$", traversal.GetProperty("attachmentId").GetString());
    }

    [Fact]
    public async Task An_oversize_or_mistyped_blob_is_refused_at_attach_time_and_deleted()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var post = $"/api/machine/tickets/{chat.TicketId}/chat/messages";

        var big = await RequestUploadAsync(chat.Machine, "big.pdf", "application/pdf", 1000);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(big.GetProperty("uploadUrl").GetString()!, new byte[12 * 1024 * 1024], "application/pdf")).StatusCode);
        await (await chat.Machine.PostJsonAsync(post, new { body = "veja", attachments = new[] { new { storageId = big.GetProperty("attachmentId").GetString() } } }))
            .AssertProblemAsync(400, "file_too_large");
        await (await chat.Machine.PostJsonAsync(post, new { body = "veja", attachments = new[] { new { storageId = big.GetProperty("attachmentId").GetString() } } }))
            .AssertProblemAsync(400, "attachment_not_found");

        var html = await RequestUploadAsync(chat.Machine, "doc.pdf", "application/pdf", 10);
        Assert.Equal(HttpStatusCode.Created, (await PutAsync(html.GetProperty("uploadUrl").GetString()!, "<script/>"u8.ToArray(), "text/html")).StatusCode);
        await (await chat.Machine.PostJsonAsync(post, new { body = "veja", attachments = new[] { new { storageId = html.GetProperty("attachmentId").GetString() } } }))
            .AssertProblemAsync(400, "file_type_not_allowed");
        await (await chat.Machine.PostJsonAsync(post, new { body = "veja", attachments = new[] { new { storageId = html.GetProperty("attachmentId").GetString() } } }))
            .AssertProblemAsync(400, "attachment_not_found");

        Assert.Empty((await (await chat.Machine.GetAsync(post)).OkJsonAsync()).GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task Another_machines_blob_or_a_missing_one_cannot_be_attached()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var (_, _, other) = await chat.Tenant.MachineAsync();
        var foreign = await UploadAsync(other, "x.txt", "text/plain", "segredo"u8.ToArray());
        var post = $"/api/machine/tickets/{chat.TicketId}/chat/messages";

        await (await chat.Machine.PostJsonAsync(post, new { body = "x", attachments = new[] { new { storageId = foreign } } })).AssertProblemAsync(400, "attachment_not_found");
        await (await chat.Machine.PostJsonAsync(post, new { body = "x", attachments = new[] { new { storageId = $"{chat.Tenant.Id}/{chat.MachineId}/../{foreign}" } } })).AssertProblemAsync(400, "attachment_not_found");
        await (await chat.Machine.PostJsonAsync(post, new { body = "x", attachments = new[] { new { storageId = $"{chat.Tenant.Id}/{chat.MachineId}/nope/x.txt" } } })).AssertProblemAsync(400, "attachment_not_found");
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "x", attachments = new[] { new { storageId = foreign } } })).AssertProblemAsync(400, "attachment_not_found");
        var six = Enumerable.Range(0, 6).Select(i => new { storageId = $"id{i}" }).ToArray();
        await (await chat.Machine.PostJsonAsync(post, new { body = "x", attachments = six })).AssertProblemAsync(400, "validation_failed");
    }

    [Fact]
    public async Task An_agent_uploads_under_its_own_prefix_and_attaches()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var id = await UploadAsync(chat.Agent, "planilha.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3], "/api/agent/uploads");
        Assert.Matches($"^\\d{{10}}/{chat.Tenant.Id}/agents/{chat.AgentId}/[0-9a-f]{{32}}/", id);
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "segue", attachments = new[] { new { storageId = id } } })).OkJsonAsync(201);
        var seen = (await (await chat.Machine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync()).GetProperty("messages")[0];
        Assert.Equal(new byte[] { 0x50, 0x4B, 0x03, 0x04, 1, 2, 3 }, await Storage.GetByteArrayAsync(seen.GetProperty("attachments")[0].GetProperty("url").GetString()));
    }
}

/// <summary>A clock 30 minutes behind real time: every URL it signs has already expired for the storage server.</summary>
public sealed class PastClockApp : CoreApp
{
    protected override DateTimeOffset ClockStart => TimeProvider.System.GetUtcNow().AddMinutes(-30);
}

public sealed class ExpiredUploadUrlTests(PastClockApp app) : IClassFixture<PastClockApp>
{
    [Fact]
    public async Task An_expired_upload_url_is_refused_by_storage()
    {
        var chat = await app.ChatAsync();
        var ticket = await app.Get<LiveChat.Core.Uploads.Uploads>().CreateAsync(
            LiveChat.Core.Uploads.AttachmentOwner.Machine(chat.Machine), new LiveChat.Core.Uploads.UploadRequest("a.txt", "text/plain", 2), default);
        var request = new HttpRequestMessage(HttpMethod.Put, ticket.UploadUrl) { Content = new ByteArrayContent("hi"u8.ToArray()) };
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        Assert.Equal(HttpStatusCode.Forbidden, (await new HttpClient().SendAsync(request)).StatusCode);
    }
}
