using LiveChat.Core.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace LiveChat.Functions.Http;

/// <summary>
/// Worker middleware, first for every invocation: names the function for the metrics of everything it does (store
/// calls, pushes, the request) and hands an HTTP function's declarations (<see cref="ApiFunction"/>) to the request,
/// where <see cref="Api"/> reads them.
/// </summary>
public sealed class ApiFunctionMiddleware : IFunctionsWorkerMiddleware
{
    public Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var name = context.FunctionDefinition.Name;
        LiveChatTelemetry.EnterFunction(name);
        if (context.GetHttpContext() is { } http && ApiFunction.ByName.TryGetValue(name, out var function))
            http.Features.Set(function);
        return next(context);
    }
}
