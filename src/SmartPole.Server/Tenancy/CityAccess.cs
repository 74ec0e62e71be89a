using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;
using SmartPole.Registry;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// The hub's city check: a connection joins a city's group only when its key holds a role there.
/// The key is looked up again on every join, so a revoked key cannot join any more groups; and the
/// connections that joined with a key are remembered, so revoking it closes them at once.
/// </summary>
internal sealed partial class CityAccess
{
    private readonly TenancyMode _mode;
    private readonly RegistryHost _registry;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<CityAccess> _logger;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> _byKey = new(StringComparer.Ordinal);

    public CityAccess(TenancyMode mode, RegistryHost registry, TimeProvider timeProvider, ILogger<CityAccess> logger)
    {
        _mode = mode;
        _registry = registry;
        _timeProvider = timeProvider;
        _logger = logger;
        _ = WatchRevocationsAsync();
    }

    /// <summary>Throws <see cref="HubException"/> unless the connection may watch <paramref name="city"/>.</summary>
    public async Task CheckJoinAsync(HubCallerContext context, string city)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!_mode.RequireOperatorKeys)
        {
            return;
        }

        var principal = OperatorClaims.Read(context.User);
        var store = await _registry.StoreAsync;
        var active = principal is not null && await store.IsApiKeyActiveAsync(principal.KeyId);
        if (active && principal!.Allows(city, OperatorRole.Viewer))
        {
            Remember(principal.KeyId, context);

            // Revoked between the check and the remembering: the revocation may have missed this connection.
            if (!await store.IsApiKeyActiveAsync(principal.KeyId))
            {
                context.Abort();
                throw new HubException("The key was revoked.");
            }

            return;
        }

        LogRefused(OperatorClaims.Actor(principal), city);
        await store.AuditAsync(new AuditEntry(_timeProvider.GetUtcNow(), city, OperatorClaims.Actor(principal), "hub.join", AuditOutcome.Refused, $"join city '{city}'"));
        throw new HubException($"Not allowed to watch city '{city}'.");
    }

    /// <summary>Closes every hub connection that joined a city with key <paramref name="keyId"/>; returns how many.</summary>
    public int CloseConnectionsOf(string keyId)
    {
        if (!_byKey.TryRemove(keyId, out var connections))
        {
            return 0;
        }

        foreach (var connection in connections.Values)
        {
            connection.Abort();
        }

        LogClosed(keyId, connections.Count);
        return connections.Count;
    }

    private void Remember(string keyId, HubCallerContext context)
    {
        var connections = _byKey.GetOrAdd(keyId, _ => new ConcurrentDictionary<string, HubCallerContext>(StringComparer.Ordinal));
        if (connections.TryAdd(context.ConnectionId, context))
        {
            context.ConnectionAborted.Register(() => connections.TryRemove(context.ConnectionId, out _));
        }
    }

    private async Task WatchRevocationsAsync()
    {
        RegistryStore store;
        try
        {
            store = await _registry.StoreAsync;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The registry failed to open: the host stops on that error; nothing to watch.
            return;
        }

        store.ApiKeyRevoked += keyId => CloseConnectionsOf(keyId);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub join refused for {Actor} to city {City}")]
    private partial void LogRefused(string actor, string city);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Key {KeyId} revoked: closed its {Count} hub connections")]
    private partial void LogClosed(string keyId, int count);
}
