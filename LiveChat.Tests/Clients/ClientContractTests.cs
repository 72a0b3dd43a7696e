using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using LiveChat.Client;
using LiveChat.Core.Chat;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Clients;

/// <summary>
/// The client library's records are written by hand for its users; they are tested against the committed
/// openapi.json (which OpenApiTests keeps equal to the code), so a field renamed or retyped on the server fails here.
/// </summary>
public sealed class ClientContractTests
{
    static readonly JsonNode Document = JsonNode.Parse(File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "openapi.json")))!;

    public static TheoryData<string, string> Records() => new()
    {
        { nameof(MessagePage), "MessageList" },
        { nameof(PostedMessage), "PostMessageResult" },
        { nameof(MarkedRead), "MarkReadResult" },
        { nameof(LiveChat.Client.MachineUpdates), "MachineUpdates" },
        { nameof(MachineSession), "MachineSessionView" },
        { nameof(AgentSession), "AgentSessionView" },
        { nameof(StartedSession), "StartSessionResult" },
        { nameof(LiveChat.Client.ChatHistory), "ChatHistory" },
        { nameof(UploadTicket), "UploadTicket" },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void Every_field_a_client_record_reads_is_in_the_servers_answer_with_its_type(string record, string schema)
    {
        var type = typeof(MachineChatClient).Assembly.GetType($"LiveChat.Client.{record}")!;
        var problems = new List<string>();
        Compare(type, Document["components"]!["schemas"]![schema]!, record, problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void The_client_computes_a_messages_cursor_as_the_service_writes_it()
    {
        var message = new ChatMessage("0a1b", "oi", "Ana", null, false, 1_733_000_000_123, [], "s", null);
        Assert.Equal(new MessageCursor(message.CreatedAt, message.Id).ToString(), message.Cursor);
        Assert.True(MessageCursor.TryParse(message.Cursor, out var parsed) && parsed == new MessageCursor(message.CreatedAt, message.Id));
    }

    static void Compare(Type type, JsonNode schema, string path, List<string> problems)
    {
        var properties = Resolve(schema)["properties"]?.AsObject();
        if (properties is null)
        {
            problems.Add($"{path}: the server's schema has no properties");
            return;
        }
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is not null))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var at = $"{path}.{name}";
            if (properties[name] is not { } field)
            {
                problems.Add($"{at}: not in the server's answer");
                continue;
            }
            var fieldType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var expected = JsonTypeOf(fieldType);
            if (!TypesOf(Resolve(field)).Contains(expected))
            {
                problems.Add($"{at}: {expected} here, {string.Join("|", TypesOf(Resolve(field)))} on the server");
                continue;
            }
            if (expected == "array" && ElementOf(fieldType) is { } element && IsClientRecord(element))
                Compare(element, Resolve(field)["items"]!, at + "[]", problems);
            else if (expected == "object" && IsClientRecord(fieldType))
                Compare(fieldType, field, at, problems);
        }
    }

    static JsonNode Resolve(JsonNode schema) =>
        schema["$ref"]?.GetValue<string>() is { } reference
            ? Document["components"]!["schemas"]![reference.Split('/')[^1]]!
            : schema;

    static IReadOnlyList<string> TypesOf(JsonNode schema) => schema["type"] switch
    {
        JsonArray types => types.Select(t => t!.GetValue<string>()).ToList(),
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    static string JsonTypeOf(Type type) =>
        type == typeof(string) ? "string"
        : type == typeof(bool) ? "boolean"
        : type == typeof(int) || type == typeof(long) ? "integer"
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>) ? "object"
        : ElementOf(type) is not null ? "array"
        : "object";

    static Type? ElementOf(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;

    static bool IsClientRecord(Type type) => type.Namespace == "LiveChat.Client" && type.IsClass;
}
