using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LiveChat.Client;

/// <summary>HTTP calls to the service with one caller's token; failures become <see cref="LiveChatException"/>.</summary>
sealed class ApiConnection(HttpClient http, Uri baseUrl, Func<CancellationToken, ValueTask<string>> token)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Uri BaseUrl { get; } = baseUrl;
    public HttpClient Http => http;
    public ValueTask<string> TokenAsync(CancellationToken ct) => token(ct);

    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (EntityTagHeaderValue ETag, object Answer)> _lastAnswers = new();

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct) =>
        (await ExchangeAsync<T>(method, path, body, null, ct)).Answer!;

    /// <summary>
    /// A GET the service answers with an ETag (the machine's poll and session list): the last answer's tag goes as
    /// If-None-Match, and a 304 (no body sent) returns that last answer.
    /// </summary>
    public async Task<T> GetConditionalAsync<T>(string path, CancellationToken ct)
    {
        var known = _lastAnswers.TryGetValue(path, out var last) && last.Answer is T;
        var (answer, etag) = await ExchangeAsync<T>(HttpMethod.Get, path, null, known ? last.ETag : null, ct);
        if (answer is null && known) return (T)last.Answer;
        if (etag is not null) _lastAnswers[path] = (etag, answer!);
        return answer!;
    }

    async Task<(T? Answer, EntityTagHeaderValue? ETag)> ExchangeAsync<T>(HttpMethod method, string path, object? body,
        EntityTagHeaderValue? ifNoneMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, new Uri(BaseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token(ct));
        if (ifNoneMatch is not null) request.Headers.IfNoneMatch.Add(ifNoneMatch);
        if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new LiveChatException(0, "unreachable", e.Message);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new LiveChatException(0, "timeout", e.Message);
        }
        using (response)
        {
            if (response.StatusCode == System.Net.HttpStatusCode.NotModified && ifNoneMatch is not null) return (default, ifNoneMatch);
            if (response.IsSuccessStatusCode) return ((await response.Content.ReadFromJsonAsync<T>(Json, ct))!, response.Headers.ETag);
            var retryAfter = response.Headers.RetryAfter?.Delta;
            try
            {
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
                throw new LiveChatException((int)response.StatusCode, problem.GetProperty("code").GetString() ?? "unknown",
                    problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "", retryAfter);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new LiveChatException((int)response.StatusCode, "http_" + (int)response.StatusCode, response.ReasonPhrase ?? "", retryAfter);
            }
        }
    }

    /// <summary>
    /// A post that may be retried: the same clientMessageId on every try, so a response lost on the way stores one
    /// message. Transient failures are retried with exponential back-off (or the service's Retry-After).
    /// </summary>
    public async Task<PostedMessage> PostMessageAsync(string path, string body, IReadOnlyList<string>? attachmentIds, string? clientMessageId,
        RetryPolicy retry, CancellationToken ct)
    {
        var request = new
        {
            body,
            clientMessageId = clientMessageId ?? Guid.NewGuid().ToString("N"),
            attachments = (attachmentIds ?? []).Select(id => new { storageId = id }).ToArray(),
        };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await SendAsync<PostedMessage>(HttpMethod.Post, path, request, ct);
            }
            catch (LiveChatException e) when (e.IsTransient && attempt < retry.MaxAttempts)
            {
                await Task.Delay(e.RetryAfter ?? retry.DelayFor(attempt), ct);
            }
        }
    }
}

/// <summary>How often and how patiently a post is retried.</summary>
public sealed record RetryPolicy(int MaxAttempts = 5, TimeSpan? FirstDelay = null)
{
    internal TimeSpan DelayFor(int attempt) =>
        TimeSpan.FromMilliseconds((FirstDelay ?? TimeSpan.FromMilliseconds(200)).TotalMilliseconds * Math.Pow(2, attempt - 1) * (0.8 + Random.Shared.NextDouble() * 0.4));
}
