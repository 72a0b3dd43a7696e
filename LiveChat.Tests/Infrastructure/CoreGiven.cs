using LiveChat.Core.Chat;
using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Tickets;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Infrastructure;

/// <summary>A tenant with an agent, an online machine and a ticket linked to it, provisioned through LiveChat.Core.</summary>
public sealed record CoreChat(CoreApp App, AgentCaller Admin, AgentCaller Agent, MachineCaller Machine, string MachineToken, string TicketId)
{
    public string MachineId => Machine.MachineId;

    public async Task<string> StartSessionAsync() => (await App.Get<ChatSessions>().StartAsync(Agent, TicketId, default)).SessionId;

    public Task HeartbeatAsync() => App.Get<MachineRegistry>().HeartbeatAsync(Machine, default);

    public Task<PostMessageResult> PostFromMachineAsync(string body) =>
        App.Get<MessagePosting>().PostAsync(ChatParticipant.Of(Machine), TicketId, new PostMessageRequest(body, null, null), default);

    public Task<PostMessageResult> PostFromAgentAsync(string body) =>
        App.Get<MessagePosting>().PostAsync(ChatParticipant.Of(Agent), TicketId, new PostMessageRequest(body, null, null), default);
}

public static class CoreGiven
{
    public static async Task<CoreChat> ChatAsync(this CoreApp app, bool machineOnline = true)
    {
        var tenantId = "t" + Guid.NewGuid().ToString("N")[..10];
        var adminDocument = new UserDocument { Id = $"{tenantId}-admin", TenantId = tenantId, Role = Roles.Admin, Name = "Admin" };
        await app.Store.Users.UpsertItemAsync(adminDocument, new PartitionKey(adminDocument.Id));
        var admin = new AgentCaller(adminDocument.Id, tenantId, Roles.Admin, adminDocument.Name, null, null);

        var agentId = $"{tenantId}-agent";
        await app.Get<TenantUsers>().UpsertAsync(admin, $"{tenantId}-requester", new UpsertUserRequest("COLLABORATOR", "Requester", null, null), default);
        await app.Get<TenantUsers>().UpsertAsync(admin, agentId, new UpsertUserRequest("AGENT", "Agente", null, null), default);
        var machine = await app.Get<MachineRegistry>().RegisterAsync(admin, new RegisterMachineRequest("PC-" + tenantId[^4..], null, null, null, null), default);
        var caller = new MachineCaller(machine.MachineId, tenantId);
        if (machineOnline) await app.Get<MachineRegistry>().HeartbeatAsync(caller, default);
        var ticket = await app.Get<TicketLinks>().CreateAsync(admin, new CreateTicketRequest(null, 1, "Impressora não imprime", $"{tenantId}-requester", null, machine.MachineId), default);
        return new CoreChat(app, admin, new AgentCaller(agentId, tenantId, "AGENT", "Agente", null, null), caller, machine.MachineToken, ticket.Id);
    }
}
