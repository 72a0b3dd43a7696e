namespace LiveChat.Core;

public static class Clock
{
    /// <summary>Now as Unix epoch milliseconds, the API's and the store's time format.</summary>
    public static long NowMs(this TimeProvider time) => time.GetUtcNow().ToUnixTimeMilliseconds();
}
