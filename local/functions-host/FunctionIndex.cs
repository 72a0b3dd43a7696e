using System.Text.Json;
using LiveChat.FunctionsHost.Rpc;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.Routing.Tree;

namespace LiveChat.FunctionsHost;

public sealed record HttpFunction(string Id, string Name, string BindingName, string Route, IReadOnlySet<string>? Methods, TemplateMatcher Matcher, decimal Precedence)
{
    public bool Accepts(string method) => Methods is null || Methods.Contains(method);
}

public sealed record TimerFunction(string Id, string Name, string BindingName, string Schedule);

/// <summary>A queue-triggered function: its queue (binding expressions resolved) and the connection setting's name.</summary>
public sealed record QueueFunction(string Id, string Name, string BindingName, string Queue, string Connection);

/// <summary>The functions a worker announced, read from their raw bindings as the host reads them.</summary>
public sealed class FunctionIndex
{
    public IReadOnlyList<HttpFunction> Http { get; }
    public IReadOnlyList<TimerFunction> Timers { get; }
    public IReadOnlyList<QueueFunction> Queues { get; }

    public FunctionIndex(IReadOnlyList<RpcFunctionMetadata> functions, HostSettings settings)
    {
        var http = new List<HttpFunction>();
        var timers = new List<TimerFunction>();
        var queues = new List<QueueFunction>();
        foreach (var function in functions)
        {
            var trigger = function.RawBindings.Select(b => JsonDocument.Parse(b).RootElement)
                .Single(b => Text(b, "direction")?.Equals("in", StringComparison.OrdinalIgnoreCase) == true
                             && Text(b, "type")?.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) == true);
            var bindingName = Text(trigger, "name")!;
            switch (Text(trigger, "type")!.ToLowerInvariant())
            {
                case "httptrigger":
                    var route = $"{settings.RoutePrefix}/{Text(trigger, "route") ?? function.Name}".Trim('/');
                    var template = TemplateParser.Parse(route);
                    var methods = Property(trigger, "methods") is { ValueKind: JsonValueKind.Array } m && m.GetArrayLength() > 0
                        ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToHashSet()
                        : null; // no methods: any method, as in the Functions host
                    http.Add(new HttpFunction(function.FunctionId, function.Name, bindingName, "/" + route, methods,
                        new TemplateMatcher(template, new RouteValueDictionary()), RoutePrecedence.ComputeInbound(template)));
                    break;
                case "timertrigger":
                    timers.Add(new TimerFunction(function.FunctionId, function.Name, bindingName, settings.Resolve(Text(trigger, "schedule")!)));
                    break;
                case "queuetrigger":
                    // "AzureWebJobsStorage" when no connection is named, as the Functions host defaults.
                    queues.Add(new QueueFunction(function.FunctionId, function.Name, bindingName, settings.Resolve(Text(trigger, "queueName")!),
                        Text(trigger, "connection") is { Length: > 0 } connection ? connection : "AzureWebJobsStorage"));
                    break;
                default:
                    throw new NotSupportedException($"This host runs HTTP, timer and queue triggers only; {function.Name} has a {Text(trigger, "type")}.");
            }
        }
        // Most specific first (literal segments before parameters), as ASP.NET Core routing orders the host's routes.
        Http = http.OrderBy(f => f.Precedence).ToList();
        Timers = timers;
        Queues = queues;
    }

    /// <summary>The function for a path and method; like the Functions host, a known path with another method is not found.</summary>
    public (HttpFunction Function, RouteValueDictionary Values)? Match(string path, string method)
    {
        foreach (var function in Http)
        {
            var values = new RouteValueDictionary();
            if (function.Matcher.TryMatch(path, values) && function.Accepts(method)) return (function, values);
        }
        return null;
    }

    static JsonElement? Property(JsonElement e, string name) =>
        e.EnumerateObject().Where(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(p => (JsonElement?)p.Value).FirstOrDefault();

    static string? Text(JsonElement e, string name) => Property(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;
}
