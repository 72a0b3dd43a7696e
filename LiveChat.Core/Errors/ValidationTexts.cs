namespace LiveChat.Core.Errors;

/// <summary>
/// The details of answers whose words depend on the request or the settings, next to the catalog: every word a caller reads has
/// one home here or in <see cref="ErrorCatalog"/>. Limits come in as arguments, from the options that set them.
/// </summary>
public static class ValidationTexts
{
    public const string BodyRequired = "O corpo da requisição é obrigatório.";
    public const string BodyNotAnObject = "O corpo da requisição deve ser um objeto JSON.";
    public const string CursorInvalid = "Cursor inválido: use o nextCursor devolvido ou um timestamp em milissegundos.";
    public const string LimitInvalid = "limit deve ser um inteiro não negativo.";
    public const string BeforeInvalid = "before deve ser um timestamp em milissegundos.";
    public const string MessageIdsRequired = "messageIds é obrigatório.";
    public const string MessageIdInvalid = "messageIds contém um id inválido.";
    public const string ClientMessageIdInvalid = "clientMessageId deve ter de 1 a 64 caracteres: letras, números, '-' ou '_'.";
    public const string AttachmentIdsInvalid = "Cada anexo precisa de um storageId, sem repetição.";
    public const string ReferenceRequired = "reference é obrigatório (número ≥ 0).";
    public const string FileSizeRequired = "size é obrigatório e não pode ser negativo.";
    public const string FileNameInvalid = "fileName inválido.";
    public const string TranscriptFormat = "format deve ser json, txt ou csv.";

    // The reference's texts for these three, with the limits the options set (its defaults: 4000, 10MB, its list).
    public static string MessageTooLong(int maxLength) => $"Mensagem muito longa (máximo {maxLength} caracteres)";
    public static string FileTooLarge(long maxBytes) =>
        $"Arquivo muito grande. Máximo: {(maxBytes % (1024 * 1024) == 0 ? $"{maxBytes / (1024 * 1024)}MB" : $"{maxBytes} bytes")}";
    public static string FileTypeNotAllowed(IEnumerable<string> extensions) =>
        $"Tipo de arquivo não permitido. Permitidos: {string.Join(", ", extensions)}";

    public static string TooManyMarkReadIds(int max) => $"No máximo {max} mensagens por chamada.";
    public static string TooManyAttachments(int max) => $"No máximo {max} anexos por mensagem.";
    public static string FileNameRequired(int maxLength) => $"fileName é obrigatório (até {maxLength} caracteres).";
    public static string IdFormat(string field) => $"{field}: 1 a 128 caracteres (letras, números, '_', '.', '@', '-').";
    public static string Required(string field, int maxLength) => $"{field} é obrigatório (até {maxLength} caracteres).";
    public static string RequiredField(string field) => $"{field} é obrigatório.";
    public static string TooLong(string field, int maxLength) => $"{field}: até {maxLength} caracteres.";
    public static string TooMany(string field, int max) => $"{field}: no máximo {max}.";
    public static string OneOf(string field, IEnumerable<string> allowed) => $"{field} deve ser um de: {string.Join(", ", allowed)}.";
    public static string FieldInvalid(string field) => $"Campo '{field}' com valor ou tipo inválido.";
    public static string NotATenantUser(string field, string userId) => $"{field}: '{userId}' não é um usuário deste tenant.";

    public static string LimitRange(int min, int max) => $"limit deve ser um inteiro de {min} a {max}.";
    public static string TooManyWebhooks(int max) => $"Limite de {max} webhooks por empresa atingido. Apague um para criar outro.";
    public static string WebhookEvents(IEnumerable<string> all) => $"events deve listar tipos de evento ({string.Join(", ", all)}) ou \"*\" para todos.";
}
