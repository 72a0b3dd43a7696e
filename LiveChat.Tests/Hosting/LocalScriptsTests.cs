using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Hosting;

/// <summary>The scripts behind the README's two commands: ./run.sh (local/run.mjs) and ./test.sh's safety net.</summary>
public sealed class LocalScriptsTests
{
    static Process Node(string[] args, IReadOnlyDictionary<string, string?> environment)
    {
        var info = new ProcessStartInfo("node") { WorkingDirectory = LocalStack.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return Process.Start(info)!;
    }

    /// <summary>
    /// On a fresh clone nothing is built: every program local/run.mjs starts from a Release build (release('…'))
    /// must be a project ./run.sh builds first, or run.sh stops at "No built Function App".
    /// </summary>
    [Fact]
    public void Run_sh_builds_every_program_run_mjs_starts()
    {
        var started = System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "local", "run.mjs")),
            @"release\('([^']+)'").Select(m => m.Groups[1].Value).ToHashSet();
        var built = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(LocalStack.RepoRoot, "run.sh")),
            @"for project in ([^;]+); do").Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        Assert.Contains("LiveChat.Functions", started);
        Assert.Empty(started.Except(built));
    }

    [Fact]
    public async Task A_taken_port_stops_run_sh_with_one_line_naming_it_before_anything_starts()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var run = Node([Path.Combine("local", "run.mjs"), "--no-dashboard"], new Dictionary<string, string?>
        {
            ["COSMOS_PORT"] = LocalStack.FreePort().ToString(), ["AZURITE_BLOB_PORT"] = LocalStack.FreePort().ToString(),
            ["SIGNALR_PORT"] = LocalStack.FreePort().ToString(), ["LIVECHAT_PORT"] = port.ToString(), ["LIVECHAT_DASHBOARD"] = null,
        });
        var output = run.StandardOutput.ReadToEndAsync();
        var errors = run.StandardError.ReadToEndAsync();
        Assert.True(run.WaitForExit(15_000), "run.mjs did not stop");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Port {port} (LIVECHAT_PORT) is in use", await errors);
        Assert.DoesNotContain("is up", await output);
        Assert.Single((await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task The_test_run_safety_net_stops_what_the_run_started_and_nothing_else()
    {
        var marker = "t" + Guid.NewGuid().ToString("N");
        string[] sleep = ["-e", "setTimeout(() => {}, 60000)"];
        using var started = Node(sleep, new Dictionary<string, string?> { ["LIVECHAT_TEST_RUN"] = marker });
        using var other = Node(sleep, new Dictionary<string, string?> { ["LIVECHAT_TEST_RUN"] = "another-run" });
        using var unmarked = Node(sleep, new Dictionary<string, string?> { ["LIVECHAT_TEST_RUN"] = null });
        try
        {
            using var stop = Node([Path.Combine("local", "stop-test-run.mjs"), marker], new Dictionary<string, string?>());
            await stop.WaitForExitAsync();

            Assert.True(started.WaitForExit(5_000), "the run's process is still there");
            Assert.False(other.HasExited);
            Assert.False(unmarked.HasExited);
        }
        finally
        {
            foreach (var p in new[] { started, other, unmarked }) if (!p.HasExited) p.Kill();
        }
    }
}
