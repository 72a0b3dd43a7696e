using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LiveChat.Tests.Chat;

/// <summary>
/// Cursor paging on the fake clock, which can make a hundred messages share one millisecond: posted through a hundred
/// workers (one worker spreads its own messages of a ticket over distinct milliseconds, see <see cref="MessageClock"/>).
/// </summary>
public sealed class PagingTests(CoreApp app) : IClassFixture<CoreApp>
{
    MessagePosting Posting => app.Get<MessagePosting>();
    MessagePages Pages => app.Get<MessagePages>();

    [Fact]
    public async Task Cursor_paging_returns_every_message_once_in_order_even_when_a_hundred_share_a_millisecond()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var expected = new List<string>();

        async Task PostBatchAsync(int from, int count, bool sameMillisecond)
        {
            for (var i = from; i < from + count; i += 25)
            {
                var batch = Enumerable.Range(i, Math.Min(25, from + count - i)).Select(async n =>
                {
                    var worker = sameMillisecond ? AnotherWorker() : Posting;
                    var request = new PostMessageRequest($"msg {n}", null, null);
                    var posted = n % 3 == 0
                        ? await worker.PostAsync(ChatParticipant.Of(chat.Agent), chat.TicketId, request, default)
                        : await worker.PostAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, request, default);
                    return posted.MessageId;
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

        var machineRead = await ReadAllAsync(cursor => Pages.ListAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, cursor, "7", default));
        var agentRead = await ReadAllAsync(cursor => Pages.ListAsync(ChatParticipant.Of(chat.Agent), chat.TicketId, cursor, "7", default));

        Assert.Equal(500, machineRead.Count);
        Assert.Equal(500, machineRead.Select(m => m.Id).Distinct().Count());
        Assert.Equal(expected.Order(), machineRead.Select(m => m.Id).Order());
        Assert.Equal(machineRead.OrderBy(m => m.CreatedAt).ThenBy(m => m.Id, StringComparer.Ordinal).Select(m => m.Id), machineRead.Select(m => m.Id));
        Assert.True(machineRead.GroupBy(m => m.CreatedAt).Max(g => g.Count()) >= 100);
        Assert.Equal(machineRead.Select(m => m.Id), agentRead.Select(m => m.Id));
    }

    /// <summary>The use cases as another worker process has them: the same store, a message clock of its own.</summary>
    MessagePosting AnotherWorker() => ActivatorUtilities.CreateInstance<MessagePosting>(app.Services, new MessageClock(app.Time));

    [Fact]
    public async Task Messages_posted_through_one_worker_within_one_millisecond_are_listed_in_the_order_they_were_posted()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        // Keys whose message ids sort in the reverse of the posting order: the id cannot be what keeps the order.
        var keys = Enumerable.Range(0, 50).Select(n => $"k{n}")
            .OrderByDescending(k => MessageDocument.IdFor(sessionId, $"machine:{chat.MachineId}", k), StringComparer.Ordinal).Take(6).ToList();
        foreach (var key in keys)
            await Posting.PostAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, new PostMessageRequest(key, key, null), default);

        var newest = await Pages.ListAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, null, "10", default);
        Assert.Equal(keys, newest.Messages.Select(m => m.Body));
        var forward = await ReadAllAsync(cursor => Pages.ListAsync(ChatParticipant.Of(chat.Agent), chat.TicketId, cursor, "7", default));
        Assert.Equal(newest.Messages.Select(m => m.Id), forward.Select(m => m.Id));
        Assert.InRange(forward[^1].CreatedAt - forward[0].CreatedAt, 5, 5); // the fake clock stood still: 1 ms apart
    }

    [Fact]
    public async Task Without_a_cursor_the_newest_messages_come_in_chronological_order()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        Task<MessageList> ListAsync(string? since, string? limit) => Pages.ListAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, since, limit, default);
        for (var i = 0; i < 8; i++)
        {
            await chat.PostFromMachineAsync($"m{i}");
            app.Time.Advance(TimeSpan.FromMilliseconds(5));
        }
        var page = await ListAsync(null, "3");
        Assert.Equal(["m5", "m6", "m7"], page.Messages.Select(m => m.Body));

        await chat.PostFromMachineAsync("m8");
        var after = await ListAsync(page.NextCursor, null);
        Assert.Equal(["m8"], after.Messages.Select(m => m.Body));
        var nothing = await ListAsync(after.NextCursor, null);
        Assert.Empty(nothing.Messages);
        Assert.Equal(after.NextCursor, nothing.NextCursor);
    }

    sealed record Seen(string Id, long CreatedAt);

    static async Task<List<Seen>> ReadAllAsync(Func<string, Task<MessageList>> list)
    {
        var seen = new List<Seen>();
        var cursor = "1"; // everything after 1 ms past the epoch: the whole chat, forward ("0" is no cursor, as in the reference)
        for (var pages = 0; pages < 200; pages++)
        {
            var page = await list(cursor);
            if (page.Messages.Count == 0) return seen;
            Assert.True(page.Messages.Count <= 7);
            seen.AddRange(page.Messages.Select(m => new Seen(m.Id, m.CreatedAt)));
            cursor = page.NextCursor!;
        }
        throw new InvalidOperationException("paging did not end");
    }
}
