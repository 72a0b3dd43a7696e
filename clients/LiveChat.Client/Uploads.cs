using System.Net;

namespace LiveChat.Client;

static class Uploads
{
    public static async Task<string> UploadAsync(ApiConnection api, string path, Stream content, string fileName, string contentType,
        IProgress<long>? progress, CancellationToken ct)
    {
        var size = content.CanSeek ? content.Length - content.Position : throw new ArgumentException("The stream must be seekable (its size is declared).", nameof(content));
        var ticket = await api.SendAsync<UploadTicket>(HttpMethod.Post, path, new { fileName, contentType, size }, ct);
        using var request = new HttpRequestMessage(new HttpMethod(ticket.Method), ticket.UploadUrl) { Content = new ProgressContent(content, size, progress) };
        foreach (var (name, value) in ticket.Headers)
            if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content.Headers.TryAddWithoutValidation(name, value);
        using var response = await api.Http.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new LiveChatException((int)response.StatusCode, "upload_failed", $"Blob Storage answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        return ticket.AttachmentId;
    }

    /// <summary>The stream as a request body, reporting the bytes written so far.</summary>
    sealed class ProgressContent(Stream source, long size, IProgress<long>? progress) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var buffer = new byte[64 * 1024];
            long sent = 0;
            int read;
            while ((read = await source.ReadAsync(buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
                sent += read;
                progress?.Report(sent);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = size;
            return true;
        }
    }
}
