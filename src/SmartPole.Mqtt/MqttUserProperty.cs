namespace SmartPole.Mqtt;

/// <summary>An MQTT 5.0 user property: a UTF-8 name/value pair; names may repeat (§3.3.2.3.7).</summary>
public readonly record struct MqttUserProperty(string Name, string Value);
