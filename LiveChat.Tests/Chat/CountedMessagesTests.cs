using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Chat;

/// <summary>The session's record of counted messages stays small however long the chat.</summary>
public sealed class CountedMessagesTests(CoreApp app) : IClassFixture<CoreApp>
{
    async Task<SessionDocument> SessionAsync(CoreChat chat, string sessionId) =>
        (await app.Store.SessionAsync(sessionId));

    Task<PostMessageResult> PostAsync(CoreChat chat, string body, string? key = null) =>
        app.Get<MessagePosting>().PostAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, new PostMessageRequest(body, key, null), default);

    [Fact]
    public async Task Only_the_latest_entries_are_kept_and_a_retry_of_a_dropped_one_counts_nothing()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var first = await PostAsync(chat, "primeira", "k-first");
        var posts = 2 * SessionDocument.KeptCountedMessages + 20;
        for (var i = 1; i < posts; i++)
        {
            await PostAsync(chat, $"mensagem {i}");
            app.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var session = await SessionAsync(chat, sessionId);
        Assert.InRange(session.CountedMessages.Count, SessionDocument.KeptCountedMessages, 2 * SessionDocument.KeptCountedMessages);
        Assert.DoesNotContain(first.MessageId, session.CountedMessages.Keys);
        Assert.Equal(posts, session.UnreadByAgent);

        var lateRetry = await PostAsync(chat, "primeira", "k-first");
        Assert.Equal((first.MessageId, false), (lateRetry.MessageId, lateRetry.Created));
        Assert.Equal(posts, (await SessionAsync(chat, sessionId)).UnreadByAgent);
    }

    /// <summary>Concurrent posts, whose counts race for the session document, still leave it small (it was 11.7 KB).</summary>
    [Fact]
    public async Task Concurrent_posts_keep_the_record_bounded_and_every_message_counted()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        await Parallel.ForEachAsync(Enumerable.Range(0, 400), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, _) => await PostAsync(chat, $"mensagem {i}"));

        var session = await SessionAsync(chat, sessionId);
        Assert.Equal(400, session.UnreadByAgent);
        Assert.InRange(session.CountedMessages.Count, 1, 2 * SessionDocument.KeptCountedMessages + 16);
    }
}
