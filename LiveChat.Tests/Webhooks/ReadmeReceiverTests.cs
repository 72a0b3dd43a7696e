using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Webhooks;

/// <summary>
/// The README's TypeScript receiver, compiled with tsc and run as the README says (only its port changed), verifies
/// and prints the events of a chat: the README's example stays true.
/// </summary>
public sealed partial class ReadmeReceiverTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task The_readme_receiver_verifies_and_prints_a_chats_events()
    {
        var folder = Directory.CreateTempSubdirectory("readme-receiver-");
        var port = LocalStack.FreePort();
        var source = ReadmeWebhookReceiver();
        Assert.Contains("listen(9000,", source);
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "receiver.ts"), source.Replace("listen(9000,", $"listen({port},"));
        await File.WriteAllTextAsync(Path.Combine(folder.FullName, "package.json"), """{"type":"module"}""");
        // The README's scratch folder installs standardwebhooks and @types/node; local/ has both.
        Directory.CreateSymbolicLink(Path.Combine(folder.FullName, "node_modules"), Path.Combine(LocalStack.RepoRoot, "local", "node_modules"));
        Process? receiver = null;
        try
        {
            var tsc = Path.Combine(LocalStack.RepoRoot, "clients", "typescript", "node_modules", "typescript", "bin", "tsc");
            var (exitCode, output) = await RunAsync(Node(folder.FullName, tsc, "--module", "nodenext", "--target", "es2022", "--types", "node", "receiver.ts"));
            Assert.True(exitCode == 0, "tsc failed:\n" + output);

            var chat = await app.ChatAsync();
            var (_, secret) = await chat.Tenant.WebhookAsync($"http://127.0.0.1:{port}/livechat");
            var printed = new ConcurrentQueue<string>();
            var start = Node(folder.FullName, "receiver.js");
            start.Environment["WEBHOOK_SECRET"] = secret;
            receiver = Process.Start(start)!;
            receiver.OutputDataReceived += (_, e) => { if (e.Data is not null) printed.Enqueue(e.Data); };
            receiver.BeginOutputReadLine();
            receiver.BeginErrorReadLine();
            await LocalStack.WaitForAsync(new Uri($"http://127.0.0.1:{port}/"));

            var sessionId = await chat.StartSessionAsync();
            (await chat.Agent.PostJsonAsync($"/api/tickets/{chat.TicketId}/chat/messages", new { body = "Olá" })).EnsureSuccessStatusCode();
            (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).EnsureSuccessStatusCode();

            string[] expected = [$"session.started {chat.TicketId} LIVE_CHAT_STARTED", $"message.created {chat.TicketId}", $"session.ended {chat.TicketId} LIVE_CHAT_ENDED"];
            Assert.True(await Poll.UntilAsync(() => Task.FromResult(expected.All(e => printed.Any(line => line.Contains(e)))), 30_000),
                "the receiver printed:\n" + string.Join("\n", printed));
            Assert.All(printed, line => Assert.Matches("^evt_[0-9a-f]{32} ", line));
        }
        finally
        {
            receiver?.Kill();
            folder.Delete(recursive: true);
        }
    }

    static string ReadmeWebhookReceiver()
    {
        var readme = File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "README.md"));
        var section = readme[readme.IndexOf("\n## Webhooks", StringComparison.Ordinal)..];
        return TypeScriptBlock().Match(section).Groups[1].Value;
    }

    static ProcessStartInfo Node(string folder, params string[] args) =>
        new("node", args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };

    static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start)
    {
        using var run = Process.Start(start)!;
        var output = run.StandardOutput.ReadToEndAsync();
        var errors = run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        return (run.ExitCode, await output + await errors);
    }

    [GeneratedRegex("```ts\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex TypeScriptBlock();
}
