using System.Text.RegularExpressions;
using LiveChat.Core.Errors;

namespace LiveChat.Core.Identity;

/// <summary>What every ADMIN operation checks first: the role, then the ids and texts it was given.</summary>
public static partial class AdminInput
{
    public static void RequireAdmin(AgentCaller caller)
    {
        if (!caller.IsAdmin) throw ErrorCatalog.AdminOnly.Raise();
    }

    [GeneratedRegex("^[A-Za-z0-9_.@-]{1,128}$")]
    private static partial Regex IdPattern();

    public static string ValidId(string? id, string field) =>
        id is not null && IdPattern().IsMatch(id) ? id : throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.IdFormat(field));

    public static string Required(string? value, string field, int max = 200) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= max ? value.Trim() : throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.Required(field, max));

    public static string? Optional(string? value, string field, int max = 500) =>
        value is null || value.Length <= max ? value : throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.TooLong(field, max));
}
