using System.Diagnostics;
using System.Text.Json;
using LiveChat.FunctionsHost.Rpc;
using NCrontab;

namespace LiveChat.FunctionsHost;

/// <summary>Runs timer functions on their NCrontab schedules, and on demand through the admin endpoint.</summary>
public sealed class TimerTriggers(WorkerChannel channel, HostSettings settings, TimeProvider time, ILogger<TimerTriggers> log) : BackgroundService
{
    static readonly TimeSpan WorkerStartWait = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var worker = await channel.ReadyAsync(Timeout.InfiniteTimeSpan, stoppingToken);
            // Schedules come from the first loaded worker: a restarted worker runs the same build.
            // AzureWebJobs.{name}.Disabled stops the schedule, as in Azure; the admin endpoint still runs the function.
            await Task.WhenAll(worker.Functions!.Timers
                .Where(timer => !settings.IsDisabled(timer.Name))
                .Select(timer => RunOnScheduleAsync(timer, stoppingToken)));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    async Task RunOnScheduleAsync(TimerFunction timer, CancellationToken ct)
    {
        var schedule = CrontabSchedule.Parse(timer.Schedule, new CrontabSchedule.ParseOptions { IncludingSeconds = timer.Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
        DateTime? last = null;
        while (!ct.IsCancellationRequested)
        {
            var now = time.GetUtcNow().UtcDateTime;
            // After the last occurrence, not just after now: a timer that wakes a little early must not fire it twice.
            var next = schedule.GetNextOccurrence(last is { } previous && previous > now ? previous : now);
            if (next > now) await Task.Delay(next - now, time, ct);
            var isPastDue = time.GetUtcNow().UtcDateTime - next > TimeSpan.FromSeconds(30);
            await InvokeAsync(timer, Status(last ?? next, schedule.GetNextOccurrence(next), isPastDue), ct);
            last = next;
        }
    }

    /// <summary>Runs a timer function now, as the host's POST /admin/functions/{name}; false if there is no such timer.</summary>
    public async Task<bool> RunNowAsync(string name, CancellationToken ct)
    {
        var worker = await channel.ReadyAsync(WorkerStartWait, ct);
        if (worker.Functions!.Timers.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is not { } timer) return false;
        var now = time.GetUtcNow().UtcDateTime;
        _ = InvokeAsync(timer, Status(now, now, isPastDue: false), CancellationToken.None);
        return true;
    }

    /// <summary>The TimerInfo the worker binds: {ScheduleStatus {Last, Next, LastUpdated}, IsPastDue}.</summary>
    static string Status(DateTime last, DateTime next, bool isPastDue) => JsonSerializer.Serialize(new
    {
        Schedule = new { AdjustForDST = true },
        ScheduleStatus = new { Last = last, Next = next, LastUpdated = last },
        IsPastDue = isPastDue,
    });

    async Task InvokeAsync(TimerFunction timer, string timerInfo, CancellationToken ct)
    {
        var invocationId = Guid.NewGuid().ToString();
        var watch = Stopwatch.StartNew();
        try
        {
            var worker = await channel.ReadyAsync(WorkerStartWait, ct);
            var response = await worker.InvokeAsync(new InvocationRequest
            {
                InvocationId = invocationId, FunctionId = timer.Id, TraceContext = new RpcTraceContext(),
                InputData = { new ParameterBinding { Name = timer.BindingName, Data = new TypedData { Json = timerInfo } } },
            });
            if (response.Result?.Status == StatusResult.Types.Status.Success)
                log.LogInformation("Executed 'Functions.{Function}' (Succeeded, Id={InvocationId}, Duration={Ms}ms): {Result}",
                    timer.Name, invocationId, watch.ElapsedMilliseconds, response.ReturnValue?.Json);
            else
                log.LogError("Executed 'Functions.{Function}' (Failed, Id={InvocationId}, Duration={Ms}ms): {Error}",
                    timer.Name, invocationId, watch.ElapsedMilliseconds, response.Result?.Exception?.Message);
        }
        catch (Exception e) when (e is TimeoutException or WorkerUnavailableException or WorkerStartException)
        {
            log.LogError("Timer function {Function} did not run: {Error}", timer.Name, e.Message);
        }
    }
}
