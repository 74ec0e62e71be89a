using SmartPole.Mqtt.Broker;
using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Tests;

/// <summary>The connection's outbound queue: a hold gathers the answers of one read into one wake-up of the writer.</summary>
public sealed class OutboundQueueTests
{
    [Fact]
    public async Task A_held_queue_wakes_its_reader_once_released_with_every_packet_queued_meanwhile()
    {
        var queue = new OutboundQueue();
        var waiting = queue.WaitToReadAsync();
        queue.Hold();

        queue.TryWrite(new AckPacket(MqttPacketType.PubAck, 1));
        queue.TryWrite(new AckPacket(MqttPacketType.PubAck, 2));
        var wokenWhileHeld = waiting.IsCompleted;
        queue.Release();
        var readable = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.False(wokenWhileHeld);
        Assert.True(readable);
        Assert.True(queue.TryRead(out var first));
        Assert.True(queue.TryRead(out var second));
        Assert.Equal(1, ((AckPacket)first).PacketId);
        Assert.Equal(2, ((AckPacket)second).PacketId);
    }

    [Fact]
    public async Task Completing_a_held_queue_still_hands_over_the_packets_queued_during_the_hold()
    {
        var queue = new OutboundQueue();
        var waiting = queue.WaitToReadAsync();
        queue.Hold();
        queue.TryWrite(new AckPacket(MqttPacketType.PubAck, 7));

        queue.Complete();
        var readable = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        var drained = queue.TryRead(out var packet);
        var afterDrain = await queue.WaitToReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(readable);
        Assert.True(drained);
        Assert.Equal(7, ((AckPacket)packet).PacketId);
        Assert.False(afterDrain);
    }

    [Fact]
    public async Task An_unheld_queue_wakes_its_reader_on_the_first_packet()
    {
        var queue = new OutboundQueue();
        var waiting = queue.WaitToReadAsync();

        queue.TryWrite(PingRespPacket.Instance);
        var readable = await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5));

        Assert.True(readable);
    }
}
