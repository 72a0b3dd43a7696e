using System.Text.Json;
using LiveChat.Core.Chat;
using LiveChat.Core.Errors;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.DependencyInjection;

namespace LiveChat.Tests.Machines;

public sealed class RevocationTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Revoking_a_machine_ends_its_chats_closes_its_push_connections_and_delivers_nothing_more()
    {
        var chat = await app.ChatAsync();
        await using var machine = await LiveClient.ConnectAsync(app, "/api/machine", chat.MachineToken);
        await using var agent = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(chat.AgentId));
        var sessionId = await chat.StartSessionAsync();

        (await chat.Tenant.Admin.PostAsync($"/api/manage/machines/{chat.MachineId}/revoke", null)).EnsureSuccessStatusCode();

        var ended = await agent.WaitForAsync(ChatEvents.SessionEnded, p => p.GetProperty("sessionId").GetString() == sessionId);
        Assert.Equal("maquina_revogada", ended.GetProperty("reason").GetString());
        using (var e = await app.Store.Events.ReadItemStreamAsync(Timeline.EndedEventId(sessionId), new PartitionKey(chat.TicketId)))
            Assert.Equal("maquina_revogada", (await JsonDocument.ParseAsync(e.Content)).RootElement.GetProperty("payload").GetProperty("reason").GetString());

        for (var waited = 0; machine.Connection.State != HubConnectionState.Disconnected && waited < 50; waited++) await Task.Delay(100);
        Assert.Equal(HubConnectionState.Disconnected, machine.Connection.State);

        var heard = machine.Received.Count;
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "a senha é 1234" })).AssertProblemAsync(409, "session_not_active");
        await (await chat.Agent.PostAsync($"/api/tickets/{chat.TicketId}/chat/session", null)).AssertProblemAsync(409, "machine_revoked");
        Assert.False((await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/session")).OkJsonAsync()).GetProperty("machineOnline").GetBoolean());
        await (await chat.Machine.GetAsync("/api/machine/chat/updates")).AssertProblemAsync(401, "machine_token_revoked");
        await (await chat.Machine.PostAsync("/api/machine/negotiate", null)).AssertProblemAsync(401, "machine_token_revoked");
        await Task.Delay(300);
        Assert.Equal(heard, machine.Received.Count);
    }

    [Fact]
    public async Task A_machine_revoked_or_deleted_in_its_document_gets_401_on_every_call_whatever_its_token_says()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        // What an import of a machine revoked in Convex leaves: status REVOKED, its token never revoked.
        await app.Store.Machines.PatchItemAsync<MachineDocument>(chat.MachineId, new PartitionKey(chat.MachineId),
            [PatchOperation.Set("/status", MachineStatus.Revoked)]);
        var calls = new Func<Task<HttpResponseMessage>>[]
        {
            () => chat.Machine.PostAsync("/api/machine/heartbeat", null),
            () => chat.Machine.GetAsync("/api/machine/chat/updates"),
            () => chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "ainda aqui" }),
            () => chat.Machine.PostJsonAsync("/api/machine/uploads", new { fileName = "a.png", contentType = "image/png", size = 10 }),
        };
        foreach (var call in calls) await (await call()).AssertProblemAsync(401, "machine_token_revoked");

        await app.Store.Machines.DeleteItemAsync<MachineDocument>(chat.MachineId, new PartitionKey(chat.MachineId));
        foreach (var call in calls) await (await call()).AssertProblemAsync(401, "machine_token_invalid");
    }
}

/// <summary>The Cosmos client fails the first write to the machines container, as a crash between two writes would.</summary>
public sealed class CrashingRevokeApp : CoreApp
{
    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<RoundTripCounter>(new FailFirstMachineWrite());

    public void FailNextMachineWrite() => ((FailFirstMachineWrite)Get<RoundTripCounter>()).Armed = 1;

    sealed class FailFirstMachineWrite : RoundTripCounter
    {
        public int Armed;

        public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken) =>
            request.Method != HttpMethod.Get && request.RequestUri.OriginalString.Contains("/colls/machines/docs/") && Interlocked.Exchange(ref Armed, 0) == 1
                ? throw new CosmosException("injected crash", System.Net.HttpStatusCode.ServiceUnavailable, 0, "", 0)
                : base.SendAsync(request, cancellationToken);
    }
}

public sealed class InterruptedRevocationTests(CrashingRevokeApp app) : IClassFixture<CrashingRevokeApp>
{
    [Fact]
    public async Task A_revocation_interrupted_between_its_writes_leaves_no_working_token_and_a_retry_completes_it()
    {
        var chat = await app.ChatAsync();
        app.FailNextMachineWrite();
        var machines = app.Get<MachineRegistry>();
        var auth = app.Get<MachineAuthenticator>();

        await Assert.ThrowsAnyAsync<Exception>(() => machines.RevokeAsync(chat.Admin, chat.MachineId, default));
        var refused = await Assert.ThrowsAsync<LiveChatException>(() => auth.AuthenticateAsync("Bearer " + chat.MachineToken, default));
        Assert.Equal("machine_token_revoked", refused.Error.Code);

        await machines.RevokeAsync(chat.Admin, chat.MachineId, default);
        Assert.Equal(MachineStatus.Revoked, (await machines.GetAsync(chat.Admin, chat.MachineId, default)).Status);
    }
}
