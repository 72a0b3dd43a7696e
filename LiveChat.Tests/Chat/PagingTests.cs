using System.Text.Json;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Chat;

public sealed class PagingTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    [Fact]
    public async Task Cursor_paging_returns_every_message_once_in_order_even_when_a_hundred_share_a_millisecond()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var machinePost = $"/api/machine/tickets/{chat.TicketId}/chat/messages";
        var agentPost = $"/api/tickets/{chat.TicketId}/chat/messages";
        var expected = new List<string>();

        async Task PostBatchAsync(int from, int count, bool sameMillisecond)
        {
            for (var i = from; i < from + count; i += 25)
            {
                var batch = Enumerable.Range(i, Math.Min(25, from + count - i)).Select(async n =>
                {
                    var response = n % 3 == 0
                        ? await chat.Agent.PostJsonAsync(agentPost, new { body = $"msg {n}" })
                        : await chat.Machine.PostJsonAsync(machinePost, new { body = $"msg {n}" });
                    return (await response.OkJsonAsync(201)).GetProperty("messageId").GetString()!;
                });
                expected.AddRange(await Task.WhenAll(batch));
                if (!sameMillisecond) app.Time.Advance(TimeSpan.FromMilliseconds(1));
            }
        }

        await PostBatchAsync(0, 200, sameMillisecond: false);
        app.Time.Advance(TimeSpan.FromMilliseconds(1));
        await PostBatchAsync(200, 100, sameMillisecond: true);
        app.Time.Advance(TimeSpan.FromMilliseconds(1));
        await PostBatchAsync(300, 200, sameMillisecond: false);

        var machineRead = await ReadAllAsync(chat.Machine, machinePost, "since");
        var agentRead = await ReadAllAsync(chat.Agent, agentPost, "after");

        Assert.Equal(500, machineRead.Count);
        Assert.Equal(500, machineRead.Select(m => m.Id).Distinct().Count());
        Assert.Equal(expected.Order(), machineRead.Select(m => m.Id).Order());
        Assert.Equal(machineRead.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id, StringComparer.Ordinal).Select(m => m.Id), machineRead.Select(m => m.Id));
        Assert.Equal(100, machineRead.GroupBy(m => m.CreatedAt).Max(g => g.Count()));
        Assert.Equal(machineRead.Select(m => m.Id), agentRead.Select(m => m.Id));
    }

    [Fact]
    public async Task Without_a_cursor_the_newest_messages_come_in_chronological_order()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var post = $"/api/machine/tickets/{chat.TicketId}/chat/messages";
        for (var i = 0; i < 8; i++)
        {
            await chat.Machine.PostJsonAsync(post, new { body = $"m{i}" });
            app.Time.Advance(TimeSpan.FromMilliseconds(5));
        }
        var page = await (await chat.Machine.GetAsync(post + "?limit=3")).OkJsonAsync();
        Assert.Equal(["m5", "m6", "m7"], page.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()));

        var next = page.GetProperty("nextCursor").GetString();
        await chat.Machine.PostJsonAsync(post, new { body = "m8" });
        var after = await (await chat.Machine.GetAsync($"{post}?since={next}")).OkJsonAsync();
        Assert.Equal(["m8"], after.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()));
        var nothing = await (await chat.Machine.GetAsync($"{post}?since={after.GetProperty("nextCursor").GetString()}")).OkJsonAsync();
        Assert.Empty(nothing.GetProperty("messages").EnumerateArray());
        Assert.Equal(after.GetProperty("nextCursor").GetString(), nothing.GetProperty("nextCursor").GetString());
    }

    sealed record Seen(string Id, long CreatedAt);

    static async Task<List<Seen>> ReadAllAsync(HttpClient client, string url, string cursorName)
    {
        var seen = new List<Seen>();
        var cursor = "0";
        for (var pages = 0; pages < 200; pages++)
        {
            var page = await (await client.GetAsync($"{url}?{cursorName}={cursor}&limit=7")).OkJsonAsync();
            var messages = page.GetProperty("messages").EnumerateArray().ToList();
            if (messages.Count == 0) return seen;
            Assert.True(messages.Count <= 7);
            seen.AddRange(messages.Select(m => new Seen(m.GetProperty("id").GetString()!, m.GetProperty("createdAt").GetInt64())));
            cursor = page.GetProperty("nextCursor").GetString()!;
        }
        throw new InvalidOperationException("paging did not end");
    }
}
