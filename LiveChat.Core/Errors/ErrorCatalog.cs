namespace LiveChat.Core.Errors;

/// <summary>Every error the API returns. Portuguese texts are the reference's where it has one.</summary>
public static class ErrorCatalog
{
    // 400 / 413 / 415: the request itself
    public static readonly LiveChatError InvalidJson = new("invalid_json", 400, "Malformed JSON body", "O corpo da requisição não é um JSON válido.");
    public static readonly LiveChatError ValidationFailed = new("validation_failed", 400, "Validation failed", "Dados inválidos.");
    public static readonly LiveChatError MessageTooLong = new("message_too_long", 400, "Message too long", "Mensagem muito longa (máximo 4000 caracteres)");
    public static readonly LiveChatError MessageEmpty = new("message_empty", 400, "Message is empty", "A mensagem não pode estar vazia.");
    public static readonly LiveChatError PayloadTooLarge = new("payload_too_large", 413, "Request body too large", "O corpo da requisição é grande demais.");
    public static readonly LiveChatError UnsupportedMediaType = new("unsupported_media_type", 415, "Body must be application/json", "O corpo da requisição deve ser application/json.");
    public static readonly LiveChatError FileTypeNotAllowed = new("file_type_not_allowed", 400, "File type not allowed", "Tipo de arquivo não permitido. Permitidos: .jpg, .jpeg, .png, .gif, .webp, .pdf, .txt, .doc, .docx, .xls, .xlsx");
    public static readonly LiveChatError MimeTypeNotAllowed = new("file_type_not_allowed", 400, "MIME type not allowed", "Tipo MIME não permitido");
    public static readonly LiveChatError FileTooLarge = new("file_too_large", 400, "File too large", "Arquivo muito grande. Máximo: 10MB");
    public static readonly LiveChatError FileContentMismatch = new("file_type_not_allowed", 400, "File content does not match its type", "O conteúdo do arquivo não corresponde ao tipo informado.");
    public static readonly LiveChatError AttachmentExpired = new("attachment_expired", 400, "Upload too old to attach", "O arquivo foi enviado há tempo demais para ser anexado. Envie-o novamente.");
    public static readonly LiveChatError WebhookUrlRefused = new("webhook_url_refused", 400, "Webhook URL not allowed", "URL de webhook não permitida.");
    public static readonly LiveChatError AttachmentNotFound = new("attachment_not_found", 400, "Attachment not uploaded", "Anexo não encontrado. Envie o arquivo antes de anexá-lo.");

    // 401: who is calling
    public static readonly LiveChatError MachineTokenMissing = new("machine_token_missing", 401, "Machine token missing", "Token de máquina ausente.");
    public static readonly LiveChatError MachineTokenInvalid = new("machine_token_invalid", 401, "Machine token invalid", "Token de máquina inválido");
    public static readonly LiveChatError MachineTokenRevoked = new("machine_token_revoked", 401, "Machine token revoked", "Token de máquina revogado");
    public static readonly LiveChatError MachineTokenExpired = new("machine_token_expired", 401, "Machine token expired", "Token de máquina expirado");
    public static readonly LiveChatError AgentTokenMissing = new("agent_token_missing", 401, "Agent token missing", "Token de acesso ausente.");
    public static readonly LiveChatError AgentTokenInvalid = new("agent_token_invalid", 401, "Agent token invalid", "Token de acesso inválido ou expirado.");
    public static readonly LiveChatError AgentUnknown = new("agent_unknown", 401, "User not provisioned", "Usuário não cadastrado.");

    // 403: allowed to call, not to do this
    public static readonly LiveChatError ForbiddenRole = new("forbidden_role", 403, "Role not allowed", "Apenas agentes podem iniciar chat ao vivo");
    public static readonly LiveChatError ForbiddenRoleEnd = new("forbidden_role", 403, "Role not allowed", "Apenas agentes de suporte podem encerrar sessões de chat");
    public static readonly LiveChatError ForbiddenRoleView = new("forbidden_role", 403, "Role not allowed", "Apenas agentes podem ver chats ao vivo.");
    public static readonly LiveChatError AdminOnly = new("forbidden_role", 403, "Only ADMIN may provision", "Apenas administradores podem fazer isso.");
    public static readonly LiveChatError NotMessageAuthor = new("not_message_author", 403, "Only the author may change a message", "Apenas o autor pode alterar esta mensagem.");
    public static readonly LiveChatError ForbiddenRoleAudit = new("forbidden_role", 403, "Role not allowed", "Apenas administradores e gerentes podem ver o histórico de edições.");
    public static readonly LiveChatError MachineNotLinked = new("machine_not_linked", 403, "Machine not linked to ticket", "Esta máquina não está vinculada a este ticket");

