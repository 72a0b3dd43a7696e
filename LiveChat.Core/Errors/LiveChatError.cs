namespace LiveChat.Core.Errors;

/// <summary>A failure the caller can act on: a stable code, its HTTP status, an English title and a Portuguese text.</summary>
public sealed record LiveChatError(string Code, int Status, string Title, string Detail)
{
    public LiveChatException Raise(string? detail = null) => new(this, detail ?? Detail);
}

public sealed class LiveChatException(LiveChatError error, string detail) : Exception($"{error.Code}: {error.Title}")
{
    public LiveChatError Error { get; } = error;
    public string Detail { get; } = detail;
}
