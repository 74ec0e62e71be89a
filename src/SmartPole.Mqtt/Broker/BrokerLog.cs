using Microsoft.Extensions.Logging;

namespace SmartPole.Mqtt.Broker;

/// <summary>The broker's log messages.</summary>
internal static partial class BrokerLog
{
    [LoggerMessage(1, LogLevel.Information, "MQTT broker listening on {EndPoint}")]
    public static partial void Listening(this ILogger logger, string endPoint);

    [LoggerMessage(2, LogLevel.Debug, "MQTT client {ClientId} connected from {RemoteEndPoint} ({ProtocolVersion}, clean {CleanSession}, session present {SessionPresent})")]
    public static partial void ClientConnected(this ILogger logger, string clientId, string? remoteEndPoint, MqttProtocolVersion protocolVersion, bool cleanSession, bool sessionPresent);

    [LoggerMessage(3, LogLevel.Information, "MQTT connection refused for {ClientId} from {RemoteEndPoint}: {Reason}")]
    public static partial void ConnectRefused(this ILogger logger, string clientId, string? remoteEndPoint, MqttConnectReasonCode reason);

    [LoggerMessage(4, LogLevel.Information, "MQTT client {ClientId} from {RemoteEndPoint} broke the protocol ({ReasonCode}): {Detail}")]
    public static partial void ProtocolViolation(this ILogger logger, string clientId, string? remoteEndPoint, MqttReasonCode reasonCode, string detail);

    [LoggerMessage(5, LogLevel.Debug, "MQTT connection of {ClientId} ended: {Detail}")]
    public static partial void ConnectionFailed(this ILogger logger, string clientId, string detail);

    [LoggerMessage(6, LogLevel.Information, "MQTT client {ClientId} sent nothing for {Limit}: disconnected")]
    public static partial void KeepAliveExpired(this ILogger logger, string clientId, TimeSpan limit);

    [LoggerMessage(7, LogLevel.Error, "The MessageReceivedAsync hook failed for {ClientId} on {Topic}; the message is still routed")]
    public static partial void HookFailed(this ILogger logger, Exception exception, string clientId, string topic);

    [LoggerMessage(8, LogLevel.Warning, "MQTT message on {Topic} to {ClientId} dropped: its queue is full")]
    public static partial void MessageDropped(this ILogger logger, string clientId, string topic);

    [LoggerMessage(9, LogLevel.Information, "MQTT client {ClientId} taken over by a new connection")]
    public static partial void TakenOver(this ILogger logger, string clientId);

    [LoggerMessage(10, LogLevel.Error, "The AuthenticateAsync hook failed for {ClientId}; the connection is refused")]
    public static partial void AuthenticateFailed(this ILogger logger, Exception exception, string clientId);

    [LoggerMessage(12, LogLevel.Error, "An authorization hook failed for {ClientId}; the request is refused")]
    public static partial void AuthorizeFailed(this ILogger logger, Exception exception, string clientId);

    [LoggerMessage(13, LogLevel.Information, "MQTT client {ClientId} may not {Action} {Topic}")]
    public static partial void NotAuthorized(this ILogger logger, string clientId, string action, string topic);

    [LoggerMessage(14, LogLevel.Warning, "MQTT connection refused: the limit of {MaxConnections} connections is reached")]
    public static partial void ConnectionLimitReached(this ILogger logger, int maxConnections);

    [LoggerMessage(15, LogLevel.Information, "MQTT broker state restored from {Path}: {Retained} retained messages, {Sessions} persistent sessions")]
    public static partial void StateRestored(this ILogger logger, string path, int retained, int sessions);

    [LoggerMessage(16, LogLevel.Error, "MQTT broker state file {Path} is corrupt ({Reason}); moved aside to {MovedTo}. The broker starts without the retained messages and sessions it held")]
    public static partial void StateCorrupt(this ILogger logger, string path, string reason, string movedTo);

    [LoggerMessage(17, LogLevel.Error, "MQTT broker state file {Path} cannot be read; the broker starts without the retained messages and sessions it held")]
    public static partial void StateUnreadable(this ILogger logger, Exception exception, string path);

    [LoggerMessage(18, LogLevel.Error, "Saving the MQTT broker state to {Path} failed; the previous snapshot is kept and the save is retried")]
    public static partial void StateSaveFailed(this ILogger logger, Exception exception, string path);

    [LoggerMessage(19, LogLevel.Information, "MQTT client {ClientId} asked for keep-alive {KeepAlive} s, over the maximum {MaxKeepAlive} s (or none): refused")]
    public static partial void KeepAliveRefused(this ILogger logger, string clientId, int keepAlive, int maxKeepAlive);

    [LoggerMessage(11, LogLevel.Error, "MQTT connection loop failed")]
    public static partial void ConnectionCrashed(this ILogger logger, Exception exception);
}
