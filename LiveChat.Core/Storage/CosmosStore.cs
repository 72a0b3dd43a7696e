using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Options;

namespace LiveChat.Core.Storage;

public enum StoreReach { Reachable, Unreachable, Lost }

/// <summary>The Cosmos client and the containers of DESIGN §3.</summary>
public sealed class CosmosStore : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    readonly CosmosClient _client;
    readonly StoreOptions _options;

    public CosmosStore(IOptions<StoreOptions> options, RoundTripCounter counter, TokenCredential identity)
    {
        _options = options.Value;
        var clientOptions = new CosmosClientOptions
        {
            ConnectionMode = _options.EffectiveConnectionMode,
            // Spans per operation for the worker's traces (source "Azure.Cosmos.Operation").
            CosmosClientTelemetryOptions = new CosmosClientTelemetryOptions { DisableDistributedTracing = false },
            UseSystemTextJsonSerializerWithOptions = Json,
            CustomHandlers = { counter },
            EnableContentResponseOnWrite = true,
            RequestTimeout = _options.RequestTimeout,
            MaxRetryAttemptsOnRateLimitedRequests = 2,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(2),
        };
        if (_options.AcceptSelfSignedCertificate)
        {
            clientOptions.LimitToEndpoint = true;
            clientOptions.HttpClientFactory = () => new HttpClient(new SocketsHttpHandler
            {
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        }
        _client = !string.IsNullOrWhiteSpace(_options.ConnectionString)
            ? new CosmosClient(_options.ConnectionString, clientOptions)
            : new CosmosClient(_options.Endpoint ?? throw new InvalidOperationException("Set Cosmos:ConnectionString or Cosmos:Endpoint."),
                identity, clientOptions);

        var database = _client.GetDatabase(_options.Database);
        Tickets = database.GetContainer(Containers.Tickets);
        Users = database.GetContainer(Containers.Users);
        Machines = database.GetContainer(Containers.Machines);
        MachineTokens = database.GetContainer(Containers.MachineTokens);
        MachineInboxes = database.GetContainer(Containers.MachineInboxes);
        Sessions = database.GetContainer(Containers.Sessions);
        Messages = database.GetContainer(Containers.Messages);
        Events = database.GetContainer(Containers.Events);
        WebhookEndpoints = database.GetContainer(Containers.WebhookEndpoints);
        WebhookOutbox = database.GetContainer(Containers.WebhookOutbox);
        WebhookDeliveries = database.GetContainer(Containers.WebhookDeliveries);
    }

    public Container Tickets { get; }
    public Container Users { get; }
    public Container Machines { get; }
    public Container MachineTokens { get; }
    public Container MachineInboxes { get; }
    public Container Sessions { get; }
    public Container Messages { get; }
    public Container Events { get; }
    public Container WebhookEndpoints { get; }
    public Container WebhookOutbox { get; }
    public Container WebhookDeliveries { get; }

    public async Task EnsureCreatedAsync(CancellationToken ct)
    {
        if (!_options.CreateIfMissing) return;
        var database = (await _client.CreateDatabaseIfNotExistsAsync(_options.Database, cancellationToken: ct)).Database;
        foreach (var container in Containers.All)
            await database.CreateContainerIfNotExistsAsync(container, cancellationToken: ct);
    }

    /// <summary>
    /// One cheap read of the database, given at most <paramref name="within"/>: reachable, unreachable, or reachable
    /// without the database (lost: a store restarted empty).
    /// </summary>
    public async Task<StoreReach> ReachAsync(TimeSpan within, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(within);
        try
        {
            using var response = await _client.GetDatabase(_options.Database).ReadStreamAsync(cancellationToken: deadline.Token)
                .WaitAsync(deadline.Token);
            return response.StatusCode switch
            {
                HttpStatusCode.OK => StoreReach.Reachable,
                HttpStatusCode.NotFound => StoreReach.Lost,
                _ => StoreReach.Unreachable,
            };
        }
        catch (Exception e) when (StoreFailures.IsTransient(e) || (e is OperationCanceledException && deadline.IsCancellationRequested))
        {
            return StoreReach.Unreachable;
        }
    }

    public void Dispose() => _client.Dispose();
}
