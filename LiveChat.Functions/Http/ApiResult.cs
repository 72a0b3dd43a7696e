using System.Text.Encodings.Web;
using System.Text.Json;
using LiveChat.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace LiveChat.Functions.Http;

/// <summary>
/// A JSON response written with the API's own serializer options, without depending on MVC formatters.
/// </summary>
public sealed class ApiResult(int status, object? body, string contentType = "application/json") : IActionResult
{
    Func<HttpResponse, CancellationToken, Task>? _stream;

    /// <summary>A file written straight to the response as it is produced (a transcript), offered for download.</summary>
    public static ApiResult Download(string contentType, string fileName, Func<Stream, CancellationToken, Task> write) =>
        new(StatusCodes.Status200OK, null, contentType)
        {
            _stream = (response, ct) =>
            {
                response.Headers.ContentDisposition = new System.Net.Mime.ContentDisposition { FileName = fileName }.ToString();
                return write(response.Body, ct);
            },
        };

    /// <summary>A file held in memory (the agent console's), with the headers it is served with.</summary>
    public static ApiResult File(string contentType, ReadOnlyMemory<byte> content, IReadOnlyDictionary<string, string> headers) =>
        new(StatusCodes.Status200OK, null, contentType)
        {
            _stream = (response, ct) =>
            {
                foreach (var (name, value) in headers) response.Headers[name] = value;
                response.ContentLength = content.Length;
                return response.Body.WriteAsync(content, ct).AsTask();
            },
        };

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Portuguese texts and SAS URLs stay readable. Relaxed escaping is only unsafe when JSON is pasted into
        // HTML; these bodies are served as application/json.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// A JSON answer a client may revalidate: its ETag is a hash of the body, and a request whose If-None-Match names
    /// it gets 304 with no body (the poll of a machine whose chats did not change costs no bytes to send).
    /// </summary>
    public static ApiResult Conditional(HttpRequest req, object body)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), Json);
        var etag = $"\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(json).AsSpan(0, 16))}\"";
        var unchanged = req.Headers.IfNoneMatch.SelectMany(v => (v ?? "").Split(',')).Select(v => v.Trim())
            .Any(v => v == "*" || v == etag || v == "W/" + etag);
        return new(unchanged ? StatusCodes.Status304NotModified : StatusCodes.Status200OK, null)
        {
            _stream = (response, ct) =>
            {
                response.Headers.ETag = etag;
                response.Headers.CacheControl = "no-cache";
                if (unchanged) return Task.CompletedTask;
                response.ContentLength = json.Length;
                return response.Body.WriteAsync(json, ct).AsTask();
            },
        };
    }

    public int Status => status;
    public string? ProblemCode => (body as ProblemBody)?.Code;

    public static ApiResult Ok(object body) => new(StatusCodes.Status200OK, body);
    public static ApiResult Created(object body) => new(StatusCodes.Status201Created, body);
    /// <summary>201 for a message just stored, 200 for an idempotent retry of one.</summary>
    public static ApiResult CreatedOrOk(Core.Chat.PostMessageResult posted) => posted.Created ? Created(posted) : Ok(posted);
    public static ApiResult Accepted(object body) => new(StatusCodes.Status202Accepted, body);

    /// <summary>RFC 9457 problem details with the stable code.</summary>
    public static ApiResult Problem(LiveChatError error, string detail, string instance) =>
        new(error.Status, new ProblemBody($"https://livechat.dev/errors/{error.Code}", error.Title, error.Status, detail, error.Code, instance),
            "application/problem+json");

    public async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.StatusCode = status;
        if (_stream is not null)
        {
            if (status != StatusCodes.Status304NotModified) response.ContentType = contentType;
            await _stream(response, context.HttpContext.RequestAborted);
            return;
        }
        if (body is null) return;
        response.ContentType = contentType;
        await JsonSerializer.SerializeAsync(response.Body, body, body.GetType(), Json, context.HttpContext.RequestAborted);
    }

    sealed record ProblemBody(string Type, string Title, int Status, string Detail, string Code, string Instance);
}
