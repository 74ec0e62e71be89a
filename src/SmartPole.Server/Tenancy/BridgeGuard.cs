using System.Collections.Concurrent;
using SmartPole.Domain.Wire;
using SmartPole.Registry;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// The ACL of bridge mode. Frames taken from an external broker carry no credential of ours (the
/// external broker did the login), so in secured mode each is checked as if its pole had sent it:
/// the topic's city must be a tenant of the registry, its pole registered there, and the topic one
/// <see cref="TopicAcl"/> lets that pole publish. Anything else is dropped before the ingestor,
/// counted, logged and audited (one entry per city and pole a minute). Open mode admits everything.
/// </summary>
internal sealed partial class BridgeGuard(RegistryHost registry, TenancyMode mode, TimeProvider timeProvider, ILogger<BridgeGuard> logger)
{
    private const int MaxRemembered = 100_000;
    private const string Actor = "bridge";

    private readonly ConcurrentDictionary<(string City, string Pole), DateTimeOffset> _audited = new();
    private long _dropped;

    /// <summary>How many bridged frames were dropped since start.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>True when a frame on <paramref name="topic"/> from the external broker may be ingested.</summary>
    public ValueTask<bool> AdmitAsync(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (mode.AnonymousMqtt)
        {
            return ValueTask.FromResult(true);
        }

        var levels = topic.Split('/', 4);
        if (levels.Length < 3 || levels[0] != PoleTopic.Root)
        {
            // Not a pole topic: the ingestor dead-letters it, which is what the operators need to see.
            return ValueTask.FromResult(true);
        }

        var (city, pole) = (levels[1], levels[2]);
        string reason;
        if (!registry.IsTenant(city))
        {
            reason = $"city '{city}' is not in the registry";
        }
        else if (!registry.IsRegisteredPole(city, pole))
        {
            reason = $"pole '{pole}' is not registered in city '{city}'";
        }
        else
        {
            var principal = new MqttPrincipal(MqttPrincipal.PoleUsername(city, pole), MqttPrincipalKind.Pole, city, new HashSet<string>(1, StringComparer.Ordinal) { pole });
            var decision = TopicAcl.Decide(principal, Actor, topic, AclAction.Publish);
            if (decision.Allowed)
            {
                return ValueTask.FromResult(true);
            }

            reason = decision.Reason!;
        }

        Interlocked.Increment(ref _dropped);
        return RefuseAsync(city, pole, topic, reason);
    }

    private async ValueTask<bool> RefuseAsync(string city, string pole, string topic, string reason)
    {
        var now = timeProvider.GetUtcNow();
        var key = (city, pole);
        if (_audited.TryGetValue(key, out var last) && now - last < TimeSpan.FromMinutes(1))
        {
            return false;
        }

        if (_audited.Count >= MaxRemembered)
        {
            _audited.Clear();
        }

        _audited[key] = now;
        LogDropped(topic, reason, Dropped);
        var store = await registry.StoreAsync;
        await store.AuditAsync(new AuditEntry(now, registry.IsTenant(city) ? city : null, Actor, "bridge.publish", AuditOutcome.Refused, $"{topic}: {reason}"));
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bridged frame on {Topic} dropped: {Reason} ({Dropped} dropped so far)")]
    private partial void LogDropped(string topic, string reason, long dropped);
}
