using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Tickets;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

/// <summary>
/// A tenant ADMIN's setup. Routes live under /api/manage: the Functions host reserves routes that start with "admin".
/// </summary>
public sealed class ProvisioningFunctions(Api api, TenantUsers users, MachineRegistry machines, TicketLinks tickets)
{
    [Function("UpsertUser")]
    [ApiOperation(Caller.Agent, typeof(UserView), "Create or update a user of the admin's tenant (ADMIN)", Request = typeof(UpsertUserRequest), Errors = ["validation_failed", "forbidden_role", "id_taken", "concurrent_update"])]
    public Task<IActionResult> UpsertUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "manage/users/{userId}")] HttpRequest req, string userId) =>
        api.ForAgent(req, async (admin, ct) =>
            ApiResult.Ok(await users.UpsertAsync(admin, userId, await Api.ReadAsync<UpsertUserRequest>(req, ct), ct)));

    [Function("RegisterMachine")]
    [ApiOperation(Caller.Agent, typeof(MachineTokenIssued), "Register a machine; its token is shown once (ADMIN)", Request = typeof(RegisterMachineRequest), Statuses = [201], Errors = ["validation_failed", "forbidden_role"])]
    public Task<IActionResult> RegisterMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines")] HttpRequest req) =>
        api.ForAgent(req, async (admin, ct) =>
            ApiResult.Created(await machines.RegisterAsync(admin, await Api.ReadAsync<RegisterMachineRequest>(req, ct), ct)));

    [Function("GetMachine")]
    [ApiOperation(Caller.Agent, typeof(MachineView), "A machine and whether it is online (ADMIN)", Errors = ["forbidden_role", "machine_not_found"])]
    public Task<IActionResult> GetMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage/machines/{machineId}")] HttpRequest req, string machineId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await machines.GetAsync(agent, machineId, ct)));

    [Function("RotateMachineToken")]
    [ApiOperation(Caller.Agent, typeof(MachineTokenIssued), "Issue a new machine token; the old one stops working (ADMIN)", Errors = ["forbidden_role", "machine_not_found", "machine_revoked"])]
    public Task<IActionResult> RotateMachineToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines/{machineId}/token")] HttpRequest req, string machineId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await machines.RotateTokenAsync(agent, machineId, ct)));

    [Function("RevokeMachine")]
    [ApiOperation(Caller.Agent, typeof(Core.OkResult), "Revoke a machine: its token, its chats and its push connections (ADMIN)", Errors = ["forbidden_role", "machine_not_found"])]
    public Task<IActionResult> RevokeMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines/{machineId}/revoke")] HttpRequest req, string machineId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await machines.RevokeAsync(agent, machineId, ct)));

    [Function("CreateTicket")]
    [ApiOperation(Caller.Agent, typeof(TicketView), "Create a ticket, optionally linked to a machine (ADMIN)", Request = typeof(CreateTicketRequest), Statuses = [201], Errors = ["validation_failed", "forbidden_role", "machine_not_found", "id_taken"])]
    public Task<IActionResult> CreateTicket(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/tickets")] HttpRequest req) =>
        api.ForAgent(req, async (admin, ct) =>
            ApiResult.Created(await tickets.CreateAsync(admin, await Api.ReadAsync<CreateTicketRequest>(req, ct), ct)));

    [Function("LinkTicketMachine")]
    [ApiOperation(Caller.Agent, typeof(TicketView), "Link a ticket to a machine (ADMIN)", Request = typeof(LinkMachineRequest), Errors = ["validation_failed", "forbidden_role", "ticket_not_found", "machine_not_found", "machine_revoked", "concurrent_update"])]
    public Task<IActionResult> LinkTicketMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "manage/tickets/{ticketId}/machine")] HttpRequest req, string ticketId) =>
        api.ForAgent(req, async (admin, ct) =>
        {
            var input = await Api.ReadAsync<LinkMachineRequest>(req, ct);
            if (input.MachineId is null) throw Core.Errors.ErrorCatalog.ValidationFailed.Raise(Core.Errors.ValidationTexts.RequiredField("machineId"));
            return ApiResult.Ok(await tickets.LinkMachineAsync(admin, ticketId, input.MachineId, ct));
        });

    [Function("UnlinkTicketMachine")]
    [ApiOperation(Caller.Agent, typeof(TicketView), "Unlink a ticket from its machine; its active chat ends (ADMIN)", Errors = ["forbidden_role", "ticket_not_found", "concurrent_update"])]
    public Task<IActionResult> UnlinkTicketMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "manage/tickets/{ticketId}/machine")] HttpRequest req, string ticketId) =>
        api.ForAgent(req, async (agent, ct) => ApiResult.Ok(await tickets.LinkMachineAsync(agent, ticketId, null, ct)));
}
