using System.Text;
using SmartPole.Mqtt.Packets;
using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

/// <summary>
/// What Debian's Mosquitto (2.0.11) itself resends after a graceful restart to a subscriber that had
/// received PUBREL for QoS 2 messages but whose PUBCOMP it never read: MQTT 3.1.1 §4.4 requires PUBREL
/// for every one of them. Packets are read raw, so no client of ours is involved.
/// </summary>
public sealed class MosquittoRestartQos2Tests
{
    [Fact]
    public async Task Mosquitto_resends_pubrel_after_a_restart_for_released_messages_inside_its_inflight_window()
    {
        var (pubRel, publish) = await ResendAfterRestartAsync(30, "max_inflight_messages 40");

        Assert.Equal(30, pubRel.Count);
        Assert.Empty(publish);
    }

    [Fact]
    public async Task Mosquitto_resends_publish_not_pubrel_after_a_restart_for_released_messages_outside_its_inflight_window()
    {
        // max_inflight_messages 0 = no window: Mosquitto restores every message as queued, not in flight.
        // With the default window of 20 the same happens to whatever was awaiting PUBCOMP beyond the 20th.
        var (pubRel, publish) = await ResendAfterRestartAsync(15, "max_inflight_messages 0");

        // A new PUBLISH (DUP set) with an id the subscriber was told to release: one that follows §4.3.3
        // must take it as a new message, so it is delivered twice. Mosquitto's loss, not the subscriber's.
        Assert.Empty(pubRel);
        Assert.Equal(15, publish.Count);
        Assert.All(publish, p => Assert.True(p.Dup));
    }

    private static async Task<(List<ushort> PubRel, List<PublishPacket> Publish)> ResendAfterRestartAsync(int messages, params string[] config)
    {
        await using var mosquitto = await MosquittoBroker.StartAsync(config);
        var released = new HashSet<ushort>();
        await using (var subscriber = await RawPeer.ConnectAsync(mosquitto.Port, "raw-sub", configure: c => c.CleanSession = false))
        {
            var subscribe = new SubscribePacket { PacketId = 1 };
            subscribe.Filters.Add(new MqttTopicFilter("stream/#", MqttQualityOfService.ExactlyOnce, false, false, 0));
            await subscriber.SendAsync(subscribe);
            Assert.IsType<SubAckPacket>(await subscriber.ReceiveAsync());
            await using var publisher = new MqttClient(new MqttClientOptions { Port = mosquitto.Port, ClientId = "pub", MaxInflight = messages });
            await publisher.ConnectAsync();
            var published = Enumerable.Range(0, messages)
                .Select(i => publisher.PublishAsync(new MqttApplicationMessage("stream/a", Encoding.UTF8.GetBytes($"{i}"), MqttQualityOfService.ExactlyOnce)))
                .ToArray();

            // PUBREC for each PUBLISH; PUBREL noted but never completed, as when PUBCOMP is still unread at the stop.
            while (released.Count < messages)
            {
                switch (await subscriber.ReceiveAsync(TimeSpan.FromSeconds(10)))
                {
                    case PublishPacket p:
                        await subscriber.SendAsync(new AckPacket(MqttPacketType.PubRec, p.PacketId));
                        break;
                    case AckPacket { Type: MqttPacketType.PubRel } rel:
                        released.Add(rel.PacketId);
                        break;
                    case var other:
                        Assert.Fail($"unexpected {other?.Type.ToString() ?? "close"} with {released.Count} of {messages} released");
                        break;
                }
            }

            await Task.WhenAll(published).WaitAsync(TimeSpan.FromSeconds(10));
        }

        await mosquitto.RestartAsync(graceful: true);
        await using var again = await RawPeer.ConnectAsync(mosquitto.Port, "raw-sub", configure: c => c.CleanSession = false);
        var pubRel = new List<ushort>();
        var publish = new List<PublishPacket>();
        while (pubRel.Count + publish.Count < messages)
        {
            switch (await again.ReceiveAsync(TimeSpan.FromSeconds(10)))
            {
                case AckPacket { Type: MqttPacketType.PubRel } rel:
                    pubRel.Add(rel.PacketId);
                    break;
                case PublishPacket p:
                    publish.Add(p);
                    break;
                case var other:
                    Assert.Fail($"unexpected {other?.Type.ToString() ?? "close"} after {pubRel.Count} PUBREL and {publish.Count} PUBLISH");
                    break;
            }
        }

        Assert.All(pubRel.Concat(publish.Select(p => p.PacketId)), id => Assert.Contains(id, released));
        return (pubRel, publish);
    }
}
