namespace SmartPole.Registry;

/// <summary>What an MQTT credential belongs to.</summary>
public enum MqttPrincipalKind
{
    /// <summary>One pole's own gateway.</summary>
    Pole,

    /// <summary>A district gateway carrying several poles on one connection.</summary>
    Gateway,

    /// <summary>A gateway holding only its city's provisioning key: it may ask for credentials and nothing else.</summary>
    Provisioner,
}
