using Microsoft.Extensions.Options;

namespace LiveChat.Core.Machines;

/// <summary>A machine is online while its last heartbeat is younger than LiveChat:MachineOfflineAfter (5 min).</summary>
public sealed class Presence(TimeProvider time, IOptions<LiveChatOptions> options)
{
    public bool IsOnline(long? lastHeartbeatAt) =>
        lastHeartbeatAt > time.NowMs() - (long)options.Value.MachineOfflineAfter.TotalMilliseconds;
}
