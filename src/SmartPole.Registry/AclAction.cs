namespace SmartPole.Registry;

/// <summary>What an MQTT client asks to do with a topic.</summary>
public enum AclAction
{
    /// <summary>Publish to a topic name (also asked for the will topic at CONNECT).</summary>
    Publish,

    /// <summary>Subscribe to a topic filter.</summary>
    Subscribe,
}
