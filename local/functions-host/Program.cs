using System.Runtime.InteropServices;
using LiveChat.FunctionsHost;

// Usage (from the repository root, after `dotnet build LiveChat.Functions -c Release`):
//   dotnet run --project local/functions-host -- --ScriptRoot LiveChat.Functions/bin/Release/net10.0 \
//     --SettingsFile LiveChat.Functions/local.settings.json --SettingsSample local.settings.sample.json
var app = FunctionsHostApp.Build(args);
// A shell starts background jobs with SIGINT ignored; Ctrl+C or `kill -INT` must stop the host (and its worker) anyway.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
{
    context.Cancel = true;
    app.Lifetime.StopApplication();
});
app.Logger.LogInformation("Functions host stand-in: worker from {ScriptRoot}", app.Services.GetRequiredService<HostSettings>().ScriptRoot);
await app.RunAsync();
