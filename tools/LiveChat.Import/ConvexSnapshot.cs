using System.IO.Compression;
using System.Text.Json;

namespace LiveChat.Import;

/// <summary>One line of a table's documents.jsonl: its line number and the document, or why it could not be read.</summary>
public sealed record SnapshotRow(string Table, int Line, JsonElement? Document, string? Error)
{
    public string Where => Document?.TryGetProperty("_id", out var id) == true ? $"{Table} line {Line} (_id {id})" : $"{Table} line {Line}";
}

/// <summary>
/// A Convex snapshot export (`npx convex export --path snapshot.zip [--include-file-storage]`): a folder per table
/// holding documents.jsonl (one JSON document per line), and stored files under _storage (their metadata in
/// _storage/documents.jsonl, each file's bytes in _storage/&lt;id&gt;, possibly with an extension).
/// </summary>
public sealed class ConvexSnapshot : IDisposable
{
    readonly ZipArchive _zip;
    readonly Dictionary<string, ZipArchiveEntry> _files = new(StringComparer.Ordinal);
    readonly Dictionary<string, string> _sha256 = new(StringComparer.Ordinal);

    ConvexSnapshot(ZipArchive zip)
    {
        _zip = zip;
        foreach (var entry in zip.Entries.Where(e => e.FullName.StartsWith("_storage/", StringComparison.Ordinal) && e.Name.Length > 0))
        {
            var name = entry.FullName["_storage/".Length..];
            if (name == "documents.jsonl" || name.Contains('/')) continue;
            var dot = name.IndexOf('.');
            _files[dot < 0 ? name : name[..dot]] = entry;
        }
        foreach (var row in Rows("_storage"))
            if (row.Document is { } file && file.TryGetProperty("_id", out var id) && id.ValueKind == JsonValueKind.String
                && file.TryGetProperty("sha256", out var hash) && hash.ValueKind == JsonValueKind.String)
                _sha256[id.GetString()!] = hash.GetString()!;
    }

    /// <summary>The snapshot, or null with the reason when the file is not a readable ZIP (missing, truncated, not a ZIP).</summary>
    public static ConvexSnapshot? Open(string path, out string? error)
    {
        try
        {
            error = null;
            return new ConvexSnapshot(ZipFile.OpenRead(path));
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error = $"{path} is not a readable ZIP ({e.Message}); export it again with `npx convex export --path {Path.GetFileName(path)} --include-file-storage`.";
            return null;
        }
    }

    public bool HasTable(string table) => _zip.GetEntry($"{table}/documents.jsonl") is not null;

    /// <summary>
    /// The table's rows in file order; a line that is not a JSON object is returned with its error. Throws
    /// InvalidDataException when the archive itself is damaged inside the table.
    /// </summary>
    public IEnumerable<SnapshotRow> Rows(string table)
    {
        var entry = _zip.GetEntry($"{table}/documents.jsonl");
        if (entry is null) yield break;
        using var reader = new StreamReader(entry.Open());
        var line = 0;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0) continue;
            JsonElement? document = null;
            string? error = null;
            try
            {
                using var json = JsonDocument.Parse(text);
                if (json.RootElement.ValueKind == JsonValueKind.Object) document = json.RootElement.Clone();
                else error = "not a JSON object";
            }
            catch (JsonException e)
            {
                error = $"not valid JSON ({e.Message.Split('.')[0]})";
            }
            yield return new SnapshotRow(table, line, document, error);
        }
    }

    /// <summary>Lines of the table's documents.jsonl, for progress.</summary>
    public int LineCount(string table)
    {
        if (_zip.GetEntry($"{table}/documents.jsonl") is not { } entry) return 0;
        using var reader = new StreamReader(entry.Open());
        var lines = 0;
        while (reader.ReadLine() is { Length: > 0 }) lines++;
        return lines;
    }

    /// <summary>The stored file with this storage id, if the export included it.</summary>
    public ZipArchiveEntry? File(string storageId) => _files.GetValueOrDefault(storageId);

    /// <summary>The file's SHA-256 as _storage/documents.jsonl records it (base64), if it does.</summary>
    public string? Sha256(string storageId) => _sha256.GetValueOrDefault(storageId);

    public void Dispose() => _zip.Dispose();
}
