using System.Globalization;
using System.Text;

namespace LiveChat.Core.Uploads;

/// <summary>The reference's allowed types, and how a client's file name becomes a safe blob name segment.</summary>
public static class FileRules
{
    public const int MaxFileNameLength = 255;

    public static readonly IReadOnlyDictionary<string, string[]> MimeTypesByExtension = new Dictionary<string, string[]>
    {
        [".jpg"] = ["image/jpeg"],
        [".jpeg"] = ["image/jpeg"],
        [".png"] = ["image/png"],
        [".gif"] = ["image/gif"],
        [".webp"] = ["image/webp"],
        [".pdf"] = ["application/pdf"],
        [".txt"] = ["text/plain"],
        [".doc"] = ["application/msword"],
        [".docx"] = ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"],
        [".xls"] = ["application/vnd.ms-excel"],
        [".xlsx"] = ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"],
    };

    /// <summary>The first bytes a file of each type starts with; .txt has none. (WebP: "RIFF", 4 size bytes, "WEBP".)</summary>
    static readonly IReadOnlyDictionary<string, byte?[][]> Signatures = new Dictionary<string, byte?[][]>
    {
        [".jpg"] = [[0xFF, 0xD8, 0xFF]],
        [".jpeg"] = [[0xFF, 0xD8, 0xFF]],
        [".png"] = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]],
        [".gif"] = [Ascii("GIF87a"), Ascii("GIF89a")],
        [".webp"] = [[.. Ascii("RIFF"), null, null, null, null, .. Ascii("WEBP")]],
        [".pdf"] = [Ascii("%PDF-")],
        // Office: OLE compound file (doc, xls) and zip (docx, xlsx).
        [".doc"] = [[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]],
        [".xls"] = [[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]],
        [".docx"] = [[0x50, 0x4B, 0x03, 0x04]],
        [".xlsx"] = [[0x50, 0x4B, 0x03, 0x04]],
    };

    public const int SignatureLength = 12;

    static byte?[] Ascii(string text) => text.Select(c => (byte?)c).ToArray();

    /// <summary>Do the file's first bytes fit its extension? Types without a signature always do.</summary>
    public static bool ContentMatches(string fileName, ReadOnlySpan<byte> head)
    {
        if (!Signatures.TryGetValue(Extension(fileName), out var signatures)) return true;
        foreach (var signature in signatures)
        {
            if (head.Length < signature.Length) continue;
            var matches = true;
            for (var i = 0; i < signature.Length && matches; i++) matches = signature[i] is not { } b || head[i] == b;
            if (matches) return true;
        }
        return false;
    }

    public static bool IsAllowedExtension(string fileName) => MimeTypesByExtension.ContainsKey(Extension(fileName));

    /// <summary>
    /// The declared type, or the one the extension implies when none was given or only application/octet-stream
    /// (what browsers report for some .doc/.xls, and many desktop agents send).
    /// </summary>
    public static string DeclaredOrImpliedType(string fileName, string? declared) =>
        string.IsNullOrWhiteSpace(declared) || MediaType(declared) == "application/octet-stream"
            ? MimeTypesByExtension.GetValueOrDefault(Extension(fileName))?[0] ?? "application/octet-stream"
            : declared;

    /// <summary>The MIME type must be in the reference's list and match the file's extension.</summary>
    public static bool IsAllowedType(string fileName, string? contentType) =>
        MimeTypesByExtension.TryGetValue(Extension(fileName), out var types) && types.Contains(MediaType(contentType));

    public static string Extension(string fileName) => Path.GetExtension(fileName).ToLowerInvariant();

    /// <summary>"text/plain; charset=utf-8" → "text/plain".</summary>
    public static string MediaType(string? contentType) => (contentType ?? "").Split(';')[0].Trim().ToLowerInvariant();

    /// <summary>
    /// One path segment: no separators, control or format characters, no leading dots (so no traversal);
    /// letters of any script are kept; at most 100 characters with the extension preserved. Null when nothing remains.
    /// </summary>
    public static string? SafeFileName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/')).Normalize(NormalizationForm.FormC);
        var safe = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var category = char.GetUnicodeCategory(c);
            var unsafeChar = char.IsControl(c) || category is UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.OtherNotAssigned || c is '/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|' or '#' or '%';
            safe.Append(unsafeChar ? '_' : c);
        }
        var result = safe.ToString().Trim().TrimStart('.').Trim();
        var extension = Path.GetExtension(result);
        if (result.Length > 100) result = result[..(100 - extension.Length)] + extension;
        return result.Length == 0 || result == extension ? null : result;
    }
}
