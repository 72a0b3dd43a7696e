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
        id is not null && IdPattern().IsMatch(id) ? id : throw ErrorCatalog.ValidationFailed.Raise($"{field}: 1 a 128 caracteres (letras, números, '_', '.', '@', '-').");

    public static string Required(string? value, string field, int max = 200) =>
        !string.IsNullOrWhiteSpace(value) && value.Length <= max ? value.Trim() : throw ErrorCatalog.ValidationFailed.Raise($"{field} é obrigatório (até {max} caracteres).");

    public static string? Optional(string? value, string field, int max = 500) =>
        value is null || value.Length <= max ? value : throw ErrorCatalog.ValidationFailed.Raise($"{field}: até {max} caracteres.");
}
