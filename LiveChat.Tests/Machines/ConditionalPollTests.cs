using System.Net;
using System.Net.Http.Headers;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Machines;

/// <summary>The machine's poll and session list carry an ETag; If-None-Match with it is 304 with no body until something changes.</summary>
public sealed class ConditionalPollTests(LiveChatApp app) : IClassFixture<LiveChatApp>
{
    async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, EntityTagHeaderValue? etag)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (etag is not null) request.Headers.IfNoneMatch.Add(etag);
        return await client.SendAsync(request);
    }

    [Theory]
    [InlineData("/api/machine/chat/updates")]
    [InlineData("/api/machine/chat/sessions")]
    public async Task An_unchanged_answer_is_304_without_a_body_and_any_change_gives_a_new_etag(string path)
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();

        var first = await GetAsync(chat.Machine, path, null);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var etag = first.Headers.ETag!;
        Assert.Equal("no-cache", first.Headers.CacheControl?.ToString());

        var same = await GetAsync(chat.Machine, path, etag);
        Assert.Equal(HttpStatusCode.NotModified, same.StatusCode);
        Assert.Empty(await same.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, same.Headers.ETag);

        // A new agent message changes the unread count: the same ETag now gets the new answer.
        await (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "novidade" })).OkJsonAsync(201);
        var changed = await GetAsync(chat.Machine, path, etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag);
        Assert.Contains("\"unreadCount\":1", await changed.Content.ReadAsStringAsync());

        // Another machine's ETag, or a stale one, is never taken for this one's.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(chat.Machine, path, new EntityTagHeaderValue("\"0123\""))).StatusCode);
    }
}
