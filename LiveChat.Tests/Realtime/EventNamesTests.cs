using System.Reflection;
using LiveChat.Client;
using LiveChat.Core.Chat;

namespace LiveChat.Tests.Realtime;

public sealed class EventNamesTests
{
    [Fact]
    public void The_client_library_names_exactly_the_events_the_service_sends()
    {
        var sent = typeof(ChatEvents).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);
        Assert.Equal(sent.Order(), PushEventNames.All.Order());
    }
}
