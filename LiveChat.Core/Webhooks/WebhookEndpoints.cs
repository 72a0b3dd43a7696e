using System.Security.Cryptography;
using LiveChat.Core.Errors;
using LiveChat.Core.Identity;
using LiveChat.Core.Storage;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;
using static LiveChat.Core.Identity.AdminInput;

namespace LiveChat.Core.Webhooks;

public sealed record CreateWebhookRequest(string? Url, IReadOnlyList<string>? Events, bool? Enabled, string? Description);

/// <summary>Only the fields given change; enabling an endpoint clears why it was disabled.</summary>
public sealed record UpdateWebhookRequest(string? Url, IReadOnlyList<string>? Events, bool? Enabled, string? Description);

/// <summary>What an ADMIN sees of an endpoint: never its secrets.</summary>
public sealed record WebhookView(string Id, string Url, IReadOnlyList<string> Events, bool Enabled, string? Description, long CreatedAt,
    long UpdatedAt, long? FailingSince, string? DisabledReason, long? DisabledAt, long? PreviousSecretRetiresAt)
{
    public static WebhookView Of(WebhookEndpointDocument e, long now) => new(e.Id, e.Url, e.Events.Count == 0 ? ["*"] : e.Events, e.Enabled,
        e.Description, e.CreatedAt, e.UpdatedAt, e.FailingSince, e.DisabledReason, e.DisabledAt,
        e.Secrets.Skip(1).Select(s => s.RetiresAt).FirstOrDefault(r => r > now));
}

public sealed record WebhookList(IReadOnlyList<WebhookView> Items);

/// <summary>The only answers that carry a signing secret: shown once, at creation and at rotation.</summary>
public sealed record WebhookCreated(WebhookView Endpoint, string Secret);

public sealed record WebhookSecretRotated(string EndpointId, string Secret, long PreviousSecretRetiresAt);

/// <summary>A tenant ADMIN's webhook endpoints, and which of them want an event (cached per instance briefly).</summary>
public sealed class WebhookEndpoints(CosmosStore store, TimeProvider time, IOptions<WebhookOptions> options)
{
    const int MaxDescription = 500;
    readonly WebhookOptions _options = options.Value;
    readonly ExpiringCache<string, IReadOnlyList<WebhookEndpointDocument>> _byTenant = new(time, options.Value.EndpointsCacheFor);

    public async Task<WebhookCreated> CreateAsync(AgentCaller admin, CreateWebhookRequest request, CancellationToken ct)
    {
        RequireAdmin(admin);
        var now = time.NowMs();
        var secret = NewSecret();
        var endpoint = new WebhookEndpointDocument
        {
            Id = "wh_" + Guid.NewGuid().ToString("N"), TenantId = admin.TenantId, Url = ValidUrl(request.Url),
            Events = ValidEvents(request.Events), Enabled = request.Enabled ?? true,
            Description = Optional(request.Description, "description", MaxDescription), Secrets = [new WebhookSecret(secret, now, null)],
            CreatedAt = now, UpdatedAt = now,
        };
        if ((await TenantEndpointsAsync(admin.TenantId, ct)).Count >= _options.MaxEndpointsPerTenant) throw TooMany();
        await store.WebhookEndpoints.CreateItemAsync(endpoint, new PartitionKey(endpoint.TenantId), cancellationToken: ct);
        _byTenant.Remove(admin.TenantId);
        // Creates racing past the count above (on any instance) each see the others' endpoints once written: one that
        // finds the tenant over the limit takes its own back, so the limit holds (racing creates may all be refused).
        if ((await TenantEndpointsAsync(admin.TenantId, ct)).Count > _options.MaxEndpointsPerTenant)
        {
            await DeleteIfPresentAsync(endpoint, ct);
            throw TooMany();
        }
        return new WebhookCreated(WebhookView.Of(endpoint, now), secret);
    }

    LiveChatException TooMany() => ErrorCatalog.TooManyWebhooks.Raise(ValidationTexts.TooManyWebhooks(_options.MaxEndpointsPerTenant));

    async Task DeleteIfPresentAsync(WebhookEndpointDocument endpoint, CancellationToken ct)
    {
        await store.WebhookEndpoints.DeleteIfPresentAsync<WebhookEndpointDocument>(endpoint.Id, endpoint.TenantId, ct);
        _byTenant.Remove(endpoint.TenantId);
    }

    public async Task<WebhookList> ListAsync(AgentCaller admin, CancellationToken ct)
    {
        RequireAdmin(admin);
        var now = time.NowMs();
        return new WebhookList((await TenantEndpointsAsync(admin.TenantId, ct)).OrderBy(e => e.CreatedAt).Select(e => WebhookView.Of(e, now)).ToList());
    }

    public async Task<WebhookView> GetAsync(AgentCaller admin, string id, CancellationToken ct) =>
        WebhookView.Of(await ForAdminAsync(admin, id, ct), time.NowMs());

