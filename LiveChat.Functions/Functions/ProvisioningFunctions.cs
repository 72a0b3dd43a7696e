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
    public Task<IActionResult> UpsertUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "manage/users/{userId}")] HttpRequest req, string userId) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            return ApiResult.Ok(await users.UpsertAsync(admin, userId, await Api.ReadAsync<UpsertUserRequest>(req, ct), ct));
        });

    [Function("RegisterMachine")]
    public Task<IActionResult> RegisterMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines")] HttpRequest req) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            return ApiResult.Created(await machines.RegisterAsync(admin, await Api.ReadAsync<RegisterMachineRequest>(req, ct), ct));
        });

    [Function("GetMachine")]
    public Task<IActionResult> GetMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage/machines/{machineId}")] HttpRequest req, string machineId) =>
        api.Run(req, async ct => ApiResult.Ok(await machines.GetAsync(await api.AgentAsync(req, ct), machineId, ct)));

    [Function("RotateMachineToken")]
    public Task<IActionResult> RotateMachineToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines/{machineId}/token")] HttpRequest req, string machineId) =>
        api.Run(req, async ct => ApiResult.Ok(await machines.RotateTokenAsync(await api.AgentAsync(req, ct), machineId, ct)));

    [Function("RevokeMachine")]
    public Task<IActionResult> RevokeMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines/{machineId}/revoke")] HttpRequest req, string machineId) =>
        api.Run(req, async ct => ApiResult.Ok(await machines.RevokeAsync(await api.AgentAsync(req, ct), machineId, ct)));

    [Function("CreateTicket")]
    public Task<IActionResult> CreateTicket(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/tickets")] HttpRequest req) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            return ApiResult.Created(await tickets.CreateAsync(admin, await Api.ReadAsync<CreateTicketRequest>(req, ct), ct));
        });

    [Function("LinkTicketMachine")]
    public Task<IActionResult> LinkTicketMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "manage/tickets/{ticketId}/machine")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            var input = await Api.ReadAsync<LinkMachineRequest>(req, ct);
            if (input.MachineId is null) throw Core.Errors.ErrorCatalog.ValidationFailed.Raise("machineId é obrigatório.");
            return ApiResult.Ok(await tickets.LinkMachineAsync(admin, ticketId, input.MachineId, ct));
        });

    [Function("UnlinkTicketMachine")]
    public Task<IActionResult> UnlinkTicketMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "manage/tickets/{ticketId}/machine")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct => ApiResult.Ok(await tickets.LinkMachineAsync(await api.AgentAsync(req, ct), ticketId, null, ct)));
}
