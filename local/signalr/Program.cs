using LiveChat.SignalRStandIn;

// Local SignalR Service stand-in. Usage: dotnet run --project local/signalr -- --urls http://127.0.0.1:8888
//   [--AccessKey key] [--EntraSigningKey key] [--DisableLocalAuth true]
var settings = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables("SIGNALR_").Build();
var app = StandIn.Build(settings["AccessKey"] ?? "local-signalr-access-key-0123456789abcdef", args,
    settings["EntraSigningKey"], settings.GetValue("DisableLocalAuth", false));
app.Run();
