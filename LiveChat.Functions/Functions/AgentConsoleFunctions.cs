using System.Collections.Frozen;
using LiveChat.Core.Errors;
using LiveChat.Core.Realtime;
using LiveChat.Core.Uploads;
using LiveChat.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace LiveChat.Functions.Functions;

/// <summary>Section "AgentConsole": the browser console for agents (console/ in the repository).</summary>
public sealed class AgentConsoleOptions
{
    /// <summary>Off unless set: in Azure the agents' own panel is the client; ./run.sh turns it on.</summary>
    public bool Enabled { get; set; }
}

/// <summary>
/// The agent console: static files copied next to the worker (console/), served at /api/console (the page) and
/// /api/console/{file}. The page calls this API with the agent's token, so it needs nothing of the server but the files.
/// </summary>
public sealed class AgentConsoleFunctions(Api api, IOptions<AgentConsoleOptions> options, AgentConsoleFiles files)
{
    [Function("AgentConsole")]
    [ApiOperation(Caller.Anonymous, typeof(string), "The agent console page (when AgentConsole:Enabled)", Content = ["text/html"], Errors = ["console_disabled"], UsesStore = false)]
    public Task<IActionResult> Page(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console")] HttpRequest req) =>
        api.Run(req, _ => Task.FromResult(Serve(req, "index.html")));

    [Function("AgentConsoleFile")]
    [ApiOperation(Caller.Anonymous, typeof(string), "A file of the agent console: script, style sheet or the SignalR client", Content = ["text/javascript", "text/css"], Errors = ["console_disabled", "console_file_not_found"], UsesStore = false)]
    public Task<IActionResult> File(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "console/{file}")] HttpRequest req, string file) =>
        api.Run(req, _ => Task.FromResult(Serve(req, file)));

    ApiResult Serve(HttpRequest req, string name)
    {
        if (!options.Value.Enabled) return ApiResult.Problem(ErrorCatalog.ConsoleDisabled, ErrorCatalog.ConsoleDisabled.Detail, req.Path);
        return files.Find(name) is { } file
            ? ApiResult.File(file.ContentType, file.Content, files.Headers)
            : ApiResult.Problem(ErrorCatalog.ConsoleFileNotFound, ErrorCatalog.ConsoleFileNotFound.Detail, req.Path);
    }
}

/// <summary>The console's files, read once from the worker's output; only these names are ever served.</summary>
public sealed class AgentConsoleFiles
{
    public sealed record ConsoleFile(string ContentType, byte[] Content);

    static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript; charset=utf-8", [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml", [".png"] = "image/png",
    };

    readonly FrozenDictionary<string, ConsoleFile> _files;

    public AgentConsoleFiles(IOptions<SignalROptions> signalR, BlobStore blobs)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "console");
        _files = (Directory.Exists(folder) ? Directory.GetFiles(folder) : [])
            .Where(path => ContentTypes.ContainsKey(Path.GetExtension(path)))
            .ToFrozenDictionary(path => Path.GetFileName(path), path => new ConsoleFile(ContentTypes[Path.GetExtension(path)], System.IO.File.ReadAllBytes(path)),
                StringComparer.Ordinal);
        Headers = new Dictionary<string, string>
        {
            ["Content-Security-Policy"] = ContentSecurityPolicy(signalR.Value, blobs.ServiceUri),
            ["X-Content-Type-Options"] = "nosniff",
            ["Referrer-Policy"] = "no-referrer",
            ["Cache-Control"] = "no-cache",
        }.ToFrozenDictionary();
    }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public ConsoleFile? Find(string name) => _files.GetValueOrDefault(name);

    /// <summary>
    /// Scripts and styles from the console's own files only (no inline code); the page may reach this API, SignalR
    /// Service (negotiate and its WebSocket) and Blob Storage (uploads, attachment previews), nothing else.
    /// </summary>
    static string ContentSecurityPolicy(SignalROptions signalR, Uri blobService)
    {
        var blobs = blobService.GetLeftPart(UriPartial.Authority);
        var connect = new List<string> { "'self'", blobs };
        if (!string.IsNullOrWhiteSpace(signalR.ConnectionString))
        {
            var endpoint = SignalRConnection.Parse(signalR.ConnectionString).Endpoint;
            connect.Add(endpoint.GetLeftPart(UriPartial.Authority));
            connect.Add(new UriBuilder(endpoint) { Scheme = endpoint.Scheme == "https" ? "wss" : "ws" }.Uri.GetLeftPart(UriPartial.Authority));
        }
        return $"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: {blobs}; connect-src {string.Join(' ', connect)}; "
               + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    }
}
