using LiveChat.Core.Limits;
using LiveChat.Core.Uploads;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

/// <summary>Create-only SAS URLs for attachments, for machines and agents.</summary>
public sealed class UploadFunctions(Api api, Uploads uploads)
{
    [Function("GenerateMachineUploadUrl")]
    [ApiOperation(Caller.Machine, typeof(UploadTicket), "A create-only upload URL for one attachment", Request = typeof(UploadRequest), Errors = ["rate_limited", "validation_failed", "file_type_not_allowed", "file_too_large"])]
    public Task<IActionResult> GenerateMachineUploadUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "machine/uploads")] HttpRequest req) =>
        api.ForMachine(req, async (machine, ct) =>
        {
            var owner = AttachmentOwner.Machine(machine);
            return ApiResult.Ok(await uploads.CreateAsync(owner, await Api.ReadAsync<UploadRequest>(req, ct), ct));
        }, limit: LimitedCall.Uploads);

    [Function("GenerateAgentUploadUrl")]
    [ApiOperation(Caller.Agent, typeof(UploadTicket), "A create-only upload URL for one attachment (staff)", Request = typeof(UploadRequest), Errors = ["rate_limited", "validation_failed", "file_type_not_allowed", "file_too_large", "forbidden_role"])]
    public Task<IActionResult> GenerateAgentUploadUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agent/uploads")] HttpRequest req) =>
        api.ForAgent(req, async (agent, ct) =>
            ApiResult.Ok(await uploads.CreateAsync(AttachmentOwner.Agent(agent), await Api.ReadAsync<UploadRequest>(req, ct), ct)),
            limit: LimitedCall.Uploads, staffOnly: Core.Errors.ErrorCatalog.ForbiddenRoleView);
}
