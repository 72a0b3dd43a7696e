using LiveChat.Core.Identity;
using LiveChat.DevHost;
using LiveChat.Functions;

// `dotnet run --project LiveChat.DevHost -- mint-token <userId> [hours]`: a dev agent token signed with Identity:DevSigningKey.
if (args is ["mint-token", var userId, ..])
{
    var settings = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
        .AddEnvironmentVariables().Build().GetSection("Identity").Get<IdentityOptions>()!;
    var hours = args.Length > 2 && int.TryParse(args[2], out var h) ? h : 8;
    Console.WriteLine(DevTokens.Mint(settings, userId, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(hours)));
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddLiveChat(builder.Configuration);
builder.Services.AddSingleton(sp => new FunctionCatalog(typeof(LiveChatRegistration).Assembly, sp.GetRequiredService<IConfiguration>()));
builder.Services.AddHostedService<TimerScheduler>();
builder.Services.AddHostedService<DemoSeed>();
// As the Function App's platform CORS setting: browser origins allowed to call the API (none by default).
var origins = builder.Configuration.GetSection("DevHost:AllowedOrigins").Get<string[]>() ?? [];
builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod()));

var app = builder.Build();
app.UseCors();
app.MapFunctions();
app.Run();
