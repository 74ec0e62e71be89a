using Microsoft.AspNetCore.SignalR;
using SmartPole.Registry;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// The hub's city check: a connection joins a city's group only when its key holds a role there.
/// The key is looked up again on every join, so a revoked key cannot join any more groups.
/// </summary>
internal sealed partial class CityAccess(TenancyMode mode, RegistryHost registry, TimeProvider timeProvider, ILogger<CityAccess> logger)
{
    /// <summary>Throws <see cref="HubException"/> unless the connection may watch <paramref name="city"/>.</summary>
    public async Task CheckJoinAsync(HubCallerContext context, string city)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!mode.RequireOperatorKeys)
        {
            return;
        }

        var principal = OperatorClaims.Read(context.User);
        var store = await registry.StoreAsync;
        var active = principal is not null && await store.IsApiKeyActiveAsync(principal.KeyId);
        if (active && principal!.Allows(city, OperatorRole.Viewer))
        {
            return;
        }

        LogRefused(OperatorClaims.Actor(principal), city);
        await store.AuditAsync(new AuditEntry(timeProvider.GetUtcNow(), city, OperatorClaims.Actor(principal), "hub.join", AuditOutcome.Refused, $"join city '{city}'"));
        throw new HubException($"Not allowed to watch city '{city}'.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hub join refused for {Actor} to city {City}")]
    private partial void LogRefused(string actor, string city);
}
