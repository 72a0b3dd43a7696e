using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Chat;

public sealed class RouteIdTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    public static TheoryData<string> OddIds() => new() { new string('x', 400), "a%2Fb", "a%5Cb", "a%23b", "%20", "a%3Fb", "%C3%A9", "a%7Cb" };

    [Theory]
    [MemberData(nameof(OddIds))]
    public async Task Odd_ids_in_routes_are_404_never_500(string id)
    {
        var chat = await app.ChatAsync();
        await (await chat.Agent.GetAsync($"/api/tickets/{id}/chat/session")).AssertProblemAsync(404, "ticket_not_found");
        await (await chat.Agent.PostAsync($"/api/chat/sessions/{id}/end", null)).AssertProblemAsync(404, "session_not_found");
        await (await chat.Machine.GetAsync($"/api/machine/tickets/{id}/chat/messages")).AssertProblemAsync(404, "ticket_not_found");
        await (await chat.Machine.PostJsonAsync($"/api/machine/tickets/{id}/chat/messages", new { body = "x" })).AssertProblemAsync(404, "ticket_not_found");
        await (await chat.Tenant.Admin.GetAsync($"/api/manage/machines/{id}")).AssertProblemAsync(404, "machine_not_found");
        await (await chat.Agent.GetAsync($"/api/tickets/{id}/chat/messages")).AssertProblemAsync(404, "ticket_not_found");
    }
}
