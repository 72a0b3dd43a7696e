namespace LiveChat.Core.Errors;

/// <summary>
/// A failure the caller can act on: a stable code, its HTTP status, an English title, a Portuguese text, and for
/// failures that pass, the Retry-After seconds.
/// </summary>
public sealed record LiveChatError(string Code, int Status, string Title, string Detail, int? RetryAfterSeconds = null)
{
    public LiveChatException Raise(string? detail = null) => new(this, detail ?? Detail);
}

public sealed class LiveChatException(LiveChatError error, string detail) : Exception($"{error.Code}: {error.Title}")
{
    public LiveChatError Error { get; } = error;
    public string Detail { get; } = detail;
}
