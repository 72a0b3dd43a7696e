using LiveChat.Core.Chat;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

/// <summary>The agent panel's side of live chat (agent JWT).</summary>
public sealed class AgentChatFunctions(Api api, ChatSessions sessions, ChatMessages messages)
{
    [Function("StartSession")]
    public Task<IActionResult> StartSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tickets/{ticketId}/chat/session")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct =>
        {
            var started = await sessions.StartAsync(await api.AgentAsync(req, ct), ticketId, ct);
            return started.IsNew ? ApiResult.Created(started) : ApiResult.Ok(started);
        });

    [Function("GetTicketSession")]
    public Task<IActionResult> GetTicketSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/session")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct => ApiResult.Ok(await sessions.GetForTicketAsync(await api.AgentAsync(req, ct), ticketId, ct)));

    [Function("EndSession")]
    public Task<IActionResult> EndSession(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "chat/sessions/{sessionId}/end")] HttpRequest req, string sessionId) =>
        api.Run(req, async ct => ApiResult.Ok(await sessions.EndAsync(await api.AgentAsync(req, ct), sessionId, ct)));

    [Function("GetTicketChatHistory")]
    public Task<IActionResult> GetTicketChatHistory(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/history")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct => ApiResult.Ok(await messages.HistoryAsync(await api.AgentAsync(req, ct), ticketId, req.Query["before"], ct)));

    [Function("ListAgentSessions")]
    public Task<IActionResult> ListAgentSessions(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "agent/chat/sessions")] HttpRequest req) =>
        api.Run(req, async ct => ApiResult.Ok(await sessions.ListForAgentAsync(await api.AgentAsync(req, ct), ct)));

    [Function("PostAgentMessage")]
    public Task<IActionResult> PostAgentMessage(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tickets/{ticketId}/chat/messages")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct =>
        {
            var agent = await api.AgentAsync(req, ct);
            var posted = await messages.PostFromAgentAsync(agent, ticketId, await Api.ReadAsync<PostMessageRequest>(req, ct), ct);
            return posted.Created ? ApiResult.Created(posted) : ApiResult.Ok(posted);
        });

    [Function("ListAgentMessages")]
    public Task<IActionResult> ListAgentMessages(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "tickets/{ticketId}/chat/messages")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct => ApiResult.Ok(await messages.ListForAgentAsync(
            await api.AgentAsync(req, ct), ticketId, req.Query["after"], req.Query["limit"], ct)));

    [Function("MarkAgentMessagesRead")]
    public Task<IActionResult> MarkAgentMessagesRead(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "tickets/{ticketId}/chat/read")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct =>
        {
            var agent = await api.AgentAsync(req, ct);
            return ApiResult.Ok(await messages.MarkReadByAgentAsync(agent, ticketId, await Api.ReadAsync<MarkReadRequest>(req, ct), ct));
        });
}
