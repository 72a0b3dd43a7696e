using System.Text.Json;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Webhooks;

/// <summary>
/// Deliveries through the real queue (Azurite) and the host stand-in's queue trigger, to a receiver that verifies each
/// one with the standardwebhooks npm package.
/// </summary>
public sealed class WebhookDeliveryTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    const int Wait = 30_000;

    [Fact]
    public async Task Every_chat_event_reaches_the_endpoint_signed_and_nothing_of_another_tenant()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (_, secret) = await chat.Tenant.WebhookAsync(receiver.Url);
        await receiver.StartAsync(secret);
        var other = await app.TenantAsync();
        await using var otherReceiver = new WebhookReceiver();
        var (_, otherSecret) = await other.WebhookAsync(otherReceiver.Url);
        await otherReceiver.StartAsync(otherSecret);

        var sessionId = await chat.StartSessionAsync();
        var fromMachine = (await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "A impressora parou" }))
            .OkJsonAsync(201)).GetProperty("messageId").GetString()!;
        var fromAgent = (await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "Vou olhar" }))
            .OkJsonAsync(201)).GetProperty("messageId").GetString()!;
        (await chat.Agent.PatchAsync($"/api/tickets/{chat.TicketId}/chat/messages/{fromAgent}", JsonContent(new { body = "Vou olhar agora" }))).EnsureSuccessStatusCode();
        (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { fromMachine } })).EnsureSuccessStatusCode();
        (await chat.Agent.DeleteAsync($"/api/tickets/{chat.TicketId}/chat/messages/{fromAgent}")).EnsureSuccessStatusCode();
        (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).EnsureSuccessStatusCode();
        (await chat.Tenant.Admin.PostAsync($"/api/manage/machines/{chat.MachineId}/revoke", null)).EnsureSuccessStatusCode();

        string[] expected = ["session.started", "message.created", "message.created", "message.edited", "messages.read", "message.deleted", "session.ended", "machine.revoked"];
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Count >= expected.Length, Wait), "not every event arrived");
        var received = await receiver.ReceivedAsync();
        Assert.All(received, r => Assert.True(r.GetProperty("verified").GetBoolean()));
        Assert.Equal(expected.Order(), received.Select(r => r.Type()).Order());

        var started = received.Single(r => r.Type() == "session.started").Data();
        Assert.Equal(sessionId, started.GetProperty("sessionId").GetString());
        Assert.Equal(chat.TicketId, started.GetProperty("ticketId").GetString());
        Assert.Equal(chat.Tenant.Id, started.GetProperty("tenantId").GetString());
        Assert.Equal("LIVE_CHAT_STARTED", started.GetProperty("timelineEvent").GetString());
        var created = received.Where(r => r.Type() == "message.created").Select(r => r.Data()).ToList();
        Assert.Contains(created, d => d.GetProperty("messageId").GetString() == fromMachine && d.GetProperty("body").GetString() == "A impressora parou"
                                      && d.GetProperty("isFromMachine").GetBoolean());
        Assert.Equal("Vou olhar agora", received.Single(r => r.Type() == "message.edited").Data().GetProperty("body").GetString());
        var read = received.Single(r => r.Type() == "messages.read").Data();
        Assert.Equal("agent", read.GetProperty("readBy").GetString());
        Assert.Equal([fromMachine], read.GetProperty("messageIds").EnumerateArray().Select(i => i.GetString()));
        Assert.False(received.Single(r => r.Type() == "message.deleted").Data().TryGetProperty("body", out _));
        var ended = received.Single(r => r.Type() == "session.ended").Data();
        Assert.Equal("LIVE_CHAT_ENDED", ended.GetProperty("timelineEvent").GetString());
        Assert.Equal(chat.AgentId, ended.GetProperty("agentId").GetString());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("reason").ValueKind);
        Assert.Equal(chat.MachineId, received.Single(r => r.Type() == "machine.revoked").Data().GetProperty("machineId").GetString());
        // Session events carry no text; message events do.
        Assert.False(started.TryGetProperty("body", out _));

        Assert.Empty(await otherReceiver.ReceivedAsync());
    }

    [Fact]
    public async Task A_receiver_down_then_failing_then_back_gets_every_event_with_its_id()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver(); // not started: connections refused
        var (endpointId, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["message.created"]);
        await chat.StartSessionAsync();
        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
            ids.Add((await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = $"mensagem {i}" }))
                .OkJsonAsync(201)).GetProperty("messageId").GetString()!);

        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(endpointId)).Count(d => d.GetProperty("attempts").GetInt32() >= 2) == 5, Wait));
        await receiver.StartAsync(secret);
        await receiver.AnswerAsync(500);
        Assert.True(await Poll.UntilAsync(async () => (await receiver.ReceivedAsync()).Select(r => r.GetProperty("id").GetString()).Distinct().Count() == 5, Wait));
        await receiver.AnswerAsync(204);

        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Select(r => r.Data().GetProperty("messageId").GetString()).Distinct().Count() == 5, Wait));
        var accepted = await receiver.AcceptedAsync();
        Assert.Equal(ids.Order(), accepted.Select(r => r.Data().GetProperty("messageId").GetString()!).Distinct().Order());
        // The webhook-id is the event's, the same on every attempt: one id per message, whatever the attempts.
        var received = await receiver.ReceivedAsync();
        Assert.Equal(5, received.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
        Assert.All(received.GroupBy(r => r.GetProperty("id").GetString()), g => Assert.Single(g.Select(r => r.Data().GetProperty("messageId").GetString()).Distinct()));

        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(endpointId)).All(d => d.GetProperty("status").GetString() == "succeeded"), Wait));
        var history = (await chat.Tenant.DeliveriesAsync(endpointId)).SelectMany(d => d.GetProperty("history").EnumerateArray()).ToList();
        Assert.Contains(history, a => a.GetProperty("statusCode").ValueKind == JsonValueKind.Null && a.GetProperty("error").GetString()!.Contains("erro de rede"));
        Assert.Contains(history, a => a.TryGetProperty("statusCode", out var s) && s.ValueKind == JsonValueKind.Number && s.GetInt32() == 500);
        Assert.Contains(history, a => a.TryGetProperty("statusCode", out var s) && s.ValueKind == JsonValueKind.Number && s.GetInt32() == 204);
    }

    [Theory]
    [InlineData(410)]
    [InlineData(400)]
    public async Task A_receiver_refusing_with_a_4xx_is_not_retried(int status)
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (endpointId, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["session.started"]);
        await receiver.StartAsync(secret);
        await receiver.AnswerAsync(status);
        await chat.StartSessionAsync();

        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(endpointId)).Any(d => d.GetProperty("status").GetString() == "failed"), Wait));
        await Task.Delay(3_000); // longer than the first two retry waits
        Assert.Single(await receiver.ReceivedAsync());
        var delivery = Assert.Single(await chat.Tenant.DeliveriesAsync(endpointId));
        Assert.Equal(1, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal(status, delivery.GetProperty("history")[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, delivery.GetProperty("nextAttemptAt").ValueKind);
    }

    [Fact]
    public async Task The_worker_killed_between_a_post_and_its_delivery_delivers_it_after_restart()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (endpointId, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["message.created"]);
        await chat.StartSessionAsync();
        var posted = (await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "antes da queda" }))
            .OkJsonAsync(201)).GetProperty("messageId").GetString();

        var worker = System.Diagnostics.Process.GetProcessById(app.WorkerProcessId);
        worker.Kill();
        await worker.WaitForExitAsync();
        await receiver.StartAsync(secret);

        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Any(r => r.Data().GetProperty("messageId").GetString() == posted), 60_000),
            "the event did not arrive after the worker's restart");
        Assert.True(await Poll.UntilAsync(async () => (await app.CreateClient().GetAsync("/api/health")).IsSuccessStatusCode, Wait));
    }

    [Fact]
    public async Task A_frozen_receiver_neither_slows_the_chat_nor_loses_an_event()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (endpointId, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["message.created"]);
        await receiver.StartAsync(secret);
        await chat.StartSessionAsync();
        receiver.Signal("STOP");

        var slowest = TimeSpan.Zero;
        for (var i = 1; i <= 5; i++)
        {
            var (response, took) = await Faults.Signals.TimedAsync(() => chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = $"congelado {i}" }));
            await response.OkJsonAsync(201);
            slowest = took > slowest ? took : slowest;
        }
        // An attempt waits up to AttemptTimeout (2 s here) on the frozen receiver; the posts never do.
        Assert.True(slowest < TimeSpan.FromSeconds(1.5), $"a post took {slowest} while the receiver was frozen");
        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(endpointId)).Count(d =>
            d.GetProperty("history").EnumerateArray().Any(a => a.GetProperty("error").GetString() is { } error && error.Contains("tempo"))) == 5, Wait),
            "the attempts did not time out");

        receiver.Signal("CONT");
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Select(r => r.Data().GetProperty("messageId").GetString()).Distinct().Count() == 5, Wait));
    }

    static System.Net.Http.Json.JsonContent JsonContent(object body) => System.Net.Http.Json.JsonContent.Create(body);
}
