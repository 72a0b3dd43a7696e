namespace LiveChat.Client;

/// <summary>A call the service refused or could not serve: its HTTP status and the problem's stable code and detail.</summary>
public sealed class LiveChatException(int status, string code, string detail, TimeSpan? retryAfter = null)
    : Exception($"{status} {code}: {detail}")
{
    /// <summary>The HTTP status (0 when the service could not be reached).</summary>
    public int Status { get; } = status;

    /// <summary>The problem's stable code (docs/api.md, "Errors"), e.g. <c>session_not_active</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The problem's Portuguese text, for people.</summary>
    public string Detail { get; } = detail;

    /// <summary>How long the service asked to wait before trying again, when it did.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Worth trying again later: the service or the network failed, not the request.</summary>
    public bool IsTransient => Status is 0 or 408 or 429 or >= 500 || Code == "message_in_progress";
}
