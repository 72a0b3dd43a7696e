using System.Net;
using System.Text.Json;

namespace LiveChat.Tests.Infrastructure;

public static class UploadSteps
{
    static readonly HttpClient Storage = new();

    /// <summary>Step 1: an upload ticket (URL, headers) for one file.</summary>
    public static async Task<JsonElement> RequestUploadAsync(HttpClient client, string fileName, string contentType, long size,
        string path = "/api/machine/uploads") =>
        await (await client.PostJsonAsync(path, new { fileName, contentType, size })).OkJsonAsync();

    /// <summary>The documented three steps: ask for a URL, PUT the file with the returned headers, cite it in a message.</summary>
    public static async Task<string> UploadAsync(HttpClient client, string fileName, string contentType, byte[] bytes, string path = "/api/machine/uploads")
    {
        var ticket = await RequestUploadAsync(client, fileName, contentType, bytes.Length, path);
        var request = new HttpRequestMessage(HttpMethod.Put, ticket.GetProperty("uploadUrl").GetString()) { Content = new ByteArrayContent(bytes) };
        foreach (var header in ticket.GetProperty("headers").EnumerateObject())
            if (!request.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString()))
                request.Content.Headers.TryAddWithoutValidation(header.Name, header.Value.GetString());
        Assert.Equal(HttpStatusCode.Created, (await Storage.SendAsync(request)).StatusCode);
        return ticket.GetProperty("attachmentId").GetString()!;
    }
}
