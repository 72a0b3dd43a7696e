using System.Reflection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.DevHost;

/// <summary>The [Function] methods of the Function App, found by reflection as the Functions host indexes them.</summary>
public sealed class FunctionCatalog
{
    public FunctionCatalog(Assembly functionsAssembly, IConfiguration configuration)
    {
        foreach (var type in functionsAssembly.GetExportedTypes())
        foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance))
        {
            if (method.GetCustomAttribute<FunctionAttribute>() is not { } function) continue;
            var parameters = method.GetParameters();
            if (parameters.Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).OfType<HttpTriggerAttribute>().FirstOrDefault() is { } http)
                Http.Add(new HttpFunction(function.Name, type, method, "/api/" + (http.Route ?? function.Name),
                    // No methods means any method, as in the Functions host.
                    (http.Methods ?? ["get", "post", "put", "patch", "delete", "head", "options"]).Select(m => m.ToUpperInvariant()).ToArray()));
            else if (parameters.Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).OfType<TimerTriggerAttribute>().FirstOrDefault() is { } timer)
                Timers.Add(new TimerFunction(function.Name, type, method, ResolveSetting(timer.Schedule, configuration)));
            else
                throw new NotSupportedException($"DevHost runs HTTP and timer triggers only; {function.Name} has neither.");
        }
    }

    public List<HttpFunction> Http { get; } = [];
    public List<TimerFunction> Timers { get; } = [];

    /// <summary>"%Name%" is an app setting, as the Functions host resolves binding expressions.</summary>
    static string ResolveSetting(string value, IConfiguration configuration) =>
        value is ['%', .. var name, '%']
            ? configuration[name] ?? throw new InvalidOperationException($"App setting '{name}' is not set.")
            : value;

    /// <summary>Creates the function class from DI, binds its parameters and awaits its result.</summary>
    public static async Task<object?> InvokeAsync(IServiceProvider services, Type type, MethodInfo method,
        Func<ParameterInfo, object?> bind)
    {
        var instance = ActivatorUtilities.CreateInstance(services, type);
        var result = method.Invoke(instance, method.GetParameters().Select(bind).ToArray());
        if (result is not Task task) return result;
        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }
}

public sealed record HttpFunction(string Name, Type Type, MethodInfo Method, string Route, string[] Methods);

public sealed record TimerFunction(string Name, Type Type, MethodInfo Method, string Schedule);

static class ActionResults
{
    public static Task ExecuteAsync(this IActionResult result, HttpContext context) =>
        result.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()));
}
