using LiveChat.FunctionsHost.Rpc;

namespace LiveChat.FunctionsHost;

/// <summary>
/// Where the worker's output goes: its RpcLog messages and its own stdout/stderr, to the host's console logger under
/// "Worker" categories (as `func start` prints them), and to an optional observer (tests read the logs there).
/// </summary>
public sealed class WorkerLogSink(ILoggerFactory loggers)
{
    public Action<string>? Observer { get; set; }

    public void Write(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var exception = log.Exception is { } e ? $"{e.Type}: {e.Message}\n{e.StackTrace}" : null;
        var category = string.IsNullOrEmpty(log.Category) ? "Worker" : "Worker." + log.Category;
        loggers.CreateLogger(category).Log(level, "{Message}{Exception}", log.Message, exception is null ? "" : "\n" + exception);
        Observer?.Invoke($"{level} {category}: {log.Message} {exception}");
    }

    public void WriteOutput(string stream, string line)
    {
        loggers.CreateLogger("Worker.Process").LogInformation("[{Stream}] {Line}", stream, line);
        Observer?.Invoke($"Output {stream}: {line}");
    }
}
