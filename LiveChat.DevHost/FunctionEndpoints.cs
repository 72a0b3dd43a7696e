using System.Reflection;
using System.Text.Json;
using LiveChat.Core.Errors;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.DevHost;

/// <summary>Serves the HTTP functions on their routes, and the host's admin endpoint that runs a timer function now.</summary>
public static class FunctionEndpoints
{
    public static WebApplication MapFunctions(this WebApplication app)
    {
        var catalog = app.Services.GetRequiredService<FunctionCatalog>();

        // Unknown routes (404) and wrong methods (405) get problem+json too, never an empty body or a 500.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var error = http.Response.StatusCode switch
            {
                StatusCodes.Status404NotFound => ErrorCatalog.NotFound,
                StatusCodes.Status405MethodNotAllowed => ErrorCatalog.MethodNotAllowed,
                _ => null,
            };
            if (error is not null) await ApiResult.Problem(error, error.Detail, http.Request.Path).ExecuteAsync(http);
        });

        foreach (var function in catalog.Http)
            app.MapMethods(function.Route, function.Methods, async context =>
            {
                var result = await FunctionCatalog.InvokeAsync(context.RequestServices, function.Type, function.Method,
                    p => BindHttp(p, context, function));
                if (result is IActionResult action) await action.ExecuteAsync(context);
            }).WithDisplayName(function.Name);

        // As the Functions host's POST /admin/functions/{name}: run a (timer) function now; 202 with its result.
        app.MapPost("/admin/functions/{name}", async (string name, HttpContext context) =>
        {
            var timer = catalog.Timers.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (timer is null) return Results.Problem(statusCode: 404, title: "No such timer function", extensions: new Dictionary<string, object?> { ["code"] = "not_found" });
            var result = await TimerScheduler.InvokeAsync(context.RequestServices, timer, isPastDue: false, context.RequestAborted);
            return Results.Json(result, ApiResult.Json, statusCode: StatusCodes.Status202Accepted);
        });
        return app;
    }

    static object? BindHttp(ParameterInfo p, HttpContext context, HttpFunction function)
    {
        if (p.ParameterType == typeof(HttpRequest)) return context.Request;
        if (p.ParameterType == typeof(CancellationToken)) return context.RequestAborted;
        if (p.ParameterType == typeof(string)) return context.Request.RouteValues[p.Name!]?.ToString();
        throw new NotSupportedException($"DevHost cannot bind {p.ParameterType.Name} {p.Name} of {function.Name}.");
    }
}
