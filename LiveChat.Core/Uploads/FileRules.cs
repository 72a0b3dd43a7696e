using System.Globalization;
using System.Text;

namespace LiveChat.Core.Uploads;

/// <summary>The reference's allowed types, and how a client's file name becomes a safe blob name segment.</summary>
public static class FileRules
{
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

    public static bool IsAllowedExtension(string fileName) => MimeTypesByExtension.ContainsKey(Extension(fileName));

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
