using System.Net.Http.Json;
using System.Text.Json;
using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Webhooks;

/// <summary>/api/manage/webhooks: a tenant ADMIN's endpoints, validated, never showing a secret twice, never another tenant's.</summary>
public sealed class WebhookManagementTests(WebhookApp app) : IClassFixture<WebhookApp>
{
    [Fact]
    public async Task An_admin_creates_lists_reads_updates_and_deletes_an_endpoint()
    {
        var tenant = await app.TenantAsync();
        var created = await (await tenant.Admin.PostAsJsonAsync("/api/manage/webhooks",
            new { url = "http://127.0.0.1:9/hooks", events = new[] { "session.started", "session.ended" }, description = "timeline" })).OkJsonAsync(201);
        var id = created.GetProperty("endpoint").GetProperty("id").GetString()!;
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString());
        Assert.Equal(32, Convert.FromBase64String(created.GetProperty("secret").GetString()!["whsec_".Length..]).Length);

        var listed = await (await tenant.Admin.GetAsync("/api/manage/webhooks")).OkJsonAsync();
        var item = Assert.Single(listed.GetProperty("items").EnumerateArray());
        Assert.Equal(id, item.GetProperty("id").GetString());
        Assert.Equal(["session.started", "session.ended"], item.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        // The secret is shown once.
        Assert.DoesNotContain("whsec_", listed.GetRawText());
        Assert.DoesNotContain("whsec_", (await tenant.Admin.GetStringAsync($"/api/manage/webhooks/{id}")));

        var updated = await (await tenant.Admin.PatchAsJsonAsync($"/api/manage/webhooks/{id}", new { events = new[] { "*" }, enabled = false })).OkJsonAsync();
        Assert.Equal(["*"], updated.GetProperty("events").EnumerateArray().Select(e => e.GetString()));
        Assert.False(updated.GetProperty("enabled").GetBoolean());
        Assert.Equal("timeline", updated.GetProperty("description").GetString());

        (await tenant.Admin.DeleteAsync($"/api/manage/webhooks/{id}")).EnsureSuccessStatusCode();
        await (await tenant.Admin.GetAsync($"/api/manage/webhooks/{id}")).AssertProblemAsync(404, "webhook_not_found");
        Assert.Empty((await (await tenant.Admin.GetAsync("/api/manage/webhooks")).OkJsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("http://hooks.example.com/x")]
    [InlineData("https://user:secret@hooks.example.com/x")]
    [InlineData("https://10.0.0.8/x")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("not a url")]
    public async Task A_url_that_could_reach_a_private_network_is_refused_and_nothing_is_stored(string url)
    {
        var tenant = await app.TenantAsync();
        await (await tenant.Admin.PostAsJsonAsync("/api/manage/webhooks", new { url })).AssertProblemAsync(400, "webhook_url_refused");
        Assert.Empty((await (await tenant.Admin.GetAsync("/api/manage/webhooks")).OkJsonAsync()).GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Bad_input_gets_a_problem_and_changes_nothing()
    {
        var tenant = await app.TenantAsync();
        var (id, _) = await tenant.WebhookAsync("http://127.0.0.1:9/hooks");
        await (await tenant.Admin.PostAsJsonAsync("/api/manage/webhooks", new { url = "http://127.0.0.1:9/x", events = new[] { "message.exploded" } })).AssertProblemAsync(400, "validation_failed");
        await (await tenant.Admin.PostAsJsonAsync("/api/manage/webhooks", new { url = "http://127.0.0.1:9/x", events = Array.Empty<string>() })).AssertProblemAsync(400, "validation_failed");
        await (await tenant.Admin.PostAsync("/api/manage/webhooks", new StringContent("{", System.Text.Encoding.UTF8, "application/json"))).AssertProblemAsync(400, "invalid_json");
        await (await tenant.Admin.PatchAsJsonAsync($"/api/manage/webhooks/{id}", new { url = "https://192.168.0.1/x" })).AssertProblemAsync(400, "webhook_url_refused");
        await (await tenant.Admin.PatchAsJsonAsync($"/api/manage/webhooks/{id}", new { description = new string('x', 501) })).AssertProblemAsync(400, "validation_failed");
        await (await tenant.Admin.GetAsync($"/api/manage/webhooks/{id}/deliveries?limit=0")).AssertProblemAsync(400, "validation_failed");
        await (await tenant.Admin.GetAsync($"/api/manage/webhooks/{id}/deliveries?limit=abc")).AssertProblemAsync(400, "validation_failed");
        await (await tenant.Admin.PostAsync($"/api/manage/webhooks/{id}/deliveries/evt_nope/resend", null)).AssertProblemAsync(404, "webhook_delivery_not_found");

        var stored = await (await tenant.Admin.GetAsync($"/api/manage/webhooks/{id}")).OkJsonAsync();
        Assert.Equal("http://127.0.0.1:9/hooks", stored.GetProperty("url").GetString());
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("description").ValueKind);
    }

    [Fact]
    public async Task Only_an_admin_of_the_tenant_reaches_its_endpoints()
    {
        var tenant = await app.TenantAsync();
        var (id, _) = await tenant.WebhookAsync("http://127.0.0.1:9/hooks");
        var (_, agent) = await tenant.UserAsync("AGENT");
        await (await agent.GetAsync("/api/manage/webhooks")).AssertProblemAsync(403, "forbidden_role");
        await (await agent.PostAsJsonAsync("/api/manage/webhooks", new { url = "http://127.0.0.1:9/x" })).AssertProblemAsync(403, "forbidden_role");
        await (await agent.PostAsync($"/api/manage/webhooks/{id}/secret", null)).AssertProblemAsync(403, "forbidden_role");

        var other = await app.TenantAsync();
        await (await other.Admin.GetAsync($"/api/manage/webhooks/{id}")).AssertProblemAsync(404, "webhook_not_found");
        await (await other.Admin.DeleteAsync($"/api/manage/webhooks/{id}")).AssertProblemAsync(404, "webhook_not_found");
        await (await other.Admin.GetAsync($"/api/manage/webhooks/{id}/deliveries")).AssertProblemAsync(404, "webhook_not_found");
        Assert.Empty((await (await other.Admin.GetAsync("/api/manage/webhooks")).OkJsonAsync()).GetProperty("items").EnumerateArray());
        (await tenant.Admin.GetAsync($"/api/manage/webhooks/{id}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task A_tenant_has_at_most_ten_endpoints()
    {
        var tenant = await app.TenantAsync();
        for (var i = 0; i < 10; i++) await tenant.WebhookAsync($"http://127.0.0.1:9/hooks/{i}");
        await (await tenant.Admin.PostAsJsonAsync("/api/manage/webhooks", new { url = "http://127.0.0.1:9/eleven" })).AssertProblemAsync(409, "too_many_webhooks");
    }

    [Fact]
    public async Task Creates_racing_on_two_instances_never_leave_a_tenant_more_than_ten_endpoints()
    {
        var tenant = await app.TenantAsync();
        var other = await app.AnotherInstanceAsync(tenant.Admin.DefaultRequestHeaders.Authorization!.Parameter);
        for (var i = 0; i < 7; i++) await tenant.WebhookAsync($"http://127.0.0.1:9/hooks/{i}");
        async Task<int> CountAsync() => (await (await tenant.Admin.GetAsync("/api/manage/webhooks")).OkJsonAsync()).GetProperty("items").GetArrayLength();

        var creates = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => (i % 2 == 0 ? tenant.Admin : other)
            .PostAsJsonAsync("/api/manage/webhooks", new { url = $"http://127.0.0.1:9/race/{i}" })));
        foreach (var refused in creates.Where(r => (int)r.StatusCode != 201)) await refused.AssertProblemAsync(409, "too_many_webhooks");
        var count = await CountAsync();
        Assert.Equal(7 + creates.Count(r => (int)r.StatusCode == 201), count);
        Assert.InRange(count, 7, 10);

        // Refused creates left nothing behind: the free places can still be taken, and no more.
        for (; count < 10; count++) await tenant.WebhookAsync($"http://127.0.0.1:9/after/{count}");
        await (await other.PostAsJsonAsync("/api/manage/webhooks", new { url = "http://127.0.0.1:9/eleven" })).AssertProblemAsync(409, "too_many_webhooks");
        Assert.Equal(10, await CountAsync());
    }

    [Fact]
    public async Task After_a_rotation_deliveries_carry_both_signatures_until_the_old_secret_retires()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (id, oldSecret) = await chat.Tenant.WebhookAsync(receiver.Url, ["session.started", "session.ended"]);
        var rotated = await (await chat.Tenant.Admin.PostAsync($"/api/manage/webhooks/{id}/secret", null)).OkJsonAsync();
        var newSecret = rotated.GetProperty("secret").GetString()!;
        Assert.NotEqual(oldSecret, newSecret);
        var retires = rotated.GetProperty("previousSecretRetiresAt").GetInt64();
        Assert.InRange(retires - TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), TimeSpan.FromHours(23).TotalMilliseconds, TimeSpan.FromHours(25).TotalMilliseconds);
        Assert.Equal(retires, (await (await chat.Tenant.Admin.GetAsync($"/api/manage/webhooks/{id}")).OkJsonAsync()).GetProperty("previousSecretRetiresAt").GetInt64());

        // A receiver that knows only the old secret, and one that knows only the new one, both verify.
        await receiver.StartAsync(oldSecret);
        var sessionId = await chat.StartSessionAsync();
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Count == 1, 30_000));
        await receiver.UseSecretsAsync(newSecret);
        (await chat.Agent.PostAsync($"/api/chat/sessions/{sessionId}/end", null)).EnsureSuccessStatusCode();
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Count == 2, 30_000));
        Assert.All(await receiver.ReceivedAsync(), r => Assert.Equal(2, r.GetProperty("signatures").GetInt32()));
    }

    [Fact]
    public async Task A_delivery_is_listed_with_its_attempts_and_can_be_sent_again_with_the_same_id()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (id, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["session.started"]);
        await receiver.StartAsync(secret);
        await chat.StartSessionAsync();
        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(id)).Any(d => d.GetProperty("status").GetString() == "succeeded"), 30_000));
        var delivery = Assert.Single(await chat.Tenant.DeliveriesAsync(id));
        Assert.Equal("session.started", delivery.GetProperty("type").GetString());
        var attempt = delivery.GetProperty("history")[0];
        Assert.Equal(204, attempt.GetProperty("statusCode").GetInt32());
        Assert.True(attempt.GetProperty("latencyMs").GetInt64() >= 0);

        var eventId = delivery.GetProperty("eventId").GetString();
        var resent = await (await chat.Tenant.Admin.PostAsync($"/api/manage/webhooks/{id}/deliveries/{eventId}/resend", null)).OkJsonAsync(202);
        Assert.Equal("pending", resent.GetProperty("status").GetString());
        Assert.True(await Poll.UntilAsync(async () => (await receiver.AcceptedAsync()).Count == 2, 30_000));
        Assert.All(await receiver.ReceivedAsync(), r => Assert.Equal(eventId, r.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task A_429_with_Retry_After_waits_as_long_as_the_receiver_asks()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (id, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["session.started"]);
        await receiver.StartAsync(secret);
        await receiver.AnswerAsync(429, retryAfterSeconds: 3);
        await chat.StartSessionAsync();
        Assert.True(await Poll.UntilAsync(async () => (await receiver.ReceivedAsync()).Count == 1, 30_000));
        await receiver.AnswerAsync(204);
        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(id)).Any(d => d.GetProperty("status").GetString() == "succeeded"), 30_000));
        var history = Assert.Single(await chat.Tenant.DeliveriesAsync(id)).GetProperty("history");
        Assert.Equal(2, history.GetArrayLength());
        // The schedule's first wait is 1 s; the receiver asked for 3.
        Assert.True(history[0].GetProperty("at").GetInt64() - history[1].GetProperty("at").GetInt64() >= 2_900);
    }
}

