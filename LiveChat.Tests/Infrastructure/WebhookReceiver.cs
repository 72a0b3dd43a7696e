using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

namespace LiveChat.Tests.Infrastructure;

/// <summary>
/// local/webhook-receiver.mjs in a Node process of its own: it verifies every delivery with the standardwebhooks npm
/// package. Stop() makes it truly down (connections refused on its port); Start() brings it back on the same port,
/// with what it received before kept here.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    readonly List<JsonElement> _earlier = [];
    readonly HttpClient _http = new();
    Process? _process;
    string[] _secrets = [];

    public int Port { get; } = LocalStack.FreePort();
    public string Url => $"http://127.0.0.1:{Port}/hooks";

    public async Task StartAsync(params string[] secrets)
    {
        if (secrets.Length > 0) _secrets = secrets;
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(LocalStack.RepoRoot, "local", "webhook-receiver.mjs"));
        info.ArgumentList.Add(Port.ToString());
        foreach (var s in _secrets) info.ArgumentList.Add(s);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await LocalStack.WaitForAsync(new Uri($"http://127.0.0.1:{Port}/_received"));
    }

    public async Task StopAsync()
    {
        if (_process is null) return;
        _earlier.AddRange(await CurrentAsync());
        _process.Kill();
        await _process.WaitForExitAsync();
        _process = null;
    }

    /// <summary>"STOP" freezes it (connections are still accepted by the kernel, never answered), "CONT" thaws it.</summary>
    public void Signal(string signal) => Faults.Signals.Send(_process ?? throw new InvalidOperationException("not started"), signal);

    /// <summary>How it answers verified deliveries from now on.</summary>
    public async Task AnswerAsync(int status, int? retryAfterSeconds = null) =>
        (await _http.PostAsJsonAsync($"http://127.0.0.1:{Port}/_control", new { status, retryAfter = retryAfterSeconds })).EnsureSuccessStatusCode();

    public async Task UseSecretsAsync(params string[] secrets)
    {
        _secrets = secrets;
        (await _http.PostAsJsonAsync($"http://127.0.0.1:{Port}/_control", new { secrets })).EnsureSuccessStatusCode();
    }

    /// <summary>Every request it got, oldest first: {id, type, verified, status, signatures, body}.</summary>
    public async Task<List<JsonElement>> ReceivedAsync() => [.. _earlier, .. _process is null ? [] : await CurrentAsync()];

    async Task<List<JsonElement>> CurrentAsync() =>
        JsonSerializer.Deserialize<List<JsonElement>>(await _http.GetStringAsync($"http://127.0.0.1:{Port}/_received"))!;

    /// <summary>The verified deliveries it answered with a success.</summary>
    public async Task<List<JsonElement>> AcceptedAsync() =>
        (await ReceivedAsync()).Where(r => r.GetProperty("verified").GetBoolean() && r.GetProperty("status").GetInt32() is >= 200 and < 300).ToList();

    public async ValueTask DisposeAsync()
    {
        try { _process?.Kill(); } catch (InvalidOperationException) { }
        _http.Dispose();
        await Task.CompletedTask;
    }
}
