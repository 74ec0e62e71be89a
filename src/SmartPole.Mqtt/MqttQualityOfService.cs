namespace SmartPole.Mqtt;

/// <summary>Delivery guarantee of an MQTT message (MQTT 5.0 §4.3).</summary>
public enum MqttQualityOfService : byte
{
    /// <summary>QoS 0: fire and forget.</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: acknowledged with PUBACK; may arrive twice.</summary>
    AtLeastOnce = 1,

    /// <summary>QoS 2: four-step handshake; arrives exactly once.</summary>
    ExactlyOnce = 2,
}