/// <summary>An endpoint whose every delivery fails for DisableAfter is disabled, and its ADMIN reads why.</summary>
public sealed class WebhookDisableTests(QuicklyDisablingWebhookApp app) : IClassFixture<QuicklyDisablingWebhookApp>
{
    [Fact]
    public async Task An_endpoint_failing_for_DisableAfter_is_disabled_with_the_reason_and_enabling_clears_it()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (id, secret) = await chat.Tenant.WebhookAsync(receiver.Url);
        await receiver.StartAsync(secret);
        await receiver.AnswerAsync(503);
        await chat.StartSessionAsync();

        JsonElement endpoint = default;
        Assert.True(await Poll.UntilAsync(async () =>
            !(endpoint = await (await chat.Tenant.Admin.GetAsync($"/api/manage/webhooks/{id}")).OkJsonAsync()).GetProperty("enabled").GetBoolean(), 30_000));
        Assert.Contains("HTTP 503", endpoint.GetProperty("disabledReason").GetString());
        Assert.NotEqual(JsonValueKind.Null, endpoint.GetProperty("failingSince").ValueKind);
        // Nothing more is attempted while it is disabled.
        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(id)).All(d => d.GetProperty("status").GetString() == "failed"), 15_000));
        var attempts = (await receiver.ReceivedAsync()).Count;
        await Task.Delay(3_000);
        Assert.Equal(attempts, (await receiver.ReceivedAsync()).Count);

        var enabled = await (await chat.Tenant.Admin.PatchAsJsonAsync($"/api/manage/webhooks/{id}", new { enabled = true })).OkJsonAsync();
        Assert.True(enabled.GetProperty("enabled").GetBoolean());
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("disabledReason").ValueKind);
        Assert.Equal(JsonValueKind.Null, enabled.GetProperty("failingSince").ValueKind);
    }
}
