using System.Text.Json;
using LiveChat.Core.Storage;

namespace LiveChat.Import;

/// <summary>
/// One tenant's rows of a snapshot, table by table: each row read into its typed record and checked (an id the store
/// can hold, the required fields), rows of other tenants counted and left out, everything else reported.
/// </summary>
sealed class TenantRows(ConvexSnapshot snapshot, string tenant, ImportReport report)
{
    public List<T> Load<T>(string table, HashSet<string>? allIds = null) where T : ConvexRow => Read<T>(table, allIds).ToList();

    /// <summary>The tenant's valid rows of the table, in file order; <paramref name="allIds"/> collects every tenant's ids.</summary>
    public IEnumerable<T> Read<T>(string table, HashSet<string>? allIds = null) where T : ConvexRow
    {
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var count = report.Counts[table];
        foreach (var source in snapshot.Rows(table))
        {
            count.Read++;
            if (source.Document is not { } json)
            {
                report.Skip(count, source.Where, source.Error!);
                continue;
            }
            T row;
            try
            {
                row = json.Deserialize<T>(ConvexRow.Json)!;
            }
            catch (JsonException e)
            {
                report.Skip(count, source.Where, $"field {e.Path?.TrimStart('$', '.')} is not of the type the reference wrote");
                continue;
            }
            row.Source = source;
            if (row.Unknown is { } extra) unknown.UnionWith(extra.Keys);
            if (row.Id is not { } id || !DocumentIds.CouldExist(id))
            {
                report.Skip(count, source.Where, "missing or malformed _id");
                continue;
            }
            allIds?.Add(id);
            var missing = row.MissingFields().ToList();
            if (missing.Count > 0)
            {
                report.Skip(count, source.Where, $"missing required field {string.Join(", ", missing)}");
                continue;
            }
            if (row.Tenant is { } owner && owner != tenant)
            {
                count.OtherTenants++;
                continue;
            }
            yield return row;
        }
        if (unknown.Count > 0) report.Warnings.Add($"table {table}: fields the service does not use, ignored: {string.Join(", ", unknown)}");
    }

    /// <summary>
    /// The tenant's row that <paramref name="field"/> (= <paramref name="id"/>) names; a reference to another
    /// tenant's row is counted, one to nothing reported.
    /// </summary>
    public T? Resolve<T>(ConvexRow row, string field, string? id, Dictionary<string, T> targets, HashSet<string> anyTenant, string what) where T : class
    {
        if (id is not null && targets.TryGetValue(id, out var target)) return target;
        var count = report.Counts[row.Source.Table];
        if (id is not null && anyTenant.Contains(id)) count.OtherTenants++;
        else report.Skip(count, row.Source.Where, $"{field} {id ?? "(none)"} refers to no {what}");
        return null;
    }
}
