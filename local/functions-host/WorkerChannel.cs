using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using LiveChat.FunctionsHost.Rpc;

namespace LiveChat.FunctionsHost;

/// <summary>One worker's event stream, from StartStream until it closes, with the invocations waiting on it.</summary>
public sealed class WorkerConnection(string workerId)
{
    readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new();

    public string WorkerId => workerId;
    public Uri? HttpUri { get; set; }
    public FunctionIndex? Functions { get; set; }
    public ChannelReader<StreamingMessage> Outbound => _outbound.Reader;

    public void Send(StreamingMessage message) => _outbound.Writer.TryWrite(message);

    /// <summary>Sends the invocation; the task completes with the worker's InvocationResponse.</summary>
    public Task<InvocationResponse> InvokeAsync(InvocationRequest request)
    {
        var pending = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = pending;
        if (!_outbound.Writer.TryWrite(new StreamingMessage { InvocationRequest = request }))
            pending.TrySetException(new WorkerUnavailableException("The worker's stream is closed."));
        return pending.Task;
    }

    public void Cancel(string invocationId) =>
        Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId } });

    public void Complete(InvocationResponse response)
    {
        if (_invocations.TryRemove(response.InvocationId, out var pending)) pending.TrySetResult(response);
    }

    /// <summary>The stream is gone: nothing more is sent, and every invocation still waiting fails.</summary>
    public void Close()
    {
        _outbound.Writer.TryComplete();
        foreach (var id in _invocations.Keys)
            if (_invocations.TryRemove(id, out var pending))
                pending.TrySetException(new WorkerUnavailableException("The worker exited before it answered."));
    }
}

public sealed class WorkerUnavailableException(string message) : Exception(message);

/// <summary>
/// The host's end of the worker protocol (gRPC service FunctionRpc.EventStream): init, function metadata from
/// worker indexing, function load; then invocations and the worker's logs, until the stream ends.
/// </summary>
public sealed class WorkerChannel(HostSettings settings, WorkerLogSink sink, ILogger<WorkerChannel> log) : FunctionRpc.FunctionRpcBase
{
    public const string HostVersion = "4.1037.0-livechat";
    readonly Lock _gate = new();
    TaskCompletionSource<WorkerConnection> _ready = NewReady();
    string? _expectedWorkerId;

    /// <summary>Called before a worker process starts: only a stream from that worker id is accepted.</summary>
    public void Expect(string workerId)
    {
        lock (_gate)
        {
            _expectedWorkerId = workerId;
            if (_ready.Task.IsCompleted) _ready = NewReady();
        }
    }

