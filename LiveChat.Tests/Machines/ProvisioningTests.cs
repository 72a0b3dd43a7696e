using System.Net.Http.Json;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Tickets;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Machines;

public sealed class ProvisioningTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Admin_provisions_agent_machine_and_ticket_and_heartbeat_marks_machine_online()
    {
        var tenant = await app.TenantAsync();
        var (agentId, _) = await tenant.UserAsync("AGENT", "Beto");
        var (machineId, _, machine) = await tenant.MachineAsync(online: false);
        Assert.False((await (await tenant.Admin.GetAsync($"/api/manage/machines/{machineId}")).OkJsonAsync()).GetProperty("online").GetBoolean());

        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var beat = await (await machine.PostAsync("/api/machine/heartbeat", null)).OkJsonAsync();
        Assert.InRange(beat.GetProperty("lastHeartbeatAt").GetInt64(), before, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        Assert.True((await (await tenant.Admin.GetAsync($"/api/manage/machines/{machineId}")).OkJsonAsync()).GetProperty("online").GetBoolean());

        var ticketId = await tenant.TicketAsync(machineId, reference: 42, subject: "Sem rede");
        var ticket = (await app.Store.Tickets.ReadItemAsync<TicketDocument>(ticketId, new PartitionKey(ticketId))).Resource;
        Assert.Equal((tenant.Id, 42L, "Sem rede", machineId), (ticket.TenantId, ticket.Reference, ticket.Subject, ticket.MachineId));
        var agent = (await app.Store.Users.ReadItemAsync<UserDocument>(agentId, new PartitionKey(agentId))).Resource;
        Assert.Equal((tenant.Id, "AGENT", "Beto"), (agent.TenantId, agent.Role, agent.Name));
    }

    [Fact]
    public async Task Health_reports_the_store_reachable()
    {
        var health = await (await app.CreateClient().GetAsync("/api/health")).OkJsonAsync();
        Assert.Equal("reachable", health.GetProperty("store").GetString());
    }

    [Fact]
    public async Task Unlinking_a_ticket_leaves_it_without_machine()
    {
        var chat = await app.ChatAsync();
        var unlinked = await (await chat.Tenant.Admin.DeleteAsync($"/api/manage/tickets/{chat.TicketId}/machine")).OkJsonAsync();
        Assert.Equal(System.Text.Json.JsonValueKind.Null, unlinked.GetProperty("machineId").ValueKind);
        await (await chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).AssertProblemAsync(409, "ticket_has_no_machine");

        await (await chat.Tenant.Admin.PutAsJsonAsync($"/api/manage/tickets/{chat.TicketId}/machine", new { machineId = chat.MachineId })).OkJsonAsync();
        await chat.StartSessionAsync();
    }

    [Fact]
    public async Task Bad_provisioning_input_is_4xx_problem_and_stores_nothing()
    {
        var tenant = await app.TenantAsync();
        var admin = tenant.Admin;

        await (await admin.PutAsJsonAsync("/api/manage/users/u1", new { role = "KING", name = "x" })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PutAsJsonAsync("/api/manage/users/u1", new { role = "AGENT" })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PutAsJsonAsync("/api/manage/users/bad%2Fid", new { role = "AGENT", name = "x" })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PostJsonAsync("/api/manage/machines", new { hostname = "" })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PostJsonAsync("/api/manage/machines", new { hostname = "PC", linkedUserIds = new[] { "ghost" } })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PostRawAsync("/api/manage/machines", "{\"hostname\": ")).AssertProblemAsync(400, "invalid_json");
        await (await admin.PostRawAsync("/api/manage/machines", "[1,2]")).AssertProblemAsync(400, "invalid_json");
        await (await admin.PostRawAsync("/api/manage/machines", "")).AssertProblemAsync(400, "invalid_json");
        await (await admin.PostRawAsync("/api/manage/machines", "hostname=PC", "application/x-www-form-urlencoded")).AssertProblemAsync(415, "unsupported_media_type");
        await (await admin.PostRawAsync("/api/manage/machines", "{\"hostname\":\"" + new string('a', 70_000) + "\"}")).AssertProblemAsync(413, "payload_too_large");
        await (await admin.PostRawAsync("/api/manage/tickets", "{\"reference\":\"one\",\"subject\":\"s\",\"requesterId\":\"r\"}")).AssertProblemAsync(400, "invalid_json");
        await (await admin.PostJsonAsync("/api/manage/tickets", new { reference = 1, requesterId = "r" })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PostJsonAsync("/api/manage/tickets", new { reference = -1, subject = "s", requesterId = "r" })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PostJsonAsync("/api/manage/tickets", new { reference = 1, subject = "s", requesterId = "r", machineId = "nope" })).AssertProblemAsync(404, "machine_not_found");
        await (await admin.PutAsJsonAsync("/api/manage/tickets/nope/machine", new { machineId = (string?)null })).AssertProblemAsync(400, "validation_failed");
        await (await admin.PostAsync("/api/manage/machines/nope/token", null)).AssertProblemAsync(404, "machine_not_found");

        Assert.Empty(await TenantDocsAsync(app.Store.Users, tenant.Id, except: $"{tenant.Id}-admin"));
        Assert.Empty(await TenantDocsAsync(app.Store.Machines, tenant.Id));
        Assert.Empty(await TenantDocsAsync(app.Store.Tickets, tenant.Id));
    }

    [Fact]
    public async Task Users_named_in_provisioning_must_belong_to_the_admins_tenant()
    {
        var tenant = await app.TenantAsync();
        var other = await app.TenantAsync();
        var (strangerId, _) = await other.UserAsync("COLLABORATOR");
        var (ownId, _) = await tenant.UserAsync("COLLABORATOR");

        foreach (var registration in new object[]
                 {
                     new { hostname = "PC", assignedUserId = strangerId },
                     new { hostname = "PC", linkedUserIds = new[] { ownId, strangerId } },
                     new { hostname = "PC", assignedUserId = "nobody-" + Guid.NewGuid().ToString("N")[..8] },
                 })
            await (await tenant.Admin.PostJsonAsync("/api/manage/machines", registration)).AssertProblemAsync(400, "validation_failed");
        await (await tenant.Admin.PostJsonAsync("/api/manage/tickets", new { reference = 1, subject = "s", requesterId = strangerId })).AssertProblemAsync(400, "validation_failed");
        await (await tenant.Admin.PostJsonAsync("/api/manage/tickets", new { reference = 1, subject = "s", requesterId = "ghost" })).AssertProblemAsync(400, "validation_failed");
        Assert.Empty(await TenantDocsAsync(app.Store.Machines, tenant.Id));
        Assert.Empty(await TenantDocsAsync(app.Store.Tickets, tenant.Id));

        await (await tenant.Admin.PostJsonAsync("/api/manage/machines", new { hostname = "PC", assignedUserId = ownId, linkedUserIds = new[] { ownId } })).OkJsonAsync(201);
    }

    [Fact]
    public async Task A_user_id_of_another_tenant_cannot_be_taken_over()
    {
        var first = await app.TenantAsync();
        var (userId, _) = await first.UserAsync();
        var second = await app.TenantAsync();
        await (await second.Admin.PutAsJsonAsync($"/api/manage/users/{userId}", new { role = "ADMIN", name = "Mallory" })).AssertProblemAsync(409, "id_taken");
        var user = (await app.Store.Users.ReadItemAsync<UserDocument>(userId, new PartitionKey(userId))).Resource;
        Assert.Equal((first.Id, "AGENT"), (user.TenantId, user.Role));
    }

    [Fact]
    public async Task Tokens_never_reach_the_logs()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" });
        await chat.Machine.PostRawAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", "{bad");
        await app.ClientWithToken(chat.MachineToken + "x").GetAsync("/api/machine/chat/updates");
        var agentToken = app.AgentToken(chat.AgentId);
        await app.ClientWithToken(agentToken).GetAsync("/api/agent/chat/sessions");

        var logs = string.Join('\n', app.Logs);
        Assert.NotEmpty(app.Logs);
        Assert.DoesNotContain(chat.MachineToken, logs);
        Assert.DoesNotContain(MachineTokens.Hash(chat.MachineToken), logs);
        Assert.DoesNotContain(agentToken, logs);
        Assert.DoesNotContain(agentToken.Split('.')[2], logs);
    }

    static async Task<List<string>> TenantDocsAsync(Container container, string tenantId, string? except = null)
    {
        var query = new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.tenantId = @t").WithParameter("@t", tenantId);
        var ids = new List<string>();
        using var feed = container.GetItemQueryIterator<string>(query);
        while (feed.HasMoreResults) ids.AddRange(await feed.ReadNextAsync());
        return ids.Where(id => id != except).ToList();
    }
}
