namespace SmartPole.Mqtt;

/// <summary>MQTT 5.0 Retain Handling subscription option (§3.8.3.1).</summary>
public enum MqttRetainHandling : byte
{
    /// <summary>Send retained messages whenever the subscription is made.</summary>
    SendAtSubscribe = 0,

    /// <summary>Send retained messages only when the subscription did not exist before.</summary>
    SendAtSubscribeIfNew = 1,

    /// <summary>Never send retained messages for this subscription.</summary>
    DoNotSend = 2,
}
