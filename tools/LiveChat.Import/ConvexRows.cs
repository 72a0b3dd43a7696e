using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LiveChat.Import;

/// <summary>
/// A row of a Convex export table, read with JsonSerializer: the fields the reference reads, typed (Convex numbers are
/// float64, so times are doubles); a [Required] field missing or null skips the row, and every other field lands in
/// <see cref="Unknown"/>, reported once per table and ignored.
/// </summary>
public abstract record ConvexRow
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    [JsonPropertyName("_id")]
    public string? Id { get; init; }

    [JsonPropertyName("_creationTime")]
    public double? CreationTime { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unknown { get; init; }

    /// <summary>Where the row is in the export, for the report.</summary>
    [JsonIgnore]
    public SnapshotRow Source { get; set; } = null!;

    /// <summary>The tenant the row belongs to, for the tables that say.</summary>
    [JsonIgnore]
    public virtual string? Tenant => null;

    /// <summary>The row's createdAt, or when Convex created it.</summary>
    public long CreatedAtOr(double? createdAt) => Ms(createdAt ?? CreationTime) ?? 0;

    public static long? Ms(double? convexNumber) => convexNumber is { } n ? (long)n : null;

    /// <summary>The JSON names of the row's [Required] fields that are missing or null.</summary>
    public IEnumerable<string> MissingFields() =>
        GetType().GetProperties().Where(p => p.GetCustomAttribute<RequiredAttribute>() is not null && p.GetValue(this) is null)
            .Select(p => Json.PropertyNamingPolicy!.ConvertName(p.Name));
}

public sealed record PersonRow(string? Name, string? Email, string? AvatarUrl);

public sealed record AttachmentRow(string? StorageId, string? Name, string? Type);

public sealed record ReadByRow(string? UserId, double? ReadAt);

public sealed record UserRow : ConvexRow
{
    [Required] public string? TenantId { get; init; }
    [Required] public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Role { get; init; }
    public string? AvatarUrl { get; init; }
    public override string? Tenant => TenantId;
}

public sealed record TicketRow : ConvexRow
{
    [Required] public string? TenantId { get; init; }
    [Required] public string? Subject { get; init; }
    public double? Reference { get; init; }
    public string? RequesterId { get; init; }
    public string? CompanyId { get; init; }
    public string? MachineId { get; init; }
    public bool? ChatEnabled { get; init; }
    public double? CreatedAt { get; init; }
    public override string? Tenant => TenantId;
}

public sealed record MachineRow : ConvexRow
{
    [Required] public string? TenantId { get; init; }
    [Required] public string? Hostname { get; init; }
    public string? Status { get; init; }
    public string? AssignedUserId { get; init; }
    public string? AssignedUserName { get; init; }
    public string? AssignedUserEmail { get; init; }
    public List<string>? LinkedUserIds { get; init; }
    public double? LastHeartbeatAt { get; init; }
    public double? CreatedAt { get; init; }
    public override string? Tenant => TenantId;
}

public sealed record HeartbeatRow : ConvexRow
{
    [Required] public string? MachineId { get; init; }
    [Required] public double? LastHeartbeatAt { get; init; }
}

public sealed record TokenRow : ConvexRow
{
    [Required] public string? TenantId { get; init; }
    [Required] public string? MachineId { get; init; }
    [Required] public string? TokenHash { get; init; }
    [Required] public double? ExpiresAt { get; init; }
    public bool? Revoked { get; init; }
    public double? CreatedAt { get; init; }
    public override string? Tenant => TenantId;
}

public sealed record SessionRow : ConvexRow
{
    [Required] public string? TenantId { get; init; }
    [Required] public string? TicketId { get; init; }
    [Required] public string? MachineId { get; init; }
    [Required] public string? AgentId { get; init; }
    [Required] public string? Status { get; init; }
    [Required] public double? StartedAt { get; init; }
    public PersonRow? AgentSnapshot { get; init; }
    public double? LastActivityAt { get; init; }
    public double? EndedAt { get; init; }
    public double? UnreadByMachine { get; init; }
    public double? UnreadByAgent { get; init; }
    public override string? Tenant => TenantId;
}

public sealed record EventRow : ConvexRow
{
    [Required] public string? TicketId { get; init; }
    [Required] public string? Type { get; init; }
    [Required] public double? CreatedAt { get; init; }
    /// <summary>Kept whole: it is written to the service's timeline as the reference wrote it.</summary>
    public Dictionary<string, JsonElement>? Payload { get; init; }

    public string? PayloadText(string name) =>
        Payload?.GetValueOrDefault(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    public bool PayloadFlag(string name) => Payload?.GetValueOrDefault(name).ValueKind == JsonValueKind.True;
}

public sealed record MessageRow : ConvexRow
{
    [Required] public string? TenantId { get; init; }
    [Required] public string? TicketId { get; init; }
    [Required] public string? AuthorId { get; init; }
    [Required] public string? Body { get; init; }
    [Required] public double? CreatedAt { get; init; }
    public PersonRow? AuthorSnapshot { get; init; }
    public List<AttachmentRow>? Attachments { get; init; }
    public double? UpdatedAt { get; init; }
    public string? CompanyId { get; init; }
    public List<ReadByRow>? ReadBy { get; init; }
    public override string? Tenant => TenantId;
}