    // 404: unknown, or another tenant's
    public static readonly LiveChatError TicketNotFound = new("ticket_not_found", 404, "Ticket not found", "Ticket não encontrado");
    public static readonly LiveChatError SessionNotFound = new("session_not_found", 404, "Session not found", "Sessão não encontrada");
    public static readonly LiveChatError MachineNotFound = new("machine_not_found", 404, "Machine not found", "Máquina não encontrada");
    public static readonly LiveChatError MessageNotFound = new("message_not_found", 404, "Message not found", "Mensagem não encontrada.");
    public static readonly LiveChatError UserNotFound = new("user_not_found", 404, "User not found", "Usuário não encontrado.");
    public static readonly LiveChatError WebhookNotFound = new("webhook_not_found", 404, "Webhook endpoint not found", "Webhook não encontrado.");
    public static readonly LiveChatError WebhookDeliveryNotFound = new("webhook_delivery_not_found", 404, "Webhook delivery not found", "Entrega de webhook não encontrada.");
    public static readonly LiveChatError ConsoleDisabled = new("console_disabled", 404, "Agent console is off", "O console do agente está desativado neste ambiente (AgentConsole:Enabled).");
    public static readonly LiveChatError ConsoleFileNotFound = new("console_file_not_found", 404, "No such console file", "Arquivo do console não encontrado.");

    // 409: the state does not allow it
    public static readonly LiveChatError TicketHasNoMachine = new("ticket_has_no_machine", 409, "Ticket not linked to a machine", "Este ticket não está vinculado a uma máquina");
    public static readonly LiveChatError MachineOffline = new("machine_offline", 409, "Machine offline", "Máquina offline. A máquina precisa estar online para iniciar o chat.");
    public static readonly LiveChatError SessionNotActive = new("session_not_active", 409, "No active session", "Nenhuma sessão de chat ativa para este ticket");
    public static readonly LiveChatError SessionAlreadyEnded = new("session_not_active", 409, "Session already ended", "Sessão já encerrada");
    public static readonly LiveChatError MachineRevoked = new("machine_revoked", 409, "Machine revoked", "Máquina revogada.");
    public static readonly LiveChatError IdTaken = new("id_taken", 409, "Id already in use", "Este identificador já está em uso.");
    public static readonly LiveChatError IdempotencyKeyReused = new("idempotency_key_reused", 409, "clientMessageId reused with other content", "Este clientMessageId já foi usado para outra mensagem nesta sessão.");
    public static readonly LiveChatError MessageInProgress = new("message_in_progress", 409, "A request with this clientMessageId is still in progress, retry", "Esta mensagem ainda está sendo enviada. Tente novamente em instantes.", RetryAfterSeconds: 10);
    public static readonly LiveChatError EditWindowPassed = new("edit_window_passed", 409, "Too late to change this message", "O prazo para alterar esta mensagem terminou.");
    public static readonly LiveChatError MessageDeleted = new("message_deleted", 409, "Message deleted", "Esta mensagem foi apagada.");
    public static readonly LiveChatError TooManyWebhooks = new("too_many_webhooks", 409, "Too many webhook endpoints", "Limite de webhooks atingido.");
    public static readonly LiveChatError ConcurrentUpdate = new("concurrent_update", 409, "Changed by another request, retry", "O registro foi alterado ao mesmo tempo. Tente novamente.", RetryAfterSeconds: 1);

    // 429: too many calls from this caller
    public static readonly LiveChatError RateLimited = new("rate_limited", 429, "Too many requests, retry later", "Muitas requisições. Tente novamente em instantes.");

    // 5xx: ours
    public static readonly LiveChatError StoreUnavailable = new("store_unavailable", 503, "Store unavailable, retry later", "Serviço temporariamente indisponível. Tente novamente.", RetryAfterSeconds: 5);
    public static readonly LiveChatError IdentityUnavailable = new("identity_unavailable", 503, "Identity provider unavailable, retry later", "O provedor de identidade está indisponível. Tente novamente.", RetryAfterSeconds: 5);
    public static readonly LiveChatError RealtimeUnavailable = new("realtime_unavailable", 503, "Realtime push unavailable, retry later", "Notificações em tempo real indisponíveis. Tente novamente.", RetryAfterSeconds: 5);
    public static readonly LiveChatError RealtimeDisabled = new("realtime_disabled", 503, "Realtime push is not configured", "Notificações em tempo real não estão configuradas.");
    public static readonly LiveChatError Internal = new("internal_error", 500, "Internal error", "Erro interno.");
}
