using System.Net.Http.Headers;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Identity;

public sealed class AuthenticationTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Machine_route_without_token_is_401_machine_token_missing()
    {
        await (await app.CreateClient().GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_missing");
        var basic = app.CreateClient();
        basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "dXNlcjpwYXNz");
        await (await basic.GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_missing");
    }

    [Fact]
    public async Task Unknown_or_malformed_machine_token_is_401_machine_token_invalid()
    {
        await (await app.ClientWithToken("lcm_not-a-real-token").GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_invalid");
        await (await app.ClientWithToken(new string('x', 2000)).GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_invalid");
    }

    [Fact]
    public async Task Revoked_machine_token_is_401_machine_token_revoked()
    {
        var tenant = await app.TenantAsync();
        var (machineId, _, machine) = await tenant.MachineAsync();
        (await tenant.Admin.PostAsync($"/api/manage/machines/{machineId}/revoke", null)).EnsureSuccessStatusCode();
        await (await machine.GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_revoked");
    }

    [Fact]
    public async Task Rotated_token_replaces_the_old_one()
    {
        var tenant = await app.TenantAsync();
        var (machineId, _, oldClient) = await tenant.MachineAsync();
        var issued = await (await tenant.Admin.PostAsync($"/api/manage/machines/{machineId}/token", null)).OkJsonAsync();
        var fresh = app.ClientWithToken(issued.GetProperty("machineToken").GetString());

        await (await oldClient.GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_revoked");
        await (await fresh.GetAsync("/api/machine/chat/updates")).OkJsonAsync();
    }

    [Fact]
    public async Task Expired_machine_token_is_401_machine_token_expired()
    {
        var tenant = await app.TenantAsync();
        var (_, token, machine) = await tenant.MachineAsync();
        var hash = MachineTokens.Hash(token);
        await app.Store.MachineTokens.PatchItemAsync<MachineTokenDocument>(hash, new PartitionKey(hash),
            [PatchOperation.Set("/expiresAt", TimeProvider.System.GetUtcNow().AddSeconds(-1).ToUnixTimeMilliseconds())]);
        await (await machine.GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_expired");
    }

    [Fact]
    public async Task Stored_machine_token_is_only_its_sha256_hash()
    {
        var tenant = await app.TenantAsync();
        var (machineId, token, _) = await tenant.MachineAsync();
        var record = await app.Store.MachineTokens.ReadItemAsync<MachineTokenDocument>(MachineTokens.Hash(token), new PartitionKey(MachineTokens.Hash(token)));
        Assert.Equal(machineId, record.Resource.MachineId);
        var machineJson = (await app.Store.Machines.ReadItemStreamAsync(machineId, new PartitionKey(machineId))).Content;
        Assert.DoesNotContain(token, await new StreamReader(machineJson).ReadToEndAsync());
    }

    [Fact]
    public async Task Agent_route_without_token_is_401_agent_token_missing() =>
        await (await app.CreateClient().GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_token_missing");

    [Fact]
    public async Task Agent_jwt_with_wrong_signature_audience_or_lifetime_is_401()
    {
        var tenant = await app.TenantAsync();
        var (userId, _) = await tenant.UserAsync();
        var options = new IdentityOptions { Issuer = "livechat-dev", Audience = "api://livechat", DevSigningKey = "local-dev-signing-key-not-for-production-0123456789" };
        var now = TimeProvider.System.GetUtcNow();

        var wrongKey = DevTokens.Mint(new IdentityOptions { Issuer = options.Issuer, Audience = options.Audience, DevSigningKey = new string('k', 40) }, userId, now, TimeSpan.FromHours(1));
        var wrongAudience = DevTokens.Mint(new IdentityOptions { Issuer = options.Issuer, Audience = "api://other", DevSigningKey = options.DevSigningKey }, userId, now, TimeSpan.FromHours(1));
        var wrongIssuer = DevTokens.Mint(new IdentityOptions { Issuer = "someone-else", Audience = options.Audience, DevSigningKey = options.DevSigningKey }, userId, now, TimeSpan.FromHours(1));
        var expired = DevTokens.Mint(options, userId, now.AddHours(-3), TimeSpan.FromHours(1));
        var valid = DevTokens.Mint(options, userId, now, TimeSpan.FromHours(1));

        foreach (var token in new[] { wrongKey, wrongAudience, wrongIssuer, expired, "not.a.jwt" })
            await (await app.ClientWithToken(token).GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_token_invalid");
        await (await app.ClientWithToken(valid).GetAsync("/api/agent/chat/sessions")).OkJsonAsync();
    }

    [Fact]
    public async Task Valid_jwt_of_an_unprovisioned_user_is_401_agent_unknown() =>
        await (await app.ClientWithToken(app.AgentToken("nobody-" + Guid.NewGuid())).GetAsync("/api/agent/chat/sessions"))
            .AssertProblemAsync(401, "agent_unknown");

    [Fact]
    public async Task Another_tenants_resources_are_404()
    {
        var chat = await app.ChatAsync();
        var stranger = await app.TenantAsync();
        var (_, strangerAgent) = await stranger.UserAsync();
        var (_, _, strangerMachine) = await stranger.MachineAsync();
        var sessionId = await chat.StartSessionAsync();

        await (await strangerAgent.GetAsync($"/api/tickets/{chat.TicketId}/chat/session")).AssertProblemAsync(404, "ticket_not_found");
        await (await strangerAgent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).AssertProblemAsync(404, "ticket_not_found");
        await (await strangerAgent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).AssertProblemAsync(404, "session_not_found");
        await (await strangerAgent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).AssertProblemAsync(404, "ticket_not_found");
        await (await strangerAgent.GetAsync($"/api/tickets/{chat.TicketId}/chat/history")).AssertProblemAsync(404, "ticket_not_found");
        await (await stranger.Admin.GetAsync($"/api/manage/machines/{chat.MachineId}")).AssertProblemAsync(404, "machine_not_found");
        await (await strangerMachine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages")).AssertProblemAsync(404, "ticket_not_found");
        await (await strangerMachine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" })).AssertProblemAsync(404, "ticket_not_found");
        Assert.Empty((await (await strangerAgent.GetAsync("/api/agent/chat/sessions")).OkJsonAsync()).EnumerateArray());
    }

    [Fact]
    public async Task Non_admin_on_manage_routes_is_403_forbidden_role()
    {
        var tenant = await app.TenantAsync();
        var (_, agent) = await tenant.UserAsync("AGENT");
        var (_, manager) = await tenant.UserAsync("MANAGER");
        foreach (var client in new[] { agent, manager })
        {
            await (await client.PostJsonAsync("/api/manage/machines", new { hostname = "X" })).AssertProblemAsync(403, "forbidden_role");
            await (await client.PostJsonAsync("/api/manage/tickets", new { reference = 1, subject = "s", requesterId = "r" })).AssertProblemAsync(403, "forbidden_role");
        }
    }
}
