using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Client;

/// <summary>
/// A request awaiting the broker's answer (PUBACK, PUBCOMP, SUBACK, UNSUBACK), kept with the packet
/// to resend after a reconnect: the PUBLISH, or PUBREL once PUBREC arrived.
/// </summary>
internal sealed class PendingRequest(MqttPacket packet, long sequence)
{
    public TaskCompletionSource<MqttPacket> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public MqttPacket Packet { get; set; } = packet;

    public long Sequence => sequence;

    /// <summary>The connection generation the packet was last written on.</summary>
    public int SentOn { get; set; }

    /// <summary>Set when its caller gave up (cancelled): it is no longer to be written.</summary>
    public bool Abandoned { get; set; }
}
