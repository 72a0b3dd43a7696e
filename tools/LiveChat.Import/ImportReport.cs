namespace LiveChat.Import;

public sealed class TableCount
{
    public int Read { get; set; }
    public int Imported { get; set; }
    public int AlreadyPresent { get; set; }
    public int Skipped { get; set; }
    public int OtherTenants { get; set; }
}

/// <summary>What an import did: counts per table, rows skipped and why, files missing or refused, warnings.</summary>
public sealed class ImportReport
{
    public static readonly string[] Tables =
        ["users", "tickets", "machines", "machineHeartbeats", "machineTokens", "liveChatSessions", "ticketEvents", "ticketChatMessages", "_storage"];

    public required string Snapshot { get; init; }
    public required string TenantId { get; init; }
    public bool DryRun { get; init; }
    public Dictionary<string, TableCount> Counts { get; } = Tables.ToDictionary(t => t, _ => new TableCount());
    public List<string> Skipped { get; } = [];
    public List<string> Warnings { get; } = [];
    /// <summary>Messages written between two sessions of their ticket (or before the first, after the last), each imported into one.</summary>
    public List<string> OutsideSessions { get; } = [];
    public List<string> FilesMissing { get; } = [];
    public List<string> FilesRefused { get; } = [];
    /// <summary>Set when the import could not go on (unreadable or damaged ZIP); what was written before stays, and a re-run resumes.</summary>
    public string? Fatal { get; set; }

    public bool ChangedNothing => Counts.Values.All(c => c.Imported == 0);

    public void Skip(TableCount count, string where, string reason)
    {
        count.Skipped++;
        Skipped.Add($"{where}: {reason}");
    }

    public void Write(TextWriter output)
    {
        output.WriteLine(DryRun
            ? $"Dry run of {Snapshot} for tenant {TenantId}: everything validated, nothing written."
            : $"Import of {Snapshot} into tenant {TenantId}:");
        output.WriteLine($"  {"table",-20}{"read",8}{(DryRun ? "valid" : "imported"),10}{"present",9}{"skipped",9}{"other tenants",15}");
        foreach (var (table, c) in Counts)
            output.WriteLine($"  {table,-20}{c.Read,8}{c.Imported,10}{c.AlreadyPresent,9}{c.Skipped,9}{c.OtherTenants,15}");
        Section(output, "Rows skipped", Skipped);
        Section(output, "Messages outside every session (imported into the next session of their ticket, or its last)", OutsideSessions);
        Section(output, "Files missing from the export (their messages are imported without them)", FilesMissing);
        Section(output, "Files refused (type, size or content; their messages are imported without them)", FilesRefused);
        Section(output, "Warnings", Warnings);
        if (Fatal is not null) output.WriteLine($"STOPPED: {Fatal}");
        else if (!DryRun && ChangedNothing) output.WriteLine("Nothing changed: everything in the snapshot was already imported.");
        else if (!DryRun) output.WriteLine("Done. Running it again changes nothing; after an interruption it resumes where it stopped.");
    }

    static void Section(TextWriter output, string title, List<string> lines)
    {
        if (lines.Count == 0) return;
        output.WriteLine($"{title}: {lines.Count}");
        foreach (var line in lines) output.WriteLine($"  - {line}");
    }
}
