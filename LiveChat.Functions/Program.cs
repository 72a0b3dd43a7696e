using LiveChat.Functions;
using LiveChat.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ApiFunctionMiddleware>();
builder.Services.AddLiveChat(builder.Configuration);
builder.Services.AddLiveChatTelemetry(builder.Configuration);
builder.Build().Run();
