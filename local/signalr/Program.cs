using LiveChat.SignalRStandIn;

// Local SignalR Service stand-in. Usage: dotnet run --project local/signalr -- --urls http://127.0.0.1:8888 [--AccessKey key]
var key = new ConfigurationBuilder().AddCommandLine(args).AddEnvironmentVariables("SIGNALR_").Build()["AccessKey"]
          ?? "local-signalr-access-key-0123456789abcdef";
var app = StandIn.Build(key, args);
app.Run();
