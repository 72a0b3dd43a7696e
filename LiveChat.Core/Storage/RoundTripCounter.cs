using LiveChat.Core.Telemetry;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Storage;

/// <summary>
/// Counts every request the Cosmos client sends (DESIGN §10): tests read the count; the metrics get it per function
/// with its request charge.
/// </summary>
public class RoundTripCounter : RequestHandler
{
    long _count;

    public long Count => Interlocked.Read(ref _count);

    public override async Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        var response = await base.SendAsync(request, cancellationToken);
        LiveChatTelemetry.CosmosRequest(response.Headers.RequestCharge);
        return response;
    }
}
