using LiveChat.Core.Provisioning;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

/// <summary>
/// A tenant ADMIN's setup. Routes live under /api/manage: the Functions host reserves routes that start with "admin".
/// </summary>
public sealed class ProvisioningFunctions(Api api, Provisioning provisioning)
{
    [Function("UpsertUser")]
    public Task<IActionResult> UpsertUser(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "manage/users/{userId}")] HttpRequest req, string userId) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            return ApiResult.Ok(await provisioning.UpsertUserAsync(admin, userId, await Api.ReadAsync<UpsertUserRequest>(req, ct), ct));
        });

    [Function("RegisterMachine")]
    public Task<IActionResult> RegisterMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines")] HttpRequest req) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            return ApiResult.Created(await provisioning.RegisterMachineAsync(admin, await Api.ReadAsync<RegisterMachineRequest>(req, ct), ct));
        });

    [Function("GetMachine")]
    public Task<IActionResult> GetMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "manage/machines/{machineId}")] HttpRequest req, string machineId) =>
        api.Run(req, async ct => ApiResult.Ok(await provisioning.GetMachineAsync(await api.AgentAsync(req, ct), machineId, ct)));

    [Function("RotateMachineToken")]
    public Task<IActionResult> RotateMachineToken(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines/{machineId}/token")] HttpRequest req, string machineId) =>
        api.Run(req, async ct => ApiResult.Ok(await provisioning.RotateTokenAsync(await api.AgentAsync(req, ct), machineId, ct)));

    [Function("RevokeMachine")]
    public Task<IActionResult> RevokeMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/machines/{machineId}/revoke")] HttpRequest req, string machineId) =>
        api.Run(req, async ct => ApiResult.Ok(await provisioning.RevokeMachineAsync(await api.AgentAsync(req, ct), machineId, ct)));

    [Function("CreateTicket")]
    public Task<IActionResult> CreateTicket(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "manage/tickets")] HttpRequest req) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            return ApiResult.Created(await provisioning.CreateTicketAsync(admin, await Api.ReadAsync<CreateTicketRequest>(req, ct), ct));
        });

    [Function("LinkTicketMachine")]
    public Task<IActionResult> LinkTicketMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "manage/tickets/{ticketId}/machine")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct =>
        {
            var admin = await api.AgentAsync(req, ct);
            var input = await Api.ReadAsync<LinkMachineRequest>(req, ct);
            if (input.MachineId is null) throw Core.Errors.ErrorCatalog.ValidationFailed.Raise("machineId é obrigatório.");
            return ApiResult.Ok(await provisioning.LinkMachineAsync(admin, ticketId, input.MachineId, ct));
        });

    [Function("UnlinkTicketMachine")]
    public Task<IActionResult> UnlinkTicketMachine(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "manage/tickets/{ticketId}/machine")] HttpRequest req, string ticketId) =>
        api.Run(req, async ct => ApiResult.Ok(await provisioning.LinkMachineAsync(await api.AgentAsync(req, ct), ticketId, null, ct)));
}
