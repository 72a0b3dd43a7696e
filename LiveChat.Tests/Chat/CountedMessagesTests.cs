using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

/// <summary>The session's record of counted messages stays within the retry window (fake clock).</summary>
public sealed class CountedMessagesTests(CoreApp app) : IClassFixture<CoreApp>
{
    async Task<SessionDocument> SessionAsync(CoreChat chat, string sessionId) =>
        (await app.Store.Sessions.ReadItemAsync<SessionDocument>(sessionId, new PartitionKey(chat.MachineId))).Resource;

    Task<PostMessageResult> PostAsync(CoreChat chat, string body, string? key = null) =>
        app.Get<ChatMessages>().PostFromMachineAsync(chat.Machine, chat.TicketId, new PostMessageRequest(body, key, null), default);

    [Fact]
    public async Task Entries_past_the_retry_window_are_dropped_by_later_counts_and_a_late_retry_counts_nothing()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var first = await PostAsync(chat, "primeira", "k-old");
        for (var i = 0; i < 6; i++) await PostAsync(chat, $"antiga {i}");
        Assert.Equal(7, (await SessionAsync(chat, sessionId)).CountedMessages.Count);

        app.Time.Advance(SessionDocument.CountedRetryWindow + TimeSpan.FromMinutes(1));
        await chat.HeartbeatAsync();
        var recent = await PostAsync(chat, "nova");
        Assert.Equal(3, (await SessionAsync(chat, sessionId)).CountedMessages.Count); // 5 dropped, 2 old left, 1 new
        await PostAsync(chat, "outra nova");
        var session = await SessionAsync(chat, sessionId);
        Assert.Equal(2, session.CountedMessages.Count);
        Assert.Contains(recent.MessageId, session.CountedMessages.Keys);

        var lateRetry = await PostAsync(chat, "primeira", "k-old");
        Assert.Equal((first.MessageId, false), (lateRetry.MessageId, lateRetry.Created));
        Assert.Equal(9, (await SessionAsync(chat, sessionId)).UnreadByAgent);
    }
}
