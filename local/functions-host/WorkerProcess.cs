using System.Diagnostics;
using LiveChat.FunctionsHost.Rpc;
using Google.Protobuf.WellKnownTypes;

namespace LiveChat.FunctionsHost;

/// <summary>
/// Starts the built worker as the Functions host does (its command line, app settings as environment variables,
/// the script root as working directory), restarts it when it dies, and stops it with WorkerTerminate.
/// </summary>
public sealed class WorkerProcess(HostSettings settings, WorkerChannel channel, WorkerLogSink sink, GrpcEndpoint grpc, ILogger<WorkerProcess> log)
    : BackgroundService, IHostedLifecycleService
{
    static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(1);
    volatile Process? _process;
    volatile string? _workerId;
    volatile bool _stopping;

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Ends the worker at once, for an embedding process that exits without stopping the host.</summary>
    public void Kill()
    {
        _stopping = true;
        try { _process?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        channel.WorkerFailed += EndFailedWorker;
        var restartDelay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested && !_stopping)
        {
            var started = Stopwatch.StartNew();
            var process = Start();
            try
            {
                await process.WaitForExitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return; // StoppingAsync terminates it
            }
            if (_stopping) return;
            log.LogError("Worker process {Pid} exited with code {ExitCode}; restarting in {Delay}", process.Id, process.ExitCode, restartDelay);
            // A worker that keeps dying at start is retried less and less often; one that ran a while starts over.
            restartDelay = started.Elapsed > TimeSpan.FromMinutes(1) ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(Math.Min(30, restartDelay.TotalSeconds * 2));
            try { await Task.Delay(restartDelay, stoppingToken); } catch (OperationCanceledException) { return; }
            if (_stopping) return; // stopped or killed during the delay: no new worker
        }
    }

    /// <summary>A worker that connected but cannot serve is ended, so the restart loop (with its back-off) brings up another.</summary>
    void EndFailedWorker(string workerId)
    {
        if (workerId != _workerId) return;
        try { _process?.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    Process Start()
    {
        var workerId = Guid.NewGuid().ToString();
        _workerId = workerId;
        var requestId = Guid.NewGuid().ToString();
        channel.Expect(workerId);
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = settings.ScriptRoot, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var uri = grpc.Uri;
        string[] args =
        [
            Path.Combine(settings.ScriptRoot, WorkerAssembly()),
            "--host", uri.Host, "--port", uri.Port.ToString(), "--workerId", workerId, "--requestId", requestId,
            "--grpcMaxMessageLength", int.MaxValue.ToString(),
            "--functions-uri", uri.ToString(), "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", int.MaxValue.ToString(),
        ];
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in settings.Values) info.Environment[key] = value;
        info.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = settings.ScriptRoot;
        info.Environment["FUNCTIONS_WORKER_DIRECTORY"] = settings.ScriptRoot;
        info.Environment.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) sink.WriteOutput("stdout", line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) sink.WriteOutput("stderr", line); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        log.LogInformation("Started worker process {Pid} ({WorkerId})", process.Id, workerId);
        return process;
    }

    /// <summary>worker.config.json's defaultWorkerPath: the assembly `dotnet` runs.</summary>
    string WorkerAssembly()
    {
        using var config = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(settings.ScriptRoot, "worker.config.json")));
        return config.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString()!;
    }

    /// <summary>Runs before the web server drains, so the worker's event stream is gone by then and shutdown is quick.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_process is not { } process || process.HasExited) return;
        try
        {
            // The clean shutdown the worker announces (HandlesWorkerTerminateMessage); a kill if it does not exit in time.
            channel.Current?.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(TerminateGrace) } });
            using var grace = new CancellationTokenSource(TerminateGrace);
            await process.WaitForExitAsync(grace.Token);
        }
        catch (OperationCanceledException)
        {
            log.LogWarning("Worker process {Pid} did not stop within {Grace}; killing it", process.Id, TerminateGrace);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
