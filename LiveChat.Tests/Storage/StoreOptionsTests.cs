using LiveChat.Core.Storage;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Storage;

public sealed class StoreOptionsTests
{
    [Theory]
    [InlineData(null, false, ConnectionMode.Direct)]   // Azure
    [InlineData(null, true, ConnectionMode.Gateway)]   // the local stand-in or the emulator
    [InlineData(ConnectionMode.Gateway, false, ConnectionMode.Gateway)]
    [InlineData(ConnectionMode.Direct, true, ConnectionMode.Direct)]
    public void The_connection_mode_is_direct_unless_set_or_local(ConnectionMode? setting, bool local, ConnectionMode expected) =>
        Assert.Equal(expected, new StoreOptions { ConnectionMode = setting, AcceptSelfSignedCertificate = local }.EffectiveConnectionMode);
}
