using LiveChat.Core.Chat;
using LiveChat.Core.Limits;
using LiveChat.Core.Machines;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

/// <summary>The desktop machine agent's side of live chat (machine token).</summary>
public sealed class MachineFunctions(
    Api api, ChatSessions sessions, MessagePosting posting, MessagePages pages, ReadReceipts receipts, TypingSignals typing, MessageChanges changes, MachineRegistry machines)
{
    [Function("EditMachineMessage")]
    [ApiOperation(Caller.Machine, typeof(MessageChange), "Edit one's own message (within 15 minutes, session active)", Request = typeof(EditMessageRequest), Errors = ["message_too_long", "message_empty", "not_message_author", "message_not_found", "session_not_active", "message_deleted", "edit_window_passed", "concurrent_update"])]
    public Task<IActionResult> EditMachineMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "machine/tickets/{ticketId}/chat/messages/{messageId}")] HttpRequest req, string ticketId, string messageId) =>
        api.ForParticipant(req, async (who, ct) =>
            ApiResult.Ok(await changes.EditAsync(who, ticketId, messageId, await Api.ReadAsync<EditMessageRequest>(req, ct), ct)));

    [Function("DeleteMachineMessage")]
    [ApiOperation(Caller.Machine, typeof(MessageChange), "Delete one's own message, leaving a tombstone (within 15 minutes, session active)", Errors = ["not_message_author", "message_not_found", "session_not_active", "message_deleted", "edit_window_passed", "concurrent_update"])]
    public Task<IActionResult> DeleteMachineMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "machine/tickets/{ticketId}/chat/messages/{messageId}")] HttpRequest req, string ticketId, string messageId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await changes.DeleteAsync(who, ticketId, messageId, ct)));

    [Function("MachineTyping")]
    [ApiOperation(Caller.Machine, typeof(TypingResult), "Tell the agent the person at the machine is typing (pushed at most every 2 s)", Statuses = [202], Errors = ["session_not_active"])]
    [RateLimited(LimitedCall.Typing)]
    public Task<IActionResult> MachineTyping(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "machine/tickets/{ticketId}/chat/typing")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Accepted(await typing.SignalAsync(who, ticketId, ct)));

    [Function("PostMachineMessage")]
    [ApiOperation(Caller.Machine, typeof(PostMessageResult), "Post a message as the machine", Request = typeof(PostMessageRequest), Statuses = [201, 200], Errors = ["validation_failed", "message_too_long", "message_empty", "file_type_not_allowed", "file_too_large", "attachment_not_found", "attachment_expired", "session_not_active", "idempotency_key_reused", "message_in_progress"])]
    [RateLimited(LimitedCall.Posts)]
    public Task<IActionResult> PostMachineMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "machine/tickets/{ticketId}/chat/messages")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.CreatedOrOk(await posting.PostAsync(who, ticketId, await Api.ReadAsync<PostMessageRequest>(req, ct), ct)));

    [Function("ListMachineMessages")]
    [ApiOperation(Caller.Machine, typeof(MessageList), "The active session's messages: the newest, or forward from a cursor", Query = ["since", "limit"], Errors = ["validation_failed"])]
    public Task<IActionResult> ListMachineMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "machine/tickets/{ticketId}/chat/messages")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await pages.ListAsync(who, ticketId, req.Query["since"], req.Query["limit"], ct)));

    [Function("MarkMachineMessagesRead")]
    [ApiOperation(Caller.Machine, typeof(MarkReadResult), "Mark the agent's messages read", Request = typeof(MarkReadRequest), Errors = ["validation_failed", "concurrent_update"])]
    public Task<IActionResult> MarkMachineMessagesRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "machine/tickets/{ticketId}/chat/read")] HttpRequest req, string ticketId) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await receipts.MarkReadAsync(who, ticketId, await Api.ReadAsync<MarkReadRequest>(req, ct), ct)));

    [Function("ListMachineSessions")]
    [ApiOperation(Caller.Machine, typeof(IReadOnlyList<MachineSessionView>), "The machine's active sessions", Conditional = true)]
    public Task<IActionResult> ListMachineSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "machine/chat/sessions")] HttpRequest req) =>
        api.ForMachine(req, async (machine, ct) => ApiResult.Conditional(req, await sessions.ListForMachineAsync(machine, ct)));

    [Function("CheckMachineUpdates")]
    [ApiOperation(Caller.Machine, typeof(MachineUpdates), "Cheap poll: active sessions and unread totals", Conditional = true)]
    public Task<IActionResult> CheckMachineUpdates(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "machine/chat/updates")] HttpRequest req) =>
        api.ForMachine(req, async (machine, ct) => ApiResult.Conditional(req, await sessions.UpdatesForMachineAsync(machine, ct)));

    [Function("MachineHeartbeat")]
    [ApiOperation(Caller.Machine, typeof(HeartbeatResult), "The machine is online (5 minutes)")]
    public Task<IActionResult> MachineHeartbeat(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "machine/heartbeat")] HttpRequest req) =>
        api.ForMachine(req, async (machine, ct) => ApiResult.Ok(await machines.HeartbeatAsync(machine, ct)));

    [Function("MachineMe")]
    [ApiOperation(Caller.Machine, typeof(MachineEnrollment), "Whether the token is valid, and for which machine: no heartbeat, nothing written (the reference's validateMachineTokenForUpload)")]
    public Task<IActionResult> MachineMe(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "machine/me")] HttpRequest req) =>
        api.ForMachine(req, async (machine, ct) => ApiResult.Ok(await machines.EnrollmentAsync(machine, ct)));
}
