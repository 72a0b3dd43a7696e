namespace LiveChat.Core.Errors;

/// <summary>
/// A failure the caller can act on: a stable code, its HTTP status, an English title, a Portuguese text, and for
/// failures that pass, the Retry-After seconds.
/// </summary>
public sealed record LiveChatError(string Code, int Status, string Title, string Detail, int? RetryAfterSeconds = null)
{
    public LiveChatException Raise(string? detail = null, TimeSpan? retryAfter = null) => new(this, detail ?? Detail, retryAfter);
}

public sealed class LiveChatException(LiveChatError error, string detail, TimeSpan? retryAfter = null) : Exception($"{error.Code}: {error.Title}")
{
    public LiveChatError Error { get; } = error;
    public string Detail { get; } = detail;

    /// <summary>Retry-After seconds for this answer: the error's own, or the one this failure knows (a rate limit's).</summary>
    public int? RetryAfterSeconds { get; } = retryAfter is { } wait ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : error.RetryAfterSeconds;
}