    /// <summary>The loaded worker; waits while one starts or restarts.</summary>
    public Task<WorkerConnection> ReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        lock (_gate) return _ready.Task.WaitAsync(timeout, ct);
    }

    /// <summary>Raised with the worker id when a worker cannot serve (init or load failed): it is to be restarted.</summary>
    public event Action<string>? WorkerFailed;

    /// <summary>The worker connected now, loaded or not.</summary>
    public WorkerConnection? Current { get; private set; }

    static TaskCompletionSource<WorkerConnection> NewReady() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, ServerCallContext context)
    {
        var ct = context.CancellationToken;
        if (!await requests.MoveNext(ct) || requests.Current.StartStream is not { } start || start.WorkerId != _expectedWorkerId)
        {
            log.LogWarning("Refused an event stream that did not start with StartStream from the expected worker");
            return;
        }
        var connection = Current = new WorkerConnection(start.WorkerId);
        var writer = WriteAsync(connection, responses, ct);
        TaskCompletionSource<WorkerConnection> ready;
        lock (_gate) ready = _ready;
        var pendingLoads = new HashSet<string>();
        var loaded = new List<RpcFunctionMetadata>();
        try
        {
            connection.Send(new StreamingMessage
            {
                RequestId = NewId(),
                // The real host's capabilities (MultiStream, FunctionDataCache) announce features this host lacks;
                // the .NET worker reads none of them.
                WorkerInitRequest = new WorkerInitRequest
                {
                    HostVersion = HostVersion, WorkerDirectory = settings.ScriptRoot, FunctionAppDirectory = settings.ScriptRoot,
                },
            });
            while (await requests.MoveNext(ct))
            {
                var message = requests.Current;
                switch (message.ContentCase)
                {
                    case StreamingMessage.ContentOneofCase.RpcLog:
                        sink.Write(message.RpcLog);
                        break;
                    case StreamingMessage.ContentOneofCase.WorkerInitResponse:
                        var init = message.WorkerInitResponse;
                        EnsureSuccess(init.Result, "init");
                        if (init.Capabilities.TryGetValue("HttpUri", out var httpUri)) connection.HttpUri = new Uri(httpUri);
                        log.LogInformation("Worker {WorkerId} initialized ({Runtime} {Version}, worker {WorkerVersion})", connection.WorkerId,
                            init.WorkerMetadata?.RuntimeName, init.WorkerMetadata?.RuntimeVersion, init.WorkerMetadata?.WorkerVersion);
                        connection.Send(new StreamingMessage
                        {
                            RequestId = NewId(), FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = settings.ScriptRoot },
                        });
                        break;
                    case StreamingMessage.ContentOneofCase.FunctionMetadataResponse:
                        var metadata = message.FunctionMetadataResponse;
                        EnsureSuccess(metadata.Result, "function metadata");
                        if (metadata.UseDefaultMetadataIndexing)
                            throw new NotSupportedException("The worker asked for host indexing (functions.metadata); this host supports worker indexing only.");
                        foreach (var function in metadata.FunctionMetadataResults)
                        {
                            pendingLoads.Add(function.FunctionId);
                            loaded.Add(function);
                            connection.Send(new StreamingMessage
                            {
                                RequestId = NewId(), FunctionLoadRequest = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function },
                            });
                        }
                        break;
                    case StreamingMessage.ContentOneofCase.FunctionLoadResponse:
                        var load = message.FunctionLoadResponse;
                        EnsureSuccess(load.Result, $"load of function {load.FunctionId}");
                        if (pendingLoads.Remove(load.FunctionId) && pendingLoads.Count == 0)
                        {
                            connection.Functions = new FunctionIndex(loaded, settings);
                            if (connection.HttpUri is null && connection.Functions.Http.Count > 0)
                                throw new NotSupportedException("The worker did not announce HttpUri: this host proxies HTTP to workers with ASP.NET Core integration only.");
                            log.LogInformation("Worker {WorkerId} loaded {Count} functions", connection.WorkerId, loaded.Count);
                            ready.TrySetResult(connection);
                        }
                        break;
                    case StreamingMessage.ContentOneofCase.InvocationResponse:
                        connection.Complete(message.InvocationResponse);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (IOException)
        {
            // The worker went away mid-stream; WorkerProcess logs its exit and restarts it.
        }
        // Init or load failed, or the functions cannot be served here (an unsupported trigger, an unset %Setting%).
        catch (Exception e) when (e is WorkerStartException or NotSupportedException or InvalidOperationException)
        {
            log.LogError("Worker {WorkerId} cannot serve: {Reason}", connection.WorkerId, e.Message);
            ready.TrySetException(e as WorkerStartException ?? new WorkerStartException(e.Message));
            WorkerFailed?.Invoke(connection.WorkerId);
        }
        finally
        {
            // Requests arriving from now on wait for the next worker instead of reaching a closed stream.
            lock (_gate)
            {
                if (_ready == ready && ready.Task.IsCompletedSuccessfully) _ready = NewReady();
                if (Current == connection) Current = null;
            }
            connection.Close();
            await writer;
        }
    }

    static async Task WriteAsync(WorkerConnection connection, IServerStreamWriter<StreamingMessage> responses, CancellationToken ct)
    {
        try
        {
            await foreach (var message in connection.Outbound.ReadAllAsync(ct)) await responses.WriteAsync(message, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            // The stream closed under the writer; Close() fails what was waiting.
        }
    }

    static void EnsureSuccess(StatusResult? result, string step)
    {
        // proto3: a StatusResult without status is Failure (0), so success must be stated, never assumed.
        if (result?.Status != StatusResult.Types.Status.Success)
            throw new WorkerStartException($"{step} failed: {result?.Exception?.Message ?? result?.Result ?? "no status"}");
    }

    static string NewId() => Guid.NewGuid().ToString();
}

public sealed class WorkerStartException(string message) : Exception(message);
