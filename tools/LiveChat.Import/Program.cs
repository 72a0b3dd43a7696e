using LiveChat.Core.Chat;
using LiveChat.Core.Storage;
using LiveChat.Core.Uploads;
using LiveChat.Core;
using LiveChat.Import;
using LiveChat.Tools;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

// Imports one tenant's chat data from a Convex snapshot export into the configured Cosmos DB and Blob Storage:
//   dotnet run --project tools/LiveChat.Import -- snapshot.zip --tenant <tenantId> [--dry-run]
// Settings: LiveChat.Functions/local.settings.json (what ./run.sh uses), overridden by environment variables
// (Cosmos__Endpoint, Blob__ServiceUri, ... with your Azure sign-in; see docs/convex.md).
string? zip = null, tenant = null;
var dryRun = false;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--tenant" when i + 1 < args.Length: tenant = args[++i]; break;
        case "--dry-run": dryRun = true; break;
        case var path when !path.StartsWith("--") && zip is null: zip = path; break;
        default: return Usage($"unexpected argument {args[i]}");
    }
}
if (zip is null || string.IsNullOrWhiteSpace(tenant)) return Usage("a snapshot and --tenant are required");
if (!File.Exists(zip)) return Usage($"{zip} does not exist");

IConfiguration configuration;
try
{
    configuration = LocalSettings.Load();
}
catch (FileNotFoundException)
{
    configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
}
await using var services = new ServiceCollection().AddLogging().AddLiveChatCore(configuration).BuildServiceProvider();
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };

if (!dryRun) await services.GetRequiredService<StorageInitializer>().CreateAsync(stop.Token);
var importer = new ConvexImporter(services.GetRequiredService<CosmosStore>(), services.GetRequiredService<MachineInbox>(), services.GetRequiredService<BlobStore>(),
    services.GetRequiredService<IOptions<UploadOptions>>().Value, Console.Error);
ImportReport report;
try
{
    report = await importer.RunAsync(zip, tenant, dryRun, stop.Token);
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Interrupted. Everything written so far is whole; run the same command again to resume.");
    return 130;
}
report.Write(Console.Out);
return report.Fatal is null ? 0 : 1;

static int Usage(string problem)
{
    Console.Error.WriteLine($"{problem}\nusage: dotnet run --project tools/LiveChat.Import -- <snapshot.zip> --tenant <tenantId> [--dry-run]");
    return 2;
}
