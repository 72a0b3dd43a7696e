namespace LiveChat.Core.Chat;

/// <summary>
/// The words the chat's answers and files carry: the plain-text transcript's (the JSON and CSV transcripts carry
/// field names only) and the history's name for a machine without a hostname, as the reference showed it.
/// </summary>
public static class ChatTexts
{
    public const string UnnamedMachine = "Cliente";

    public static string Title(long reference, string subject) => $"Ticket #{reference} — {subject}";
    public static string TimesIn(string timeZone) => $"Horários em {timeZone}";
    public static string Session(string agent, string hostname, string started, string? ended, string? endReason) =>
        $"Sessão com {agent} ({hostname}), {started} – {ended ?? "em andamento"}{(endReason is null ? "" : $", encerrada: {endReason}")}";
    public static string UnknownSession(string sessionId) => $"Sessão {sessionId}";
    public static string Attachments(IEnumerable<string> files) => $" [anexos: {string.Join(", ", files)}]";
    public const string Deleted = " (mensagem apagada)";
    public const string Edited = " (editada)";
}
