using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LiveChat.Core.Identity;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Infrastructure;

public sealed record Tenant(LiveChatApp App, string Id, HttpClient Admin)
{
    public HttpClient ClientFor(string userId) => App.ClientWithToken(App.AgentToken(userId));

    /// <summary>A panel user of this tenant (AGENT by default), provisioned through the API.</summary>
    public async Task<(string Id, HttpClient Client)> UserAsync(string role = "AGENT", string? name = null)
    {
        var id = $"{Id}-{role.ToLowerInvariant()}-{Guid.NewGuid():N}"[..32];
        var response = await Admin.PutAsJsonAsync($"/api/manage/users/{id}", new { role, name = name ?? $"{role} {id[^4..]}", email = $"{id}@example.test" });
        response.EnsureSuccessStatusCode();
        return (id, ClientFor(id));
    }

    /// <summary>A machine registered through the API; online unless told otherwise.</summary>
    public async Task<(string Id, string Token, HttpClient Client)> MachineAsync(bool online = true, object? registration = null)
    {
        var response = await Admin.PostAsJsonAsync("/api/manage/machines", registration ?? new { hostname = "PC-" + Guid.NewGuid().ToString("N")[..6] });
        response.EnsureSuccessStatusCode();
        var issued = await response.JsonAsync();
        var token = issued.GetProperty("machineToken").GetString()!;
        var client = App.ClientWithToken(token);
        if (online) (await client.PostAsync("/api/machine/heartbeat", null)).EnsureSuccessStatusCode();
        return (issued.GetProperty("machineId").GetString()!, token, client);
    }

    public async Task<string> TicketAsync(string? machineId, long reference = 1, string subject = "Impressora não imprime")
    {
        // The requester is a user of the tenant, as provisioning requires.
        (await Admin.PutAsJsonAsync($"/api/manage/users/{Id}-requester", new { role = "COLLABORATOR", name = "Requester" })).EnsureSuccessStatusCode();
        var response = await Admin.PostAsJsonAsync("/api/manage/tickets", new { reference, subject, requesterId = $"{Id}-requester", machineId });
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("id").GetString()!;
    }
}

/// <summary>A tenant with an agent, an online machine and a ticket linked to it: the usual start of a chat test.</summary>
public sealed record ChatScenario(Tenant Tenant, string AgentId, HttpClient Agent, string MachineId, string MachineToken, HttpClient Machine, string TicketId)
{
    public async Task<string> StartSessionAsync()
    {
        var response = await Agent.PostAsync($"/api/tickets/{TicketId}/chat/session", null);
        response.EnsureSuccessStatusCode();
        return (await response.JsonAsync()).GetProperty("sessionId").GetString()!;
    }
}

public static class Given
{
    /// <summary>A new tenant whose ADMIN is written straight to the store (the bootstrap every tenant needs).</summary>
    public static async Task<Tenant> TenantAsync(this LiveChatApp app)
    {
        var tenantId = "t" + Guid.NewGuid().ToString("N")[..10];
        var admin = new UserDocument { Id = $"{tenantId}-admin", TenantId = tenantId, Role = "ADMIN", Name = "Admin " + tenantId };
        await app.Store.Users.UpsertItemAsync(admin, new PartitionKey(admin.Id));
        return new Tenant(app, tenantId, app.ClientWithToken(app.AgentToken(admin.Id)));
    }

    public static async Task<ChatScenario> ChatAsync(this LiveChatApp app, bool machineOnline = true)
    {
        var tenant = await app.TenantAsync();
        var (agentId, agent) = await tenant.UserAsync();
        var (machineId, token, machine) = await tenant.MachineAsync(machineOnline);
        var ticketId = await tenant.TicketAsync(machineId);
        return new ChatScenario(tenant, agentId, agent, machineId, token, machine, ticketId);
    }

    public static HttpClient ClientWithToken(this LiveChatApp app, string? token)
    {
        var client = app.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

public static class HttpAssertions
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>Asserts an RFC 9457 problem with the given status and stable code; returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
        return problem;
    }

    public static async Task<JsonElement> OkJsonAsync(this HttpResponseMessage response, int status = 200)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) => client.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string body, string contentType = "application/json") =>
        client.PostAsync(url, new StringContent(body, System.Text.Encoding.UTF8, contentType));
}