    public async Task<WebhookView> UpdateAsync(AgentCaller admin, string id, UpdateWebhookRequest request, CancellationToken ct)
    {
        var current = await ForAdminAsync(admin, id, ct);
        var url = request.Url is null ? null : ValidUrl(request.Url);
        var events = request.Events is null ? null : ValidEvents(request.Events);
        var description = Optional(request.Description, "description", MaxDescription);
        var updated = await store.WebhookEndpoints.UpdateIfUnchangedAsync(current, current.Id, current.TenantId, e =>
        {
            var enabling = request.Enabled == true && !e.Enabled;
            return e with
            {
                Url = url ?? e.Url, Events = events ?? e.Events, Description = description ?? e.Description,
                Enabled = request.Enabled ?? e.Enabled, UpdatedAt = time.NowMs(),
                DisabledReason = enabling ? null : e.DisabledReason, DisabledAt = enabling ? null : e.DisabledAt,
                FailingSince = enabling ? null : e.FailingSince, ETag = null,
            };
        }, attempts: 5, ct) ?? throw ErrorCatalog.WebhookNotFound.Raise();
        _byTenant.Remove(admin.TenantId);
        return WebhookView.Of(updated, time.NowMs());
    }

    public async Task DeleteAsync(AgentCaller admin, string id, CancellationToken ct)
    {
        await DeleteIfPresentAsync(await ForAdminAsync(admin, id, ct), ct);
    }

    /// <summary>A new secret signs from now on; the previous one signs next to it for <see cref="WebhookOptions.SecretGrace"/>.</summary>
    public async Task<WebhookSecretRotated> RotateSecretAsync(AgentCaller admin, string id, CancellationToken ct)
    {
        var current = await ForAdminAsync(admin, id, ct);
        var secret = NewSecret();
        var now = time.NowMs();
        var retires = now + (long)_options.SecretGrace.TotalMilliseconds;
        _ = await store.WebhookEndpoints.UpdateIfUnchangedAsync(current, current.Id, current.TenantId, e => e with
        {
            Secrets = [new WebhookSecret(secret, now, null), e.Secrets[0] with { RetiresAt = retires }],
            UpdatedAt = now, ETag = null,
        }, attempts: 5, ct) ?? throw ErrorCatalog.WebhookNotFound.Raise();
        _byTenant.Remove(admin.TenantId);
        return new WebhookSecretRotated(id, secret, retires);
    }

    /// <summary>The admin's tenant's endpoint; another tenant's is reported exactly like a missing one.</summary>
    public async Task<WebhookEndpointDocument> ForAdminAsync(AgentCaller admin, string id, CancellationToken ct)
    {
        RequireAdmin(admin);
        if (id.Length > 100) throw ErrorCatalog.WebhookNotFound.Raise();
        return await store.WebhookEndpoints.ReadOrNullAsync<WebhookEndpointDocument>(id, admin.TenantId, ct) ?? throw ErrorCatalog.WebhookNotFound.Raise();
    }

    /// <summary>Whether any endpoint of the tenant wants this event (from this instance's short-lived list).</summary>
    public async Task<bool> AnyWantsAsync(string tenantId, string type, CancellationToken ct) =>
        (await CachedAsync(tenantId, ct)).Any(e => e.Wants(type));

    /// <summary>The tenant's endpoints as stored now (the fan-out reads them fresh).</summary>
    public async Task<IReadOnlyList<WebhookEndpointDocument>> TenantEndpointsAsync(string tenantId, CancellationToken ct)
    {
        var all = await store.WebhookEndpoints.QueryAsync<WebhookEndpointDocument>(
            new QueryDefinition("SELECT * FROM c WHERE c.tenantId = @tenantId").WithParameter("@tenantId", tenantId), tenantId, ct);
        _byTenant.Set(tenantId, all);
        return all;
    }

    async Task<IReadOnlyList<WebhookEndpointDocument>> CachedAsync(string tenantId, CancellationToken ct) =>
        _byTenant.TryGet(tenantId, out var cached) ? cached : await TenantEndpointsAsync(tenantId, ct);

    string ValidUrl(string? url) =>
        WebhookUrls.Refusal(url, _options.AllowLoopback) is { } refusal ? throw ErrorCatalog.WebhookUrlRefused.Raise(refusal) : url!.Trim();

    static List<string> ValidEvents(IReadOnlyList<string>? events)
    {
        if (events is null || events.Contains("*")) return [];
        if (events.Count == 0 || events.Any(e => !WebhookEventTypes.All.Contains(e)))
            throw ErrorCatalog.ValidationFailed.Raise(ValidationTexts.WebhookEvents(WebhookEventTypes.All));
        return events.Distinct().ToList();
    }

    /// <summary>whsec_ and 32 random bytes in base64, as Standard Webhooks libraries read a secret.</summary>
    static string NewSecret() => "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
