using System.Collections.ObjectModel;
using Microsoft.Azure.Cosmos;

namespace LiveChat.Core.Storage;

/// <summary>The containers of DESIGN §3: keys, indexes and unique keys. infra/ mirrors this (a test compares them).</summary>
public static class Containers
{
    public const string Tickets = "tickets";
    public const string Users = "users";
    public const string Machines = "machines";
    public const string MachineTokens = "machineTokens";
    public const string MachineInboxes = "machineInboxes";
    public const string Sessions = "sessions";
    public const string Messages = "messages";
    public const string Events = "events";
    public const string WebhookEndpoints = "webhookEndpoints";
    public const string WebhookOutbox = "webhookOutbox";
    public const string WebhookDeliveries = "webhookDeliveries";

    public static IReadOnlyList<ContainerProperties> All { get; } =
    [
        new(Tickets, "/id"),
        new(Users, "/id"),
        new(Machines, "/id"),
        new(MachineTokens, "/id"),
        new(MachineInboxes, "/id"),
        WithUniqueKey(WithComposite(new(Sessions, ["/tenantId", "/machineId"]),
            [("/tenantId", CompositePathSortOrder.Ascending), ("/lastActivityAt", CompositePathSortOrder.Descending)]), "/activeKey"),
        WithComposite(WithComposite(new(Messages, "/ticketId"),
            [("/createdAt", CompositePathSortOrder.Ascending), ("/id", CompositePathSortOrder.Ascending)]),
            [("/createdAt", CompositePathSortOrder.Descending), ("/id", CompositePathSortOrder.Descending)]),
        new(Events, "/ticketId"),
        new(WebhookEndpoints, "/tenantId"),
        new(WebhookOutbox, "/id"),
        // Time to live on, with no default: a delivery expires by its own ttl, set once it is settled.
        new(WebhookDeliveries, "/endpointId") { DefaultTimeToLive = -1 },
    ];

    static ContainerProperties WithUniqueKey(ContainerProperties container, string path)
    {
        container.UniqueKeyPolicy = new UniqueKeyPolicy { UniqueKeys = { new UniqueKey { Paths = { path } } } };
        return container;
    }

    static ContainerProperties WithComposite(ContainerProperties container, (string Path, CompositePathSortOrder Order)[] paths)
    {
        var composite = new Collection<CompositePath>();
        foreach (var (path, order) in paths) composite.Add(new CompositePath { Path = path, Order = order });
        container.IndexingPolicy.CompositeIndexes.Add(composite);
        return container;
    }
}
