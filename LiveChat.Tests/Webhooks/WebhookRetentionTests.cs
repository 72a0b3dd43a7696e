using LiveChat.Tests.Infrastructure;

namespace LiveChat.Tests.Webhooks;

/// <summary>Settled deliveries are kept 3 s (the store's time to live deletes them).</summary>
public sealed class ShortRetentionWebhookApp : WebhookApp
{
    protected override Dictionary<string, string?> Settings => new(base.Settings) { ["Webhooks:DeliveryRetention"] = "00:00:03" };
}

public sealed class WebhookRetentionTests(ShortRetentionWebhookApp app) : IClassFixture<ShortRetentionWebhookApp>
{
    static string Status(System.Text.Json.JsonElement delivery) => delivery.GetProperty("status").GetString()!;

    [Fact]
    public async Task A_settled_delivery_is_deleted_after_the_retention_and_one_still_being_retried_is_kept()
    {
        var chat = await app.ChatAsync();
        await using var receiver = new WebhookReceiver();
        var (answered, secret) = await chat.Tenant.WebhookAsync(receiver.Url, ["session.started"]);
        await receiver.StartAsync(secret);
        await using var down = new WebhookReceiver(); // never started: every attempt is refused, and retried
        var (refusing, _) = await chat.Tenant.WebhookAsync(down.Url, ["session.started"]);
        await chat.StartSessionAsync();

        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(answered)).Any(d => Status(d) == "succeeded"), 30_000));
        var eventId = Assert.Single(await chat.Tenant.DeliveriesAsync(answered)).GetProperty("eventId").GetString();
        Assert.True(await Poll.UntilAsync(async () => (await chat.Tenant.DeliveriesAsync(answered)).Count == 0, 15_000),
            "the delivered event was kept past Webhooks:DeliveryRetention");
        await (await chat.Tenant.Admin.PostAsync($"/api/manage/webhooks/{answered}/deliveries/{eventId}/resend", null))
            .AssertProblemAsync(404, "webhook_delivery_not_found");

        var retried = Assert.Single(await chat.Tenant.DeliveriesAsync(refusing));
        Assert.Equal("pending", Status(retried));
        Assert.True(retried.GetProperty("attempts").GetInt32() >= 2, "the refused delivery was not retried meanwhile");
    }
}
