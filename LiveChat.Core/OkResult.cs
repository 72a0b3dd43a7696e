namespace LiveChat.Core;

/// <summary>The reference's answer to a command that returns nothing else: <c>{"ok": true}</c>.</summary>
public sealed record OkResult(bool Ok);
