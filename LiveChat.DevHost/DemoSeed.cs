using LiveChat.Core.Identity;
using LiveChat.Core.Machines;
using LiveChat.Core.Provisioning;
using LiveChat.Core.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.DevHost;

/// <summary>
/// DevHost:SeedDemo: a demo tenant (admin, agent, an online machine, a ticket linked to it) for local runs.
/// Its tokens are printed once on the console and written to DevHost:DemoFile for the README's curl examples.
/// </summary>
public sealed class DemoSeed(
    IConfiguration configuration, IHostApplicationLifetime lifetime, IServer server, CosmosStore store, Provisioning provisioning,
    IOptions<IdentityOptions> identity, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        if (!configuration.GetValue("DevHost:SeedDemo", false)) return;
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult())) await started.Task.WaitAsync(ct);

        const string tenant = "demo";
        var admin = new UserDocument { Id = "demo-admin", TenantId = tenant, Role = Roles.Admin, Name = "Ana Admin", Email = "ana@demo.local" };
        await store.Users.UpsertItemAsync(admin, new PartitionKey(admin.Id), cancellationToken: ct);
        var adminCaller = new AgentCaller(admin.Id, tenant, admin.Role, admin.Name, admin.Email, null);
        await provisioning.UpsertUserAsync(adminCaller, "demo-agent", new UpsertUserRequest("AGENT", "Beto Agente", "beto@demo.local", null), ct);
        await provisioning.UpsertUserAsync(adminCaller, "demo-client", new UpsertUserRequest("COLLABORATOR", "Carla Cliente", "carla@demo.local", null), ct);
        var machine = await provisioning.RegisterMachineAsync(adminCaller,
            new RegisterMachineRequest("DESKTOP-DEMO", null, null, null, ["demo-client"]), ct);
        var ticket = await provisioning.CreateTicketAsync(adminCaller,
            new CreateTicketRequest("demo-ticket", 1001, "Impressora não imprime", "demo-client", null, machine.MachineId), ct);
        await provisioning.HeartbeatAsync(new MachineCaller(machine.MachineId, tenant), ct);

        var lifetimeOfToken = TimeSpan.FromHours(12);
        var values = new Dictionary<string, string>
        {
            ["BASE_URL"] = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://127.0.0.1:7071",
            ["AGENT_TOKEN"] = DevTokens.Mint(identity.Value, "demo-agent", time.GetUtcNow(), lifetimeOfToken),
            ["ADMIN_TOKEN"] = DevTokens.Mint(identity.Value, "demo-admin", time.GetUtcNow(), lifetimeOfToken),
            ["MACHINE_TOKEN"] = machine.MachineToken,
            ["MACHINE_ID"] = machine.MachineId,
            ["TICKET_ID"] = ticket.Id,
        };
        var lines = values.Select(v => $"{v.Key}={v.Value}").ToList();
        if (configuration["DevHost:DemoFile"] is { Length: > 0 } file)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            await File.WriteAllLinesAsync(file, lines, ct);
        }
        // Deliberately on the console, not the logger: the demo's secrets are shown once, like a registration response.
        Console.WriteLine("\n==== LiveChat demo tenant (local only) ====\n" + string.Join('\n', lines) + "\n===========================================\n");
    }
}
