using LiveChat.Core;
using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace LiveChat.DevHost;

/// <summary>Runs each timer function on its NCrontab schedule (6 fields, with seconds, as the Functions host).</summary>
public sealed class TimerScheduler(FunctionCatalog catalog, IServiceProvider services, TimeProvider time, IConfiguration configuration,
    ILogger<TimerScheduler> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("DevHost:RunTimers", true)) return Task.CompletedTask;
        return Task.WhenAll(catalog.Timers.Select(timer => RunOnScheduleAsync(timer, stoppingToken)));
    }

    async Task RunOnScheduleAsync(TimerFunction timer, CancellationToken ct)
    {
        var schedule = CrontabSchedule.Parse(timer.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            var next = new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(next - now, time, ct);
                await using var scope = services.CreateAsyncScope();
                await InvokeAsync(scope.ServiceProvider, timer, isPastDue: time.GetUtcNow() - next > TimeSpan.FromSeconds(30), ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                log.LogError(e, "Timer function {Function} failed", timer.Name);
            }
        }
    }

    public static Task<object?> InvokeAsync(IServiceProvider services, TimerFunction timer, bool isPastDue, CancellationToken ct) =>
        FunctionCatalog.InvokeAsync(services, timer.Type, timer.Method, p =>
            p.ParameterType == typeof(TimerInfo) ? new TimerInfo { IsPastDue = isPastDue }
            : p.ParameterType == typeof(CancellationToken) ? ct
            : throw new NotSupportedException($"DevHost cannot bind {p.ParameterType.Name} {p.Name} of {timer.Name}."));
}
