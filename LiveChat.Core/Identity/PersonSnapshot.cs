namespace LiveChat.Core.Identity;

/// <summary>A person as a chat shows them (an author, an agent, a machine's user), copied when the chat needs it.</summary>
public sealed record PersonSnapshot(string Name, string? Email = null, string? AvatarUrl = null);
