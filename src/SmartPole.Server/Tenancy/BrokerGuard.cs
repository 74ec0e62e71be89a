using System.Collections.Concurrent;
using SmartPole.Domain;
using SmartPole.Mqtt;
using SmartPole.Registry;
using SmartPole.Registry.Provisioning;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// Puts the registry in front of the embedded broker: the authenticate hook checks pole, gateway and
/// provisioning credentials (failed logins rate-limited per address), the authorize hooks apply
/// <see cref="TopicAcl"/>, refusals are audited (one entry per client and topic a minute, so a
/// misbehaving gateway cannot flood the log), and requests on <c>sp/{city}/provision</c> are answered
/// on <c>sp/{city}/provision/{requestId}</c>. In open mode it attaches nothing but provisioning.
/// Passwords are never logged or audited.
/// </summary>
internal sealed partial class BrokerGuard(RegistryHost registry, LoginRateLimiter limiter, TenancyMode mode, TimeProvider timeProvider, ILogger<BrokerGuard> logger)
{
    private const int MaxRemembered = 100_000;

    private readonly ConcurrentDictionary<string, MqttPrincipal> _byClient = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Client, string Topic), DateTimeOffset> _audited = new();
    private MqttBroker? _broker;

    /// <summary>Attaches the hooks to <paramref name="broker"/> (before it starts), keeping its message hook behind provisioning.</summary>
    public void Attach(MqttBroker broker)
    {
        var next = broker.MessageReceivedAsync;
        broker.MessageReceivedAsync = async (inbound, ct) =>
        {
            if (await TryProvisionAsync(inbound, broker.PublishAsync, ct))
            {
                return;
            }

            if (next is not null)
            {
                await next(inbound, ct);
            }
        };
        if (mode.AnonymousMqtt)
        {
            return;
        }

        _broker = broker;
        broker.AuthenticateAsync = AuthenticateAsync;
        broker.AuthorizePublishAsync = m => AuthorizeAsync(m.ClientId, m.Username, m.Message.Topic, AclAction.Publish);
        broker.AuthorizeSubscribeAsync = s => AuthorizeAsync(s.ClientId, s.Username, s.TopicFilter, AclAction.Subscribe);
        _ = WatchRevocationsAsync(broker);
    }

    /// <summary>Closes every open session logged in with one of <paramref name="usernames"/>; returns how many were closed.</summary>
    public async Task<int> DisconnectAsync(MqttBroker broker, IReadOnlyCollection<string> usernames)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var names = usernames.ToHashSet(StringComparer.Ordinal);
        var clients = new List<string>();
        foreach (var (clientId, principal) in _byClient)
        {
            // Forgotten first: the session's next publish or subscribe is refused even before the close lands.
            if (names.Contains(principal.Username) && _byClient.TryRemove(KeyValuePair.Create(clientId, principal)))
            {
                clients.Add(clientId);
            }
        }

        var closed = await Task.WhenAll(clients.Select(c => broker.DisconnectClientAsync(c, MqttReasonCode.NotAuthorized)));
        foreach (var clientId in clients)
        {
            LogSessionClosed(clientId);
        }

        return closed.Count(c => c);
    }

    private async Task WatchRevocationsAsync(MqttBroker broker)
    {
        RegistryStore store;
        try
        {
            store = await registry.StoreAsync;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The registry failed to open: the host stops on that error; nothing to watch.
            return;
        }

        store.MqttCredentialsRevoked += usernames => _ = DisconnectAsync(broker, usernames);
    }

    private async ValueTask<MqttConnectReasonCode> AuthenticateAsync(MqttConnectContext context)
    {
        if (limiter.IsLockedOut(context.RemoteEndPoint))
        {
            return MqttConnectReasonCode.NotAuthorized;
        }

        var store = await registry.StoreAsync;
        var principal = context.Username is null ? null : await store.AuthenticateMqttAsync(context.Username, context.Password);
        if (principal is null)
        {
            var lockedOut = limiter.RecordFailure(context.RemoteEndPoint);
            var address = context.RemoteEndPoint?.ToString() ?? "unknown";
            LogLoginRefused(context.ClientId, context.Username ?? "(none)", address, lockedOut);
            await store.AuditAsync(new AuditEntry(timeProvider.GetUtcNow(), CityOf(context.Username), context.Username ?? "anonymous", "mqtt.connect", AuditOutcome.Refused,
                $"bad credentials from {address}{(lockedOut ? "; address locked out" : "")}"));
            return context.Username is null ? MqttConnectReasonCode.NotAuthorized : MqttConnectReasonCode.BadUserNameOrPassword;
        }

        limiter.RecordSuccess(context.RemoteEndPoint);
        if (_byClient.Count >= MaxRemembered)
        {
            ForgetDisconnectedClients();
        }

        _byClient[context.ClientId] = principal;
        return MqttConnectReasonCode.Success;
    }

    /// <summary>
    /// Bounds the table without touching live sessions: only clients with no open connection are forgotten
    /// (they log in again when they come back). A city of more poles than the bound keeps every session authorised.
    /// </summary>
    internal void ForgetDisconnectedClients()
    {
        if (_broker is not { } broker)
        {
            return;
        }

        foreach (var (clientId, principal) in _byClient)
        {
            if (!broker.IsClientConnected(clientId))
            {
                _byClient.TryRemove(KeyValuePair.Create(clientId, principal));
            }
        }
    }

    /// <summary>Whether <paramref name="clientId"/>'s login is remembered (its publishes and subscribes are judged, not refused).</summary>
    internal bool Remembers(string clientId) => _byClient.ContainsKey(clientId);

    private async ValueTask<bool> AuthorizeAsync(string clientId, string? username, string topic, AclAction action)
    {
        if (!_byClient.TryGetValue(clientId, out var principal) || principal.Username != username)
        {
            return false;
        }

        var decision = TopicAcl.Decide(principal, clientId, topic, action);
        if (decision.Allowed)
        {
            return true;
        }

        var now = timeProvider.GetUtcNow();
        var key = (clientId, topic);
        if (!_audited.TryGetValue(key, out var last) || now - last >= TimeSpan.FromMinutes(1))
        {
            if (_audited.Count >= MaxRemembered)
            {
                _audited.Clear();
            }

            _audited[key] = now;
            LogRefused(principal.Username, action, topic, decision.Reason!);
            var store = await registry.StoreAsync;
            // Under the city aimed at, so its admins see who tried to reach their poles.
            var aimed = topic.Split('/') is [_, var target, ..] && Ids.IsValid(target) ? target : principal.City;
            await store.AuditAsync(new AuditEntry(now, aimed, principal.Username,
                action == AclAction.Publish ? "mqtt.publish" : "mqtt.subscribe", AuditOutcome.Refused, $"{topic}: {decision.Reason}"));
        }

        return false;
    }

    /// <summary>
    /// Answers <paramref name="inbound"/> when it is a request on <c>sp/{city}/provision</c>, publishing the
    /// answer through <paramref name="reply"/> (the embedded broker, or the bridge to an external one);
    /// false when it is another topic.
    /// </summary>
    internal async Task<bool> TryProvisionAsync(MqttInboundMessage inbound, Func<MqttApplicationMessage, CancellationToken, ValueTask> reply, CancellationToken cancellationToken)
    {
        if (!IsProvisionTopic(inbound.Message.Topic, out var city))
        {
            return false;
        }

        await ProvisionAsync(reply, city, inbound, cancellationToken);
        return true;
    }

    private async Task ProvisionAsync(Func<MqttApplicationMessage, CancellationToken, ValueTask> reply, string city, MqttInboundMessage inbound, CancellationToken cancellationToken)
    {
        if (!ProvisioningMessages.TryParseRequest(inbound.Message.Payload.Span, out var request, out var error))
        {
            LogBadProvisioning(inbound.ClientId, city, error!);
            return;
        }

        // The answer goes to sp/{city}/provision/{requestId}, which only the client whose id is the
        // request id may subscribe to: asking for another gateway's id gets the asker nothing.
        var store = await registry.StoreAsync;
        var result = await store.ProvisionAsync(city, request!, cancellationToken);
        if (result.Credential is not null)
        {
            await registry.SyncAsync(city, cancellationToken);
        }

        LogProvisioned(city, request!.RequestId, result.Credential is not null, result.Refusal ?? "issued");
        if (!Ids.IsValid(request.RequestId))
        {
            return;
        }

        await reply(
            new MqttApplicationMessage($"sp/{city}/{Ids.Reserved}/{request.RequestId}", ProvisioningMessages.Answer(result, request.Poles), MqttQualityOfService.AtLeastOnce),
            cancellationToken);
    }

    private static bool IsProvisionTopic(string topic, out string city)
    {
        var parts = topic.Split('/');
        city = parts.Length == 3 ? parts[1] : "";
        return parts.Length == 3 && parts[0] == Domain.Wire.PoleTopic.Root && parts[2] == Ids.Reserved && Ids.IsValid(city);
    }

    private static string? CityOf(string? username)
    {
        var dot = username?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        return dot > 0 && Ids.IsValid(username.AsSpan(0, dot)) ? username![..dot] : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT login refused: client {ClientId}, user {Username}, from {Address} (locked out: {LockedOut})")]
    private partial void LogLoginRefused(string clientId, string username, string address, bool lockedOut);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT {Action} refused for {Username} on {Topic}: {Reason}")]
    private partial void LogRefused(string username, AclAction action, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "MQTT session {ClientId} closed: its credential was revoked or replaced")]
    private partial void LogSessionClosed(string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provisioning request from {ClientId} in {City} ignored: {Error}")]
    private partial void LogBadProvisioning(string clientId, string city, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioning request {RequestId} in {City}: issued {Issued} ({Outcome})")]
    private partial void LogProvisioned(string city, string requestId, bool issued, string outcome);
}
