namespace LiveChat.Core.Storage;

public static class DocumentIds
{
    /// <summary>
    /// Could this be the id of a stored document: 1–255 visible ASCII characters without the ones Cosmos DB forbids
    /// in ids ('/', '\', '?', '#') or '%'. Anything else is simply not found (never a store error).
    /// </summary>
    public static bool CouldExist(string? id) =>
        id is { Length: > 0 and <= 255 } && id.All(c => c is > ' ' and <= '~' and not ('/' or '\\' or '?' or '#' or '%'));
}
