using LiveChat.Core.Chat;
using LiveChat.Core.Sweep;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Machines;

/// <summary>
/// The machine's poll reads its inbox (one point read), which every session write is reflected into. What a worker
/// killed between the two writes leaves is what these tests write by hand: the session ahead of the inbox.
/// </summary>
public sealed class MachineInboxTests(CoreApp app) : IClassFixture<CoreApp>
{
    ChatSessions Sessions => app.Get<ChatSessions>();

    static async Task<long> TotalUnreadAsync(CoreChat chat) => (await chat.App.Get<ChatSessions>().UpdatesForMachineAsync(chat.Machine, default)).TotalUnread;

    static async Task<bool> ShowsActiveAsync(CoreChat chat) => (await chat.App.Get<ChatSessions>().UpdatesForMachineAsync(chat.Machine, default)).HasActiveSessions;

    async Task<InboxDocument> InboxAsync(CoreChat chat) => (await app.Get<MachineInbox>().ReadAsync(chat.Machine, default))!;

    [Fact]
    public async Task The_poll_follows_starts_posts_reads_and_ends_through_the_inbox()
    {
        var chat = await app.ChatAsync();
        Assert.False((await Sessions.UpdatesForMachineAsync(chat.Machine, default)).HasActiveSessions);
        var sessionId = await chat.StartSessionAsync();
        var first = await chat.PostFromAgentAsync("um");
        await chat.PostFromAgentAsync("dois");
        Assert.Equal(2, await TotalUnreadAsync(chat));

        await app.Get<ReadReceipts>().MarkReadAsync(ChatParticipant.Of(chat.Machine), chat.TicketId, new MarkReadRequest([first.MessageId]), default);
        Assert.Equal(1, await TotalUnreadAsync(chat));
        var listed = Assert.Single(await Sessions.ListForMachineAsync(chat.Machine, default));
        Assert.Equal((sessionId, "Agente", 1L), (listed.SessionId, listed.AgentName, listed.UnreadCount));

        await Sessions.EndAsync(chat.Agent, sessionId, default);
        Assert.False((await Sessions.UpdatesForMachineAsync(chat.Machine, default)).HasActiveSessions);
        Assert.Empty(await Sessions.ListForMachineAsync(chat.Machine, default));
    }

    [Fact]
    public async Task An_older_version_never_overwrites_a_newer_one()
    {
        var chat = await app.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        await chat.PostFromAgentAsync("um");
        var current = await app.Store.SessionAsync(sessionId);

        // A write that finished late (its request read the session before the post) arrives after the newer one.
        await app.Get<MachineInbox>().ReflectAsync(current with { UnreadByMachine = 0, Version = current.Version - 1 }, default);

        Assert.Equal((current.Version, 1L), ((await InboxAsync(chat)).Sessions[sessionId].Version, await TotalUnreadAsync(chat)));
    }

    /// <summary>The sweep looks at the whole database (and other tests move the clock): a database of its own.</summary>
    static async Task<CoreApp> OwnAppAsync()
    {
        var own = new CoreApp();
        await own.InitializeAsync();
        return own;
    }

    [Fact]
    public async Task The_sweep_reflects_a_session_write_whose_inbox_write_was_lost()
    {
        var own = await OwnAppAsync();
        var chat = await own.ChatAsync();
        await chat.StartSessionAsync();
        var before = (await own.Get<MachineInbox>().ReadAsync(chat.Machine, default))!;
        await chat.PostFromAgentAsync("um");
        // The worker died after counting the message into the session, before patching the inbox: the inbox as it was.
        await own.Store.MachineInboxes.ReplaceItemAsync(before with { ETag = null }, before.Id, new PartitionKey(before.Id));
        Assert.Equal(0, await TotalUnreadAsync(chat));

        await own.Get<InactivitySweep>().RunAsync(default);

        Assert.Equal(1, await TotalUnreadAsync(chat));
    }

    [Fact]
    public async Task The_sweep_takes_off_the_poll_an_ended_session_whose_inbox_write_was_lost()
    {
        var own = await OwnAppAsync();
        var chat = await own.ChatAsync();
        var sessionId = await chat.StartSessionAsync();
        var session = await own.Store.SessionAsync(sessionId);
        var ended = session with
        {
            Status = SessionStatus.Ended, ActiveKey = $"ended:{sessionId}", EndedAt = own.Time.GetUtcNow().ToUnixTimeMilliseconds(),
            Version = session.Version + 1, ETag = null,
        };
        await own.Store.Sessions.ReplaceItemAsync(ended, sessionId, ended.Key);
        Assert.True(await ShowsActiveAsync(chat));

        await own.Get<InactivitySweep>().RunAsync(default);

        Assert.False(await ShowsActiveAsync(chat));
    }

    [Fact]
    public async Task Entries_of_sessions_ended_long_ago_go_when_the_next_session_starts()
    {
        var chat = await app.ChatAsync();
        var first = await chat.StartSessionAsync();
        await Sessions.EndAsync(chat.Agent, first, default);
        var second = await chat.StartSessionAsync();
        Assert.Equal(new[] { first, second }.Order(), (await InboxAsync(chat)).Sessions.Keys.Order());

        await Sessions.EndAsync(chat.Agent, second, default);
        app.Time.Advance(MachineInbox.EndedKeptFor + TimeSpan.FromMinutes(1));
        await chat.HeartbeatAsync();
        var third = await chat.StartSessionAsync();

        Assert.Equal([third], (await InboxAsync(chat)).Sessions.Keys);
    }

    [Fact]
    public async Task Another_tenants_machine_id_reads_no_inbox()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var impostor = chat.Machine with { TenantId = "another-tenant" };
        Assert.Null(await app.Get<MachineInbox>().ReadAsync(impostor, default));
        Assert.False((await Sessions.UpdatesForMachineAsync(impostor, default)).HasActiveSessions);
    }
}
