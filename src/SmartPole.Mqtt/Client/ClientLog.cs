using Microsoft.Extensions.Logging;

namespace SmartPole.Mqtt.Client;

/// <summary>The client's log messages.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(101, LogLevel.Debug, "MQTT client {ClientId} connected to {Host}:{Port} (session present {SessionPresent})")]
    public static partial void Connected(this Microsoft.Extensions.Logging.ILogger logger, string clientId, string host, int port, bool sessionPresent);

    [LoggerMessage(102, LogLevel.Information, "MQTT client {ClientId} lost its connection: {Detail}")]
    public static partial void ConnectionLost(this Microsoft.Extensions.Logging.ILogger logger, string clientId, string detail);

    [LoggerMessage(103, LogLevel.Error, "MQTT client {ClientId}: the message handler failed on {Topic}; the message is acknowledged anyway")]
    public static partial void HandlerFailed(this Microsoft.Extensions.Logging.ILogger logger, Exception exception, string clientId, string topic);

    [LoggerMessage(104, LogLevel.Information, "MQTT client {ClientId}: the broker sent no PINGRESP within {KeepAlive}; closing")]
    public static partial void PingTimeout(this Microsoft.Extensions.Logging.ILogger logger, string clientId, TimeSpan keepAlive);

    [LoggerMessage(106, LogLevel.Information, "MQTT client {ClientId} reconnected (session present {SessionPresent})")]
    public static partial void Reconnected(this Microsoft.Extensions.Logging.ILogger logger, string clientId, bool sessionPresent);

    [LoggerMessage(107, LogLevel.Debug, "MQTT client {ClientId} could not reconnect, next try in {Delay}: {Detail}")]
    public static partial void ReconnectFailed(this Microsoft.Extensions.Logging.ILogger logger, string clientId, TimeSpan delay, string detail);

    [LoggerMessage(105, LogLevel.Information, "MQTT client {ClientId} was disconnected by the broker: {Reason}")]
    public static partial void DisconnectedByBroker(this Microsoft.Extensions.Logging.ILogger logger, string clientId, MqttReasonCode reason);
}
