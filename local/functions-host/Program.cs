using LiveChat.FunctionsHost;

// Usage (from the repository root, after `dotnet build LiveChat.Functions -c Release`):
//   dotnet run --project local/functions-host -- --ScriptRoot LiveChat.Functions/bin/Release/net10.0 \
//     --SettingsFile LiveChat.Functions/local.settings.json --SettingsSample local.settings.sample.json
var app = FunctionsHostApp.Build(args);
// SIGINT and SIGTERM stop the host and its worker (the generic host's console lifetime). A script's background job
// inherits SIGINT as ignored, which .NET respects: ./run.sh therefore runs this under Node, which resets it.
app.Logger.LogInformation("Functions host stand-in: worker from {ScriptRoot}", app.Services.GetRequiredService<HostSettings>().ScriptRoot);
await app.RunAsync();
