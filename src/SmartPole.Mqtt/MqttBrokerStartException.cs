namespace SmartPole.Mqtt;

/// <summary>The broker could not bind its listener (typically: the port is taken).</summary>
public sealed class MqttBrokerStartException : Exception
{
    /// <summary>Creates the exception.</summary>
    public MqttBrokerStartException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public MqttBrokerStartException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public MqttBrokerStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
