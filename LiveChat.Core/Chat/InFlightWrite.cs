namespace LiveChat.Core.Chat;

/// <summary>
/// How a call waits for another request's write it found half done (a claimed session not yet created, a stored
/// message not yet counted): four looks over half a second, then it answers 409 and the caller retries.
/// </summary>
static class InFlightWrite
{
    public static readonly TimeSpan[] Waits =
        [TimeSpan.Zero, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(300)];
}
