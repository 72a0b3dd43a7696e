using LiveChat.Core.Errors;
using LiveChat.Core.Limits;
using LiveChat.Core.Realtime;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Functions;

/// <summary>
/// SignalR negotiate: {url, accessToken} for SignalR Service. The stock clients accept it as a redirect, so their
/// base URL is /api/machine or /api/agent (they POST {base}/negotiate).
/// </summary>
public sealed class RealtimeFunctions(Api api, RealtimePublisher publisher)
{
    [Function("MachineNegotiate")]
    [ApiOperation(Caller.Machine, typeof(NegotiateResult), "SignalR client URL and access token for the machine", Errors = ["realtime_unavailable", "realtime_disabled"])]
    [RateLimited(LimitedCall.Negotiate)]
    public Task<IActionResult> MachineNegotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "machine/negotiate")] HttpRequest req) =>
        api.ForMachine(req, async (machine, ct) =>
            ApiResult.Ok(await publisher.NegotiateForMachineAsync(machine, ct)));

    [Function("AgentNegotiate")]
    [ApiOperation(Caller.Agent, typeof(NegotiateResult), "SignalR client URL and access token for the agent (staff)", Errors = ["realtime_unavailable", "realtime_disabled"])]
    [RateLimited(LimitedCall.Negotiate), StaffOnly]
    public Task<IActionResult> AgentNegotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "agent/negotiate")] HttpRequest req) =>
        api.ForAgent(req, async (agent, ct) =>
            ApiResult.Ok(await publisher.NegotiateForAgentAsync(agent, ct)));
}
