using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Storage;

/// <summary>Counts every request the Cosmos client sends (DESIGN §10): tests and the benchmark read it.</summary>
public class RoundTripCounter : RequestHandler
{
    long _count;

    public long Count => Interlocked.Read(ref _count);

    public override Task<ResponseMessage> SendAsync(RequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        return base.SendAsync(request, cancellationToken);
    }
}
