using System.Net.Security;

namespace SmartPole.Mqtt;

/// <summary>How an <see cref="MqttClient"/> connects.</summary>
public sealed class MqttClientOptions
{
    /// <summary>Broker host name or address. Default "127.0.0.1".</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Broker TCP port. Default 1883 (8883 is the usual port for TLS).</summary>
    public int Port { get; set; } = 1883;

    /// <summary>Speak TLS over the TCP connection. Default false.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// TLS settings when <see cref="UseTls"/> is on: server certificate validation (e.g. a private CA
    /// through <see cref="SslClientAuthenticationOptions.CertificateChainPolicy"/>), client certificates.
    /// An empty <see cref="SslClientAuthenticationOptions.TargetHost"/> is set to <see cref="Host"/>.
    /// Null (default) = the system's trusted roots, server name = <see cref="Host"/>.
    /// </summary>
    public SslClientAuthenticationOptions? TlsOptions { get; set; }

    /// <summary>Client identifier; empty (default) lets the broker assign one (3.1.1 needs a clean session for that).</summary>
    public string ClientId { get; set; } = "";

    /// <summary>User name; null (default) sends none.</summary>
    public string? Username { get; set; }

    /// <summary>Password (UTF-8 on the wire); null (default) sends none.</summary>
    public string? Password { get; set; }

    /// <summary>3.1.1 Clean Session / 5.0 Clean Start. Default true.</summary>
    public bool CleanSession { get; set; } = true;

    /// <summary>5.0 Session Expiry Interval in seconds (how long the broker keeps the session after disconnect). Default 0.</summary>
    public uint SessionExpiryInterval { get; set; }

    /// <summary>Keep-alive period; a PINGREQ goes out when nothing else was sent for this long. Zero disables it. Default 30 seconds.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Protocol version to speak. Default 3.1.1.</summary>
    public MqttProtocolVersion ProtocolVersion { get; set; } = MqttProtocolVersion.V311;

    /// <summary>Will message the broker publishes if the connection ends without DISCONNECT; null (default) = none.</summary>
    public MqttApplicationMessage? Will { get; set; }

    /// <summary>5.0 Will Delay Interval: how long the broker waits before publishing the will. Default zero.</summary>
    public TimeSpan WillDelay { get; set; }

    /// <summary>QoS 1/2 publishes awaiting acknowledgement at once; further PublishAsync calls wait. Default 100.</summary>
    public int MaxInflight { get; set; } = 100;

    /// <summary>How long ConnectAsync waits for the TCP connection and CONNACK. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Reconnect by itself when the connection drops (not after <see cref="MqttClient.DisconnectAsync"/>): subscriptions
    /// are restored and unacknowledged QoS 1/2 publishes resent; calls made meanwhile wait for the new connection. Default false.
    /// </summary>
    public bool AutoReconnect { get; set; }

    /// <summary>
    /// First wait before reconnecting; it doubles after each failed attempt up to <see cref="MaxReconnectDelay"/>.
    /// Each wait is drawn between half and all of its value, so thousands of clients that lost one broker
    /// do not all come back in the same millisecond. Default 100 ms.
    /// </summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest wait between reconnect attempts. Default 30 seconds.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest packet accepted from the broker (5.0 Maximum Packet Size). Default 16 MiB.</summary>
    public int MaxPacketSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Reads "mqtt://host:port" or "tcp://host:port" (port defaults to 1883), or "mqtts://host:port" or
    /// "ssl://host:port" for TLS (port defaults to 8883); "user:password@" sets the credentials.
    /// </summary>
    public static MqttClientOptions FromUri(Uri brokerUri)
    {
        ArgumentNullException.ThrowIfNull(brokerUri);
        var tls = brokerUri.Scheme is "mqtts" or "ssl";
        if (!tls && brokerUri.Scheme is not ("mqtt" or "tcp"))
        {
            throw new ArgumentException(
                $"Unsupported broker URI scheme '{brokerUri.Scheme}': use mqtt://host:port, tcp://host:port, or mqtts://host:port for TLS.", nameof(brokerUri));
        }

        var options = new MqttClientOptions
        {
            Host = brokerUri.Host,
            Port = brokerUri.IsDefaultPort || brokerUri.Port < 0 ? (tls ? 8883 : 1883) : brokerUri.Port,
            UseTls = tls,
        };
        if (!string.IsNullOrEmpty(brokerUri.UserInfo))
        {
            var parts = brokerUri.UserInfo.Split(':', 2);
            options.Username = Uri.UnescapeDataString(parts[0]);
            options.Password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : null;
        }

        return options;
    }
}
