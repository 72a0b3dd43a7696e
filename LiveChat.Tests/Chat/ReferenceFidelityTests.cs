using LiveChat.Core.Machines;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

/// <summary>What machine agents and panels written against the reference (liveChat.ts) send, answered as it answered.</summary>
public sealed class ReferenceFidelityTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    static List<string> Bodies(System.Text.Json.JsonElement list) =>
        list.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()!).ToList();

    [Fact]
    public async Task Since_zero_is_no_cursor_and_limit_zero_is_an_empty_page_as_in_the_reference()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        for (var i = 0; i < 20; i++) await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = $"m{i:00}" })).OkJsonAsync(201);
        var newest = Enumerable.Range(15, 5).Select(i => $"m{i:00}").ToList();

        Assert.Equal(newest, Bodies(await (await chat.Machine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages?since=0&limit=5")).OkJsonAsync()));
        Assert.Equal(newest, Bodies(await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages?after=0&limit=5")).OkJsonAsync()));
        var empty = await (await chat.Machine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages?limit=0")).OkJsonAsync();
        Assert.Empty(Bodies(empty));
        Assert.True(empty.GetProperty("hasSession").GetBoolean());
        await (await chat.Machine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages?limit=-1")).AssertProblemAsync(400, "validation_failed");
    }

    [Fact]
    public async Task A_machine_lists_its_sessions_oldest_first()
    {
        var chat = await app.ChatAsync();
        var tickets = new List<string> { chat.TicketId };
        for (var i = 0; i < 3; i++) tickets.Add(await chat.Tenant.TicketAsync(chat.MachineId, reference: 10 + i));
        var startOrder = new[] { tickets[2], tickets[0], tickets[3], tickets[1] };
        foreach (var ticket in startOrder)
        {
            (await chat.Agent.PostAsync($"/api/tickets/{ticket}/chat/session", null)).EnsureSuccessStatusCode();
            await Task.Delay(5); // distinct start times
        }

        var sessions = (await (await chat.Machine.GetAsync("/api/machine/chat/sessions")).OkJsonAsync()).EnumerateArray()
            .Select(s => s.GetProperty("ticketId").GetString()).ToList();
        var updates = (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("sessions").EnumerateArray()
            .Select(s => s.GetProperty("ticketId").GetString()).ToList();
        Assert.Equal(startOrder, sessions);
        Assert.Equal(startOrder, updates);
    }

    [Fact]
    public async Task An_upload_url_takes_the_reference_fields_and_a_type_from_the_extension_when_none_is_declared()
    {
        var chat = await app.ChatAsync();
        async Task<System.Text.Json.JsonElement> UploadAsync(object request) =>
            await (await chat.Machine.PostJsonAsync("/api/machine/uploads", request)).OkJsonAsync();
        string TypeOf(System.Text.Json.JsonElement ticket) => ticket.GetProperty("headers").GetProperty("Content-Type").GetString()!;

        Assert.Equal("image/png", TypeOf(await UploadAsync(new { fileName = "tela.png", fileType = "image/png", fileSize = 5123 })));
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            TypeOf(await UploadAsync(new { fileName = "relatorio.docx", fileType = "", fileSize = 100 })));
        Assert.Equal("application/vnd.ms-excel", TypeOf(await UploadAsync(new { fileName = "planilha.xls", contentType = "application/octet-stream", size = 100 })));
        Assert.Equal("application/pdf", TypeOf(await UploadAsync(new { fileName = "nota.pdf", size = 100 })));
        await (await chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "nota.pdf", fileType = "image/png", fileSize = 100 }))
            .AssertProblemAsync(400, "file_type_not_allowed");
        await (await chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "nota.pdf", fileType = "application/pdf" }))
            .AssertProblemAsync(400, "validation_failed");
    }

    [Fact]
    public async Task A_machine_checks_its_enrollment_without_a_heartbeat_and_a_revoked_one_is_refused()
    {
        var tenant = await app.TenantAsync();
        var (machineId, token, machine) = await tenant.MachineAsync(online: false, registration: new { hostname = "PC-RECEPCAO" });

        var me = await (await machine.GetAsync("/api/machine/me")).OkJsonAsync();
        Assert.Equal((machineId, "PC-RECEPCAO", tenant.Id, "ACTIVE"),
            (me.GetProperty("machineId").GetString(), me.GetProperty("hostname").GetString(), me.GetProperty("tenantId").GetString(), me.GetProperty("status").GetString()));
        Assert.True(me.GetProperty("tokenExpiresAt").GetInt64() > TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.Null((await app.Store.Machines.ReadItemAsync<MachineDocument>(machineId, new PartitionKey(machineId))).Resource.LastHeartbeatAt);

        await (await app.ClientWithToken(token + "x").GetAsync("/api/machine/me")).AssertProblemAsync(401, "machine_token_invalid");
        (await tenant.Admin.PostAsync($"/api/manage/machines/{machineId}/revoke", null)).EnsureSuccessStatusCode();
        await (await machine.GetAsync("/api/machine/me")).AssertProblemAsync(401, "machine_token_revoked");
    }
}
