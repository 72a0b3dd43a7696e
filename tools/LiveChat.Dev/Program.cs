using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Storage;
using LiveChat.Core.Tickets;
using LiveChat.Core;
using LiveChat.Tools;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Local-development helpers, on the app settings of LiveChat.Functions/local.settings.json (what the worker runs with):
//   mint-token <userId> [hours]        a dev agent token (Identity:DevSigningKey), alone on stdout
//   seed-demo <baseUrl> <demoFile>     a demo tenant (admin, agent, an online machine, a linked ticket); its tokens go
//                                      to demoFile and the console, once, like a registration response
var configuration = LocalSettings.Load();
var identity = configuration.GetSection("Identity").Get<IdentityOptions>() ?? new IdentityOptions();

switch (args)
{
    case ["mint-token", var userId, .. var rest]:
        var hours = rest is [var h] && int.TryParse(h, out var parsed) && parsed > 0 ? parsed : 8;
        Console.WriteLine(DevTokens.Mint(identity, userId, TimeProvider.System.GetUtcNow(), TimeSpan.FromHours(hours)));
        return 0;
    case ["seed-demo", var baseUrl, var demoFile]:
        await SeedDemoAsync(baseUrl, demoFile);
        return 0;
    default:
        Console.Error.WriteLine("usage: mint-token <userId> [hours] | seed-demo <baseUrl> <demoFile>");
        return 2;
}

async Task SeedDemoAsync(string baseUrl, string demoFile)
{
    var services = new ServiceCollection().AddLogging().AddLiveChatCore(configuration).BuildServiceProvider();
    await services.GetRequiredService<StorageInitializer>().CreateAsync(CancellationToken.None);
    var store = services.GetRequiredService<CosmosStore>();
    var users = services.GetRequiredService<TenantUsers>();
    var machines = services.GetRequiredService<MachineRegistry>();
    var tickets = services.GetRequiredService<TicketLinks>();
    var ct = CancellationToken.None;

    // Every tenant's first ADMIN is written to the store; everything else goes through the use cases.
    const string tenant = "demo";
    var admin = new UserDocument { Id = "demo-admin", TenantId = tenant, Role = Roles.Admin, Name = "Ana Admin", Email = "ana@demo.local" };
    await store.Users.UpsertItemAsync(admin, new PartitionKey(admin.Id), cancellationToken: ct);
    var adminCaller = new AgentCaller(admin.Id, tenant, admin.Role, admin.Name, admin.Email, null);
    await users.UpsertAsync(adminCaller, "demo-agent", new UpsertUserRequest("AGENT", "Beto Agente", "beto@demo.local", null), ct);
    await users.UpsertAsync(adminCaller, "demo-client", new UpsertUserRequest("COLLABORATOR", "Carla Cliente", "carla@demo.local", null), ct);
    var machine = await machines.RegisterAsync(adminCaller, new RegisterMachineRequest("DESKTOP-DEMO", null, null, null, ["demo-client"]), ct);
    var ticket = await tickets.CreateAsync(adminCaller,
        new CreateTicketRequest(null, 1001, "Impressora não imprime", "demo-client", null, machine.MachineId), ct);
    await machines.HeartbeatAsync(new MachineCaller(machine.MachineId, tenant), ct);

    var now = TimeProvider.System.GetUtcNow();
    var lines = new[]
    {
        $"BASE_URL={baseUrl.TrimEnd('/')}",
        $"AGENT_TOKEN={DevTokens.Mint(identity, "demo-agent", now, TimeSpan.FromHours(12))}",
        $"ADMIN_TOKEN={DevTokens.Mint(identity, "demo-admin", now, TimeSpan.FromHours(12))}",
        $"MACHINE_TOKEN={machine.MachineToken}",
        $"MACHINE_ID={machine.MachineId}",
        $"TICKET_ID={ticket.Id}",
    };
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(demoFile))!);
    await File.WriteAllLinesAsync(demoFile, lines, ct);
    Console.WriteLine("\n==== LiveChat demo tenant (local only) ====\n" + string.Join('\n', lines) + "\n===========================================\n");
}
