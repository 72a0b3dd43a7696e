namespace LiveChat.Functions.Http;

/// <summary>Who may call an HTTP function: the header it authenticates with.</summary>
public enum Caller { Anonymous, Machine, Agent }

/// <summary>
/// An HTTP function's contract for the OpenAPI document (OpenApiContract): its caller, body and answer types, the
/// query parameters it reads, and the problem codes it can answer beyond those every call of its kind can.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiOperationAttribute(Caller caller, Type response, string summary) : Attribute
{
    public Caller Caller => caller;
    public Type Response => response;
    public string Summary => summary;
    public Type? Request { get; init; }
    /// <summary>200, or 201 when the call creates; "201 or 200" calls (idempotent creates) set both.</summary>
    public int[] Statuses { get; init; } = [200];
    public string[] Query { get; init; } = [];
    public string[] Errors { get; init; } = [];
    /// <summary>What a success answers when it is not a JSON document of <see cref="Response"/>: its media types (a file).</summary>
    public string[] Content { get; init; } = [];
    /// <summary>False for a call that reads no store (so never answers store_unavailable).</summary>
    public bool UsesStore { get; init; } = true;
    /// <summary>The answer carries an ETag, and If-None-Match with it gets 304 (<see cref="ApiResult.Conditional"/>).</summary>
    public bool Conditional { get; init; }
}
