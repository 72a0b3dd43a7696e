using LiveChat.Core.Limits;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Moq;

namespace LiveChat.Tests.Hosting;

/// <summary>
/// The request pipeline's own seam: what a function declares next to its [ApiOperation], and the worker middleware
/// that hands it to the request. What the pipeline then does with it (callers, refusals, limits, deadline,
/// problem+json) is tested through the host, e.g. RateLimitTests, SessionTests, StoreFaultTests.
/// </summary>
public sealed class PipelineTests
{
    /// <summary>
    /// A FunctionContext as the worker makes one for an HTTP invocation: the ASP.NET Core integration puts the
    /// request's HttpContext in its Items under "HttpRequestContext" (what context.GetHttpContext() reads).
    /// </summary>
    static (FunctionContext Context, HttpContext? Http) Invocation(string function, bool http)
    {
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns(function);
        var httpContext = http ? new DefaultHttpContext() : null;
        var items = new Dictionary<object, object>();
        if (httpContext is not null) items["HttpRequestContext"] = httpContext;
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);
        context.SetupGet(c => c.Items).Returns(items);
        return (context.Object, httpContext);
    }

    [Fact]
    public async Task The_middleware_hands_the_invoked_functions_declarations_to_its_request()
    {
        var (context, http) = Invocation("PostMachineMessage", http: true);
        ApiFunction? seen = null;
        await new ApiFunctionMiddleware().Invoke(context, c =>
        {
            seen = c.GetHttpContext()!.Features.Get<ApiFunction>();
            return Task.CompletedTask;
        });
        Assert.Same(ApiFunction.ByName["PostMachineMessage"], seen);
        Assert.Same(seen, http!.Features.Get<ApiFunction>());
    }

    [Fact]
    public async Task A_timer_invocation_passes_through_with_nothing_to_hand_over()
    {
        var (context, _) = Invocation("AutoEndInactiveSessions", http: false);
        var called = false;
        await new ApiFunctionMiddleware().Invoke(context, _ =>
        {
            called = true;
            return Task.CompletedTask;
        });
        Assert.True(called);
    }

    [Fact]
    public void Rate_limits_and_staff_only_refusals_are_declared_where_the_calls_are()
    {
        var limited = ApiFunction.All.Where(f => f.Limit is not null).ToDictionary(f => f.Name, f => f.Limit);
        Assert.Equal(new Dictionary<string, LimitedCall?>
        {
            ["AgentNegotiate"] = LimitedCall.Negotiate, ["AgentTyping"] = LimitedCall.Typing,
            ["GenerateAgentUploadUrl"] = LimitedCall.Uploads, ["GenerateMachineUploadUrl"] = LimitedCall.Uploads,
            ["MachineNegotiate"] = LimitedCall.Negotiate, ["MachineTyping"] = LimitedCall.Typing,
            ["PostAgentMessage"] = LimitedCall.Posts, ["PostMachineMessage"] = LimitedCall.Posts,
        }, limited);
        Assert.Equal(["AgentNegotiate"], ApiFunction.All.Where(f => f.StaffOnly).Select(f => f.Name));
    }

    [Fact]
    public void The_document_lists_what_the_declarations_can_answer()
    {
        var paths = OpenApiContract.Document["paths"]!.AsObject();
        foreach (var function in ApiFunction.All)
        {
            var responses = paths["/api/" + function.Trigger.Route]![function.Trigger.Methods![0].ToLowerInvariant()]!["responses"]!.ToJsonString();
            Assert.True(responses.Contains("rate_limited") == function.Limit is not null, function.Name);
            if (function.StaffOnly) Assert.Contains("forbidden_role", responses);
        }
    }
}
