namespace LiveChat.Tests.Infrastructure;

public static class Poll
{
    /// <summary>Checks every 50 ms until the condition holds; false when it did not within the time given.</summary>
    public static async Task<bool> UntilAsync(Func<Task<bool>> condition, int timeoutMs = 10_000)
    {
        for (var waited = 0; waited < timeoutMs; waited += 50)
        {
            if (await condition()) return true;
            await Task.Delay(50);
        }
        return await condition();
    }

    public static Task<bool> UntilAsync(Func<bool> condition, int timeoutMs = 10_000) => UntilAsync(() => Task.FromResult(condition()), timeoutMs);
}
