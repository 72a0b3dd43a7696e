using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using LiveChat.Core.Errors;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Http;

/// <summary>
/// The OpenAPI 3.1 document of every HTTP function, built from the functions themselves: route and methods from
/// their triggers, caller, types and problem codes from [ApiOperation], schemas from the contract records as the API
/// serializes them. Committed as openapi.json (a test keeps the two equal) and served at GET /api/openapi.json.
/// </summary>
public static class OpenApiContract
{
    // As the API writes its answers; numbers are written as numbers (Web defaults would also read them from strings).
    static readonly JsonSerializerOptions SchemaOptions = new(ApiResult.Json)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(), NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
    };
    static readonly Lazy<JsonObject> Built = new(Build);

    public static JsonObject Document => Built.Value;

    public static string Text => Document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    static readonly Dictionary<string, int> StatusOfCode = typeof(ErrorCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (LiveChatError)f.GetValue(null)!).GroupBy(e => e.Code).ToDictionary(g => g.Key, g => g.First().Status);

    static JsonObject Build()
    {
        var schemas = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal)
        {
            ["Problem"] = Schema(typeof(ProblemDocument)),
        };
        var paths = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var function in ApiFunction.All)
        {
            var path = "/api/" + function.Trigger.Route;
            if (!paths.TryGetValue(path, out var item)) paths[path] = item = [];
            foreach (var verb in function.Trigger.Methods ?? [])
                item[verb.ToLowerInvariant()] = Operation(function, schemas);
        }

        return new JsonObject
        {
            ["openapi"] = "3.1.1",
            ["info"] = new JsonObject
            {
                ["title"] = "LiveChat",
                ["version"] = "1.0.0",
                ["license"] = new JsonObject { ["name"] = "Proprietary", ["identifier"] = "LicenseRef-Proprietary" },
                ["description"] = "Live chat between helpdesk agents and the person at a client's computer. Errors are application/problem+json with a stable `code`.",
            },
            ["servers"] = new JsonArray(new JsonObject { ["url"] = "http://127.0.0.1:7071", ["description"] = "./run.sh" }),
            ["paths"] = new JsonObject(paths.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject(schemas.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))),
                ["securitySchemes"] = new JsonObject
                {
                    ["machineToken"] = new JsonObject
                    {
                        ["type"] = "http", ["scheme"] = "bearer",
                        ["description"] = "The machine token issued at registration or rotation (lcm_…).",
                    },
                    ["agentJwt"] = new JsonObject
                    {
                        ["type"] = "http", ["scheme"] = "bearer", ["bearerFormat"] = "JWT",
                        ["description"] = "An OpenID Connect access token of the helpdesk's identity provider; its subject is a provisioned user.",
                    },
                },
            },
        };
    }

    static JsonObject Operation(ApiFunction function, SortedDictionary<string, JsonNode> schemas)
    {
        var (operation, route) = (function.Operation, function.Trigger.Route!);
        var result = new JsonObject { ["operationId"] = function.Name, ["summary"] = operation.Summary };
        // Anonymous calls say so (an empty list), rather than leaving a reader to guess.
        result["security"] = operation.Caller == Caller.Anonymous
            ? new JsonArray()
            : new JsonArray(new JsonObject { [operation.Caller == Caller.Machine ? "machineToken" : "agentJwt"] = new JsonArray() });

        var parameters = new JsonArray();
        foreach (var name in route.Split('/').Where(s => s.StartsWith('{')).Select(s => s.Trim('{', '}')))
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } });
        foreach (var name in operation.Query)
            parameters.Add(new JsonObject { ["name"] = name, ["in"] = "query", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string" } });
        if (operation.Conditional)
            parameters.Add(new JsonObject
            {
                ["name"] = "If-None-Match", ["in"] = "header", ["required"] = false, ["schema"] = new JsonObject { ["type"] = "string" },
                ["description"] = "The ETag of the last answer: 304 with no body while nothing changed.",
            });
        if (parameters.Count > 0) result["parameters"] = parameters;

        if (operation.Request is { } request)
            result["requestBody"] = new JsonObject
            {
                ["required"] = true,
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(request, schemas, isRequest: true) } },
            };

        var responses = new JsonObject();
        foreach (var status in operation.Statuses)
            responses[status.ToString()] = new JsonObject
            {
                ["description"] = status switch
                {
                    201 => "Created",
                    202 => "Accepted",
                    _ => operation.Statuses.Contains(201) ? "Already there (an idempotent retry)" : "OK",
                },
                ["content"] = operation.Content.Length > 0
                    ? new JsonObject(operation.Content.Select(media => KeyValuePair.Create(media, (JsonNode?)new JsonObject // a file
                    {
                        ["schema"] = new JsonObject { ["type"] = media == "application/json" ? "object" : "string" },
                    })))
                    : new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Reference(operation.Response, schemas) } },
            };
        if (operation.Conditional)
        {
            var etag = new JsonObject { ["ETag"] = new JsonObject { ["description"] = "A hash of the answer, for If-None-Match", ["schema"] = new JsonObject { ["type"] = "string" } } };
            responses["200"]!["headers"] = etag;
            responses["304"] = new JsonObject { ["description"] = "Not modified: the answer is the one If-None-Match names", ["headers"] = etag.DeepClone() };
        }
        foreach (var group in ProblemCodes(function).GroupBy(c => StatusOfCode[c]).OrderBy(g => g.Key))
            responses[group.Key.ToString()] = new JsonObject
            {
                ["description"] = "Problem: " + string.Join(", ", group),
                ["content"] = new JsonObject
                {
                    ["application/problem+json"] = new JsonObject
                    {
                        ["schema"] = new JsonObject
                        {
                            ["allOf"] = new JsonArray(
                                new JsonObject { ["$ref"] = "#/components/schemas/Problem" },
                                new JsonObject
                                {
                                    ["properties"] = new JsonObject
                                    {
                                        ["code"] = new JsonObject { ["enum"] = new JsonArray(group.Select(c => (JsonNode?)c).ToArray()) },
                                    },
                                }),
                        },
                    },
                },
            };
        result["responses"] = responses;
        return result;
    }

    /// <summary>The operation's own codes, those its pipeline declarations add and those every call of its kind can answer.</summary>
    static IEnumerable<string> ProblemCodes(ApiFunction function)
    {
        var operation = function.Operation;
        IEnumerable<string> codes = operation.Errors;
        if (function.Limit is not null) codes = codes.Append("rate_limited");
        if (function.StaffOnly) codes = codes.Append("forbidden_role");
        if (operation.Request is not null) codes = codes.Concat(["invalid_json", "payload_too_large", "unsupported_media_type"]);
        codes = operation.Caller switch
        {
            Caller.Machine => codes.Concat(["machine_token_missing", "machine_token_invalid", "machine_token_revoked", "machine_token_expired"]),
            Caller.Agent => codes.Concat(["agent_token_missing", "agent_token_invalid", "agent_unknown", "identity_unavailable"]),
            _ => codes,
        };
        return codes.Concat(operation.UsesStore ? ["store_unavailable", "internal_error"] : ["internal_error"]).Distinct().OrderBy(c => c, StringComparer.Ordinal)
            .Select(c => StatusOfCode.ContainsKey(c) ? c : throw new InvalidOperationException($"Unknown problem code {c}."));
    }

    /// <summary>A component for a contract record (a list: an array of its element's component).</summary>
    static JsonNode Reference(Type type, SortedDictionary<string, JsonNode> schemas, bool isRequest = false)
    {
        var element = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : null;
        if (element is not null) return new JsonObject { ["type"] = "array", ["items"] = Reference(element, schemas) };
        if (type == typeof(JsonObject)) return new JsonObject { ["type"] = "object" };
        if (!schemas.ContainsKey(type.Name)) schemas[type.Name] = Schema(type, isRequest);
        return new JsonObject { ["$ref"] = $"#/components/schemas/{type.Name}" };
    }

    /// <summary>
    /// The record as the API writes it: every property present (null where empty). A request's properties may all be
    /// left out: the service checks them itself and answers 400 with a code.
    /// </summary>
    static JsonNode Schema(Type type, bool isRequest = false) => SchemaOptions.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions
    {
        TreatNullObliviousAsNonNullable = true,
        TransformSchemaNode = (_, node) =>
        {
            if (isRequest && node is JsonObject schema) schema.Remove("required");
            return node;
        },
    });

    /// <summary>The shape of every problem answer (ApiResult.Problem).</summary>
    sealed record ProblemDocument(string Type, string Title, int Status, string Detail, string Code, string Instance);
}
