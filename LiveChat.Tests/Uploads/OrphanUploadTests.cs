using System.Net;
using LiveChat.Core.Chat;
using LiveChat.Core.Errors;
using LiveChat.Core.Uploads;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Uploads;

/// <summary>Uploads no message attached, on a fake clock and a blob container of the app's own.</summary>
public sealed class OrphanUploadTests(CoreApp app) : IClassFixture<CoreApp>
{
    async Task<string> UploadAsync(CoreChat chat, string fileName)
    {
        var ticket = await app.Get<Core.Uploads.Uploads>().CreateAsync(AttachmentOwner.Machine(chat.Machine),
            new UploadRequest(fileName, "text/plain", 2), default);
        var request = new HttpRequestMessage(HttpMethod.Put, ticket.UploadUrl) { Content = new ByteArrayContent("oi"u8.ToArray()) };
        foreach (var (name, value) in ticket.Headers)
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content.Headers.TryAddWithoutValidation(name, value);
        Assert.Equal(HttpStatusCode.Created, (await new HttpClient().SendAsync(request)).StatusCode);
        return ticket.AttachmentId;
    }

    Task<PostMessageResult> AttachAsync(CoreChat chat, string attachmentId) =>
        app.Get<MessagePosting>().PostAsync(ChatParticipant.Of(chat.Machine), chat.TicketId,
            new PostMessageRequest("anexo", null, [new AttachmentCitation(attachmentId)]), default);

    async Task<bool> ExistsAsync(string blobName) => await app.Get<BlobStore>().PropertiesOrNullAsync(blobName, default) is not null;

    [Fact]
    public async Task Uploads_never_attached_are_deleted_after_the_attach_window_and_attached_ones_stay()
    {
        var chat = await app.ChatAsync();
        await chat.StartSessionAsync();
        var (orphan, attached, late) = (await UploadAsync(chat, "nunca.txt"), await UploadAsync(chat, "enviado.txt"), await UploadAsync(chat, "tarde.txt"));
        await AttachAsync(chat, attached);
        var orphans = app.Get<OrphanUploads>();

        app.Time.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(0, await orphans.DeleteAsync(default));
        Assert.True(await ExistsAsync(orphan));

        app.Time.Advance(TimeSpan.FromMinutes(11));
        var refused = await Assert.ThrowsAsync<LiveChatException>(() => AttachAsync(chat, late));
        Assert.Equal("attachment_expired", refused.Error.Code);
        await AttachAsync(chat, attached); // already attached once: citing it again is fine

        app.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, await orphans.DeleteAsync(default));
        Assert.False(await ExistsAsync(orphan));
        Assert.False(await ExistsAsync(late));
        Assert.True(await ExistsAsync(attached));
        Assert.Equal(0, await orphans.DeleteAsync(default));
    }
}
