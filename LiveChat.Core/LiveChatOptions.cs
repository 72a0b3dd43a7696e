namespace LiveChat.Core;

/// <summary>The product's limits and timeouts, with the reference's defaults. Section "LiveChat".</summary>
public sealed class LiveChatOptions
{
    public TimeSpan MachineOfflineAfter { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan ChatInactiveAfter { get; set; } = TimeSpan.FromHours(12);
    public int MaxMessageLength { get; set; } = 4000;
    public int DefaultListLimit { get; set; } = 50;
    public int MaxListLimit { get; set; } = 200;
    public int MaxMarkReadIds { get; set; } = 50;
    public int MaxMachineSessions { get; set; } = 50;
    public int MaxAgentSessions { get; set; } = 100;
    public int MaxHistorySessions { get; set; } = 50;
    public int MaxHistoryMessages { get; set; } = 500;
    public int MaxAttachmentsPerMessage { get; set; } = 5;
    /// <summary>How often an ETag-conditioned update is retried against concurrent writers before 409 concurrent_update.</summary>
    public int MaxConcurrentUpdateAttempts { get; set; } = 10;
    /// <summary>How long a validated machine token is trusted without a store read (≤ 30 s; 0 disables).</summary>
    public TimeSpan MachineTokenCacheFor { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long an agent's user document (role, tenant, name) is trusted without a store read (≤ 30 s; 0 disables).</summary>
    public TimeSpan AgentUserCacheFor { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Lifetime of a machine token issued at registration or rotation.</summary>
    public TimeSpan MachineTokenLifetime { get; set; } = TimeSpan.FromDays(365);
    /// <summary>How long one sweep run may keep ending sessions before leaving the rest to the next run.</summary>
    public TimeSpan SweepTimeBudget { get; set; } = TimeSpan.FromSeconds(45);
    /// <summary>
    /// Every HTTP call's deadline: past it, a stalled store or blob service answers 503 store_unavailable instead of
    /// holding the caller (the SDKs' own timeouts and retries are bounded below it).
    /// </summary>
    public TimeSpan RequestDeadline { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>How long after posting its author may edit or delete a message (while its session is active).</summary>
    public TimeSpan EditWindow { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary>The time zone of transcripts' text format (IANA id).</summary>
    public string TimeZone { get; set; } = "America/Sao_Paulo";
    /// <summary>How many due sessions the sweep ends at once.</summary>
    public int SweepParallelism { get; set; } = 8;
    /// <summary>
    /// How often the sweep recounts each ACTIVE session's unread counters from its messages (whole minutes; the
    /// sessions are spread over the runs in between). One query per session recounted; more only to correct one.
    /// </summary>
    public TimeSpan UnreadRecountEvery { get; set; } = TimeSpan.FromMinutes(5);
    /// <summary>How far back the sweep looks for a session whose timeline event was not written.</summary>
    public TimeSpan SweepRepairWindow { get; set; } = TimeSpan.FromHours(1);
}
