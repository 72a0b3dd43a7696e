using System.Reflection;
using System.Text.RegularExpressions;
using LiveChat.Tests.Infrastructure;
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

    [Fact]
    public void The_TypeScript_client_names_exactly_the_events_the_service_sends()
    {
        var source = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "clients", "typescript", "src", "events.ts"));
        var named = Regex.Matches(source, @"^\s+(\w+): '(\w+)',", RegexOptions.Multiline)
            .Select(m => (Key: m.Groups[1].Value, Name: m.Groups[2].Value)).ToList();
        Assert.All(named, n => Assert.Equal(n.Key, n.Name));
        Assert.Equal(PushEventNames.All.Order(), named.Select(n => n.Name).Order());
    }
}
