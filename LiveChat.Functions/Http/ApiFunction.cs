using System.Collections.Frozen;
using System.Reflection;
using LiveChat.Core.Limits;
using Microsoft.Azure.Functions.Worker;

namespace LiveChat.Functions.Http;

/// <summary>
/// The call takes a token of its caller's bucket for this kind of call (RateLimits:&lt;call&gt;) before anything else
/// is done; over the limit it is 429 rate_limited with Retry-After.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RateLimitedAttribute(LimitedCall call) : Attribute
{
    public LimitedCall Call => call;
}

/// <summary>An agent call that roles other than ADMIN, MANAGER and AGENT are refused (403 forbidden_role) before anything is read.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StaffOnlyAttribute : Attribute;

/// <summary>
/// An HTTP function as declared on its method: its route, its contract (<see cref="ApiOperationAttribute"/>) and
/// what the request pipeline does around it (<see cref="RateLimitedAttribute"/>, <see cref="StaffOnlyAttribute"/>).
/// <see cref="ApiFunctionMiddleware"/> hands it to <see cref="Api"/> for each invocation; OpenApiContract documents it.
/// </summary>
public sealed record ApiFunction(string Name, HttpTriggerAttribute Trigger, ApiOperationAttribute Operation, LimitedCall? Limit, bool StaffOnly)
{
    /// <summary>Every HTTP-triggered function of the app, in name order.</summary>
    public static readonly IReadOnlyList<ApiFunction> All = typeof(ApiFunction).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods())
        .Select(Declared)
        .OfType<ApiFunction>()
        .OrderBy(f => f.Name, StringComparer.Ordinal)
        .ToList();

    public static readonly FrozenDictionary<string, ApiFunction> ByName = All.ToFrozenDictionary(f => f.Name);

    static ApiFunction? Declared(MethodInfo method)
    {
        var name = method.GetCustomAttribute<FunctionAttribute>()?.Name;
        var trigger = method.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null);
        if (name is null || trigger is null) return null;
        var operation = method.GetCustomAttribute<ApiOperationAttribute>()
            ?? throw new InvalidOperationException($"Function {name} has no [ApiOperation].");
        var staffOnly = method.GetCustomAttribute<StaffOnlyAttribute>() is not null;
        if (staffOnly && operation.Caller != Caller.Agent) throw new InvalidOperationException($"Function {name}: [StaffOnly] is for agent calls.");
        return new ApiFunction(name, trigger, operation, method.GetCustomAttribute<RateLimitedAttribute>()?.Call, staffOnly);
    }
}
