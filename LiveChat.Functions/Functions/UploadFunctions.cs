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
    [ApiOperation(Caller.Machine, typeof(UploadTicket), "A create-only upload URL for one attachment", Request = typeof(UploadRequest), Errors = ["validation_failed", "file_type_not_allowed", "file_too_large"])]
    [RateLimited(LimitedCall.Uploads)]
    public Task<IActionResult> GenerateMachineUploadUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "machine/uploads")] HttpRequest req) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await uploads.CreateAsync(who.AttachmentOwner, await Api.ReadAsync<UploadRequest>(req, ct), ct)));

    [Function("GenerateAgentUploadUrl")]
    [ApiOperation(Caller.Agent, typeof(UploadTicket), "A create-only upload URL for one attachment (staff)", Request = typeof(UploadRequest), Errors = ["validation_failed", "file_type_not_allowed", "file_too_large", "forbidden_role"])]
    [RateLimited(LimitedCall.Uploads)]
    public Task<IActionResult> GenerateAgentUploadUrl(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agent/uploads")] HttpRequest req) =>
        api.ForParticipant(req, async (who, ct) => ApiResult.Ok(await uploads.CreateAsync(who.AttachmentOwner, await Api.ReadAsync<UploadRequest>(req, ct), ct)));
}
