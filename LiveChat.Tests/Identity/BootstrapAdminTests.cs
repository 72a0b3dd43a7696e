using System.Net.Http.Json;
using LiveChat.Core.Storage;
using LiveChat.Core.Identity;
using LiveChat.Tests.Infrastructure;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Tests.Identity;

/// <summary>A new deployment's first ADMIN comes from Identity:BootstrapAdmins, honoured only while the tenant has none.</summary>
public sealed class BootstrapAdminApp : LiveChatApp
{
    protected override Dictionary<string, string?> Settings => new()
    {
        ["Identity:BootstrapAdmins"] = "tenant-a:boss-a, tenant-b:boss-b1, tenant-b:boss-b2, tenant-c:boss-c",
    };
}

public sealed class BootstrapAdminTests(BootstrapAdminApp app) : IClassFixture<BootstrapAdminApp>
{
    static object User(string role) => new { role, name = "Nova pessoa" };

    [Fact]
    public async Task A_listed_user_becomes_the_tenants_first_admin_and_only_while_it_has_none()
    {
        var boss = app.ClientWithToken(app.AgentToken("boss-a"));
        (await boss.PutAsJsonAsync("/api/manage/users/agent-a", User("AGENT"))).EnsureSuccessStatusCode();
        var stored = (await app.Store.Users.ReadItemAsync<UserDocument>("boss-a", new PartitionKey("boss-a"))).Resource;
        Assert.Equal(("tenant-a", "ADMIN"), (stored.TenantId, stored.Role));

        // An agent of the tenant, and anyone not listed, stay what they are.
        var agent = app.ClientWithToken(app.AgentToken("agent-a"));
        await (await agent.PutAsJsonAsync("/api/manage/users/x", User("AGENT"))).AssertProblemAsync(403, "forbidden_role");
        await (await app.ClientWithToken(app.AgentToken("stranger")).GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_unknown");

        // Tenant b: the first listed user to sign in is its ADMIN; the second, listed too, finds one and is not made one.
        (await app.ClientWithToken(app.AgentToken("boss-b1")).PutAsJsonAsync("/api/manage/users/agent-b", User("AGENT"))).EnsureSuccessStatusCode();
        await (await app.ClientWithToken(app.AgentToken("boss-b2")).GetAsync("/api/agent/chat/sessions")).AssertProblemAsync(401, "agent_unknown");
        Assert.Null(await app.Store.Users.ReadOrNullAsync<UserDocument>("boss-b2", "boss-b2", default));
    }

    [Fact]
    public async Task Racing_first_sign_ins_create_the_admin_once()
    {
        var client = app.ClientWithToken(app.AgentToken("boss-c"));
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => client.GetAsync("/api/agent/chat/sessions")));
        Assert.All(answers, a => Assert.Equal(System.Net.HttpStatusCode.OK, a.StatusCode));
        var admins = await app.Store.Users.QueryAsync<string>(new QueryDefinition("SELECT VALUE c.id FROM c WHERE c.tenantId = 'tenant-c'"), ContainerExtensions.AllPartitions, default);
        Assert.Equal(["boss-c"], admins);
    }
}
