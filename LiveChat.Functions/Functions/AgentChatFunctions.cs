using LiveChat.Core.Limits;
using LiveChat.Core.Chat;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

/// <summary>The agent panel's side of live chat (agent JWT).</summary>
public sealed class AgentChatFunctions(Api api, ChatSessions sessions, MessagePosting posting, MessagePages pages, ReadReceipts receipts, TicketHistory history, TypingSignals typing, Transcripts transcripts, MessageChanges changes)
{
    [Function("EditAgentMessage")]
    [ApiOperation(Caller.Agent, typeof(MessageChange), "Edit one's own message (within 15 minutes, session active)", Request = typeof(EditMessageRequest), Errors = ["message_too_long", "message_empty", "forbidden_role", "not_message_author", "ticket_not_found", "message_not_found", "session_not_active", "message_deleted", "edit_window_passed", "concurrent_update"])]
    public Task<IActionResult> EditAgentMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "tickets/{ticketId}/chat/messages/{messageId}")] HttpRequest req, string ticketId, string messageId) =>
        api.ForParticipant(req, async (who, ct) =>
            ApiResult.Ok(await changes.EditAsync(who, ticketId, messageId, await Api.ReadAsync<EditMessageRequest>(req, ct), ct)));

    [Function("DeleteAgentMessage")]
    [ApiOperation(Caller.Agent, typeof(MessageChange), "Delete one's own message, leaving a tombstone (within 15 minutes, session active)", Errors = ["forbidden_role", "not_message_author", "ticket_not_found", "message_not_found", "session_not_active", "message_deleted", "edit_window_passed", "concurrent_update"])]
    public Task<IActionResult> DeleteAgentMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "tickets/{ticketId}/chat/messages/{messageId}")] HttpRequest req, string ticketId, string messageId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await changes.DeleteAsync(who, ticketId, messageId, ct)));

    [Function("GetMessageEdits")]
    [ApiOperation(Caller.Agent, typeof(MessageAudit), "A message's earlier bodies (ADMIN, MANAGER)", Errors = ["forbidden_role", "ticket_not_found", "message_not_found"])]
    public Task<IActionResult> GetMessageEdits(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/messages/{messageId}/edits")] HttpRequest req, string ticketId, string messageId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await changes.AuditAsync(agent, ticketId, messageId, ct)));

    [Function("ExportTicketTranscript")]
    [ApiOperation(Caller.Agent, typeof(Stream), "Every session and message of the ticket, in order, as a file (json, txt or csv)", Query = ["format"], Content = ["application/json", "text/plain", "text/csv"], Errors = ["validation_failed", "forbidden_role", "ticket_not_found"])]
    public Task<IActionResult> ExportTicketTranscript(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/transcript")] HttpRequest req, string ticketId) =>
        api.ForAgent(req, async (agent, ct) =>
        {
            var transcript = await transcripts.ExportAsync(agent, ticketId, req.Query["format"], ct);
            return ApiResult.Download(transcript.ContentType, transcript.FileName, transcript.WriteAsync);
        });

    [Function("AgentTyping")]
    [ApiOperation(Caller.Agent, typeof(TypingResult), "Tell the machine the agent is typing (pushed at most every 2 s)", Statuses = [202], Errors = ["forbidden_role", "ticket_not_found", "session_not_active"])]
    [RateLimited(LimitedCall.Typing)]
    public Task<IActionResult> AgentTyping(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tickets/{ticketId}/chat/typing")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Accepted(await typing.SignalAsync(who, ticketId, ct)));

    [Function("StartSession")]
    [ApiOperation(Caller.Agent, typeof(StartSessionResult), "Start the ticket's live chat (or get its active session)", Statuses = [201, 200], Errors = ["forbidden_role", "ticket_not_found", "ticket_has_no_machine", "machine_not_found", "machine_offline", "machine_revoked", "concurrent_update"])]
    public Task<IActionResult> StartSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tickets/{ticketId}/chat/session")] HttpRequest req, string ticketId) =>
        api.ForAgent(req, async (agent, ct) =>
        {
            var started = await sessions.StartAsync(agent, ticketId, ct);
            return started.IsNew ? ApiResult.Created(started) : ApiResult.Ok(started);
        });

    [Function("GetTicketSession")]
    [ApiOperation(Caller.Agent, typeof(TicketSessionView), "The ticket's active session and whether its machine is online", Errors = ["forbidden_role", "ticket_not_found"])]
    public Task<IActionResult> GetTicketSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/session")] HttpRequest req, string ticketId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await sessions.GetForTicketAsync(agent, ticketId, ct)));

    [Function("EndSession")]
    [ApiOperation(Caller.Agent, typeof(Core.OkResult), "End a session", Errors = ["forbidden_role", "session_not_found", "session_not_active", "concurrent_update"])]
    public Task<IActionResult> EndSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chat/sessions/{sessionId}/end")] HttpRequest req, string sessionId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await sessions.EndAsync(agent, sessionId, ct)));

    [Function("GetTicketChatHistory")]
    [ApiOperation(Caller.Agent, typeof(ChatHistory), "The ticket's sessions, newest first, with their messages", Query = ["before"], Errors = ["validation_failed", "forbidden_role", "ticket_not_found"])]
    public Task<IActionResult> GetTicketChatHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/history")] HttpRequest req, string ticketId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await history.HistoryAsync(agent, ticketId, req.Query["before"], ct)));

    [Function("ListAgentSessions")]
    [ApiOperation(Caller.Agent, typeof(IReadOnlyList<AgentSessionView>), "The tenant's active sessions")]
    public Task<IActionResult> ListAgentSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agent/chat/sessions")] HttpRequest req) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await sessions.ListForAgentAsync(agent, ct)));

    [Function("PostAgentMessage")]
    [ApiOperation(Caller.Agent, typeof(PostMessageResult), "Post a message as the agent", Request = typeof(PostMessageRequest), Statuses = [201, 200], Errors = ["validation_failed", "message_too_long", "message_empty", "file_type_not_allowed", "file_too_large", "attachment_not_found", "attachment_expired", "forbidden_role", "ticket_not_found", "session_not_active", "idempotency_key_reused", "message_in_progress"])]
    [RateLimited(LimitedCall.Posts)]
    public Task<IActionResult> PostAgentMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tickets/{ticketId}/chat/messages")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.CreatedOrOk(await posting.PostAsync(who, ticketId, await Api.ReadAsync<PostMessageRequest>(req, ct), ct)));

    [Function("ListAgentMessages")]
    [ApiOperation(Caller.Agent, typeof(MessageList), "The ticket's messages: the newest, or forward from a cursor", Query = ["after", "limit"], Errors = ["validation_failed", "forbidden_role", "ticket_not_found"])]
    public Task<IActionResult> ListAgentMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/messages")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await pages.ListAsync(who, ticketId, req.Query["after"], req.Query["limit"], ct)));

    [Function("MarkAgentMessagesRead")]
    [ApiOperation(Caller.Agent, typeof(MarkReadResult), "Mark the machine's messages read", Request = typeof(MarkReadRequest), Errors = ["validation_failed", "forbidden_role", "ticket_not_found", "concurrent_update"])]
    public Task<IActionResult> MarkAgentMessagesRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tickets/{ticketId}/chat/read")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await receipts.MarkReadAsync(who, ticketId, await Api.ReadAsync<MarkReadRequest>(req, ct), ct)));
}
