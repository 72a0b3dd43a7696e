using System.Net;
using LiveChat.FunctionsHost.Rpc;

namespace LiveChat.FunctionsHost;

/// <summary>
/// An HTTP trigger under ASP.NET Core integration, as the Functions host runs it: pick the function by route and
/// method, send the InvocationRequest (route values as trigger metadata), forward the request itself to the worker's
/// HttpUri with the invocation id header, and stream the worker's response back unchanged.
/// </summary>
public sealed class HttpForwarder(WorkerChannel channel, ILogger<HttpForwarder> log)
{
    public const string InvocationIdHeader = "x-ms-invocation-id";
    static readonly TimeSpan WorkerStartWait = TimeSpan.FromSeconds(30);
    static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Host",
    };

    readonly HttpMessageInvoker _http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false, UseCookies = false, UseProxy = false, AutomaticDecompression = DecompressionMethods.None,
        ConnectTimeout = TimeSpan.FromSeconds(5), PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    });

    public async Task ForwardAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        WorkerConnection worker;
        try
        {
            worker = await channel.ReadyAsync(WorkerStartWait, ct);
        }
        catch (Exception e) when (e is TimeoutException or WorkerStartException)
        {
            // What the real host answers while it has no running worker: 503 with a plain text.
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            await context.Response.WriteAsync("Function host is not running.", ct);
            return;
        }

        if (worker.Functions!.Match(context.Request.Path.Value ?? "/", context.Request.Method) is not { } match)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // empty body, as the Functions host
            return;
        }
        var (function, routeValues) = match;

        var invocationId = Guid.NewGuid().ToString();
        var request = new InvocationRequest
        {
            InvocationId = invocationId, FunctionId = function.Id, TraceContext = new RpcTraceContext(),
            InputData = { new ParameterBinding { Name = function.BindingName, Data = new TypedData { Http = new RpcHttp() } } },
        };
        foreach (var (name, value) in routeValues)
            if (value is not null) request.TriggerMetadata[name] = new TypedData { String = value.ToString() };

        var invocation = worker.InvokeAsync(request);
        _ = invocation.ContinueWith(done =>
        {
            if (done.IsCompletedSuccessfully && done.Result.Result?.Status == StatusResult.Types.Status.Success) return;
            log.LogError("Executed 'Functions.{Function}' (Failed, Id={InvocationId}): {Error}", function.Name, invocationId,
                done.IsCompletedSuccessfully ? done.Result.Result?.Exception?.Message : done.Exception?.InnerException?.Message);
        }, TaskScheduler.Default);
        try
        {
            using var response = await SendAsync(context, worker.HttpUri!, invocationId, ct);
            await CopyResponseAsync(response, context, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            worker.Cancel(invocationId);
            return;
        }
        catch (HttpRequestException e)
        {
            log.LogError("Forwarding {Method} {Path} to the worker failed: {Error}", context.Request.Method, context.Request.Path, e.Message);
            if (!context.Response.HasStarted) context.Response.StatusCode = StatusCodes.Status502BadGateway;
        }
    }

    /// <summary>
    /// The worker may announce its HTTP address a moment before its server listens: a refused connection is retried
    /// for a few seconds, as the real host's forwarder retries connect errors (nothing was sent yet, so it is safe).
    /// </summary>
    async Task<HttpResponseMessage> SendAsync(HttpContext context, Uri worker, string invocationId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Not disposed on success: its content wraps the incoming body, which Kestrel owns.
            var forwarded = Forwarded(context, worker, invocationId);
            try
            {
                return await _http.SendAsync(forwarded, ct);
            }
            catch (HttpRequestException e) when (e.InnerException is System.Net.Sockets.SocketException
                { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused } && attempt < ConnectAttempts)
            {
                await Task.Delay(ConnectRetryDelay, ct);
            }
        }
    }

    const int ConnectAttempts = 50;
    static readonly TimeSpan ConnectRetryDelay = TimeSpan.FromMilliseconds(100);

    static HttpRequestMessage Forwarded(HttpContext context, Uri worker, string invocationId)
    {
        var incoming = context.Request;
        var message = new HttpRequestMessage(new HttpMethod(incoming.Method), new Uri(worker, incoming.Path + incoming.QueryString))
        {
            Version = HttpVersion.Version11,
        };
        if (incoming.ContentLength > 0 || incoming.Headers.TransferEncoding.Count > 0)
            message.Content = new StreamContent(incoming.Body);
        foreach (var (name, values) in incoming.Headers)
        {
            if (HopByHop.Contains(name)) continue;
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
        message.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        message.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());
        message.Headers.TryAddWithoutValidation("X-Forwarded-Host", incoming.Host.Value);
        message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", incoming.Scheme);
        return message;
    }

    static async Task CopyResponseAsync(HttpResponseMessage response, HttpContext context, CancellationToken ct)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            if (!HopByHop.Contains(name)) context.Response.Headers[name] = values.ToArray();
        await response.Content.CopyToAsync(context.Response.Body, ct);
    }
}
