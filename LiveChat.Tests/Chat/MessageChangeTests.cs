using LiveChat.Core.Chat;
using System.Net.Http.Json;
using LiveChat.Tests.Infrastructure;
using LiveChat.Tests.Realtime;

namespace LiveChat.Tests.Chat;

public sealed class MessageChangeTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task The_author_edits_within_the_window_the_earlier_body_is_audited_and_both_sides_hear_it()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        await using var agent = await LiveClient.ConnectAsync(app, "/api/agent", app.AgentToken(chat.AgentId));
        var posted = await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "impresora" })).OkJsonAsync(201);
        var id = posted.GetProperty("messageId").GetString();
        var mine = $"/api/machine/tickets/{chat.TicketId}/chat/messages/{id}";

        var edited = await (await chat.Machine.PatchAsync(mine, JsonContent.Create(new { body = "impressora" }))).OkJsonAsync();
        Assert.True(edited.GetProperty("editedAt").GetInt64() > 0);
        Assert.Equal("impressora", (await agent.WaitForAsync(ChatEvents.MessageUpdated, p => p.GetProperty("messageId").GetString() == id)).GetProperty("preview").GetString());
        var listed = (await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync()).GetProperty("messages")[0];
        Assert.Equal(("impressora", edited.GetProperty("editedAt").GetInt64()), (listed.GetProperty("body").GetString(), listed.GetProperty("editedAt").GetInt64()));

        var audit = await (await chat.Tenant.Admin.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages/{id}/edits")).OkJsonAsync();
        Assert.Equal("impresora", audit.GetProperty("edits")[0].GetProperty("body").GetString());
        await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/messages/{id}/edits")).AssertProblemAsync(403, "forbidden_role");

        // Someone else's message, from the other side or from a colleague.
        await (await chat.Agent.PatchAsync($"/api/tickets/{chat.TicketId}/chat/messages/{id}", JsonContent.Create(new { body = "x" }))).AssertProblemAsync(403, "not_message_author");
        var fromAgent = await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "oi" })).OkJsonAsync(201);
        var (_, colleague) = await chat.Tenant.UserAsync();
        await (await colleague.DeleteAsync($"/api/tickets/{chat.TicketId}/chat/messages/{fromAgent.GetProperty("messageId").GetString()}")).AssertProblemAsync(403, "not_message_author");
        await (await chat.Machine.PatchAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages/nope", JsonContent.Create(new { body = "x" }))).AssertProblemAsync(404, "message_not_found");
        await (await chat.Machine.PatchAsync(mine, JsonContent.Create(new { body = " " }))).AssertProblemAsync(400, "message_empty");

        var session = await (await chat.Agent.GetAsync($"/api/tickets/{chat.TicketId}/chat/session")).OkJsonAsync();
        (await chat.Agent.PostAsync($"/api/chat/sessions/{session.GetProperty("sessionId").GetString()}/end", null)).EnsureSuccessStatusCode();
        await (await chat.Machine.PatchAsync(mine, JsonContent.Create(new { body = "tarde" }))).AssertProblemAsync(409, "session_not_active");
    }

    [Fact]
    public async Task Deleting_an_unread_message_leaves_a_tombstone_and_fixes_the_counter()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        await using var machine = await LiveClient.ConnectAsync(app, "/api/machine", chat.MachineToken);
        var post = $"/api/tickets/{chat.TicketId}/chat/messages";
        var first = (await (await chat.Agent.PostJsonAsync(post, new { body = "senha: 1234" })).OkJsonAsync(201)).GetProperty("messageId").GetString();
        await chat.Agent.PostJsonAsync(post, new { body = "outra" });
        Assert.Equal(2, (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("totalUnread").GetInt64());

        var deleted = await (await chat.Agent.DeleteAsync($"{post}/{first}")).OkJsonAsync();
        Assert.True(deleted.GetProperty("deletedAt").GetInt64() > 0);
        await machine.WaitForAsync(ChatEvents.MessageDeleted, p => p.GetProperty("messageId").GetString() == first);
        Assert.Equal(1, (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("totalUnread").GetInt64());
        var tombstone = (await (await chat.Machine.GetAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages")).OkJsonAsync()).GetProperty("messages")[0];
        Assert.Equal((first, "", 0), (tombstone.GetProperty("id").GetString(), tombstone.GetProperty("body").GetString(), tombstone.GetProperty("attachments").GetArrayLength()));
        Assert.Equal(deleted.GetProperty("deletedAt").GetInt64(), tombstone.GetProperty("deletedAt").GetInt64());

        // Marking the tombstone read later does not lower the counter again; deleting it twice is refused.
        var read = await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/read", new { messageIds = new[] { first } })).OkJsonAsync();
        Assert.Equal(0, read.GetProperty("processed").GetInt32());
        Assert.Equal(1, (await (await chat.Machine.GetAsync("/api/machine/chat/updates")).OkJsonAsync()).GetProperty("totalUnread").GetInt64());
        await (await chat.Agent.DeleteAsync($"{post}/{first}")).AssertProblemAsync(409, "message_deleted");
    }
}

/// <summary>A one-second edit window.</summary>
public sealed class ShortEditWindowApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new() { ["LiveChat:EditWindow"] = "00:00:01" };
}

public sealed class LateEditTests(ShortEditWindowApp app) : IClassFixture<ShortEditWindowApp>
{
    [Fact]
    public async Task After_the_window_an_edit_or_delete_is_refused()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var id = (await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{chat.TicketId}/chat/messages", new { body = "oi" })).OkJsonAsync(201))
            .GetProperty("messageId").GetString();
        await Task.Delay(1200);
        var mine = $"/api/machine/tickets/{chat.TicketId}/chat/messages/{id}";
        await (await chat.Machine.PatchAsync(mine, JsonContent.Create(new { body = "tarde" }))).AssertProblemAsync(409, "edit_window_passed");
        await (await chat.Machine.DeleteAsync(mine)).AssertProblemAsync(409, "edit_window_passed");
    }
}
