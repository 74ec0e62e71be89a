using System.Text;
using SmartPole.Mqtt.Packets;
using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

/// <summary>Decoding the bytes MQTT.js (npm mqtt) sends, captured at test time by <see cref="WireCapture"/>.</summary>
public sealed class MqttPacketDecoderMqttJsTests
{
    [Fact]
    public async Task Decodes_an_mqttjs_session_over_mqtt_311()
    {
        var wire = await CaptureAsync(4);

        var packets = MqttPacketDecoderTests.DecodeAll(wire, MqttProtocolVersion.V311);

        var connect = Assert.IsType<ConnectPacket>(packets[0]);
        Assert.Equal(MqttProtocolVersion.V311, connect.ProtocolVersion);
        Assert.Equal("mqttjs-pole", connect.ClientId);
        Assert.Equal("bob", connect.Username);
        Assert.Equal("hunter2", Encoding.UTF8.GetString(connect.Password!));
        Assert.Equal(33, connect.KeepAliveSeconds);
        Assert.True(connect.CleanSession);
        Assert.Equal("sp/c/p/status", connect.WillTopic);
        Assert.Equal("gone", Encoding.UTF8.GetString(connect.WillPayload!));
        Assert.Equal(MqttQualityOfService.AtLeastOnce, connect.WillQos);
        Assert.True(connect.WillRetain);
        var subscribe = Assert.IsType<SubscribePacket>(packets[1]);
        Assert.Equal([new MqttTopicFilter("sp/+/+/cmd", MqttQualityOfService.AtLeastOnce), new MqttTopicFilter("sp/demo/#", MqttQualityOfService.ExactlyOnce)], subscribe.Filters);
        var publishes = packets.OfType<PublishPacket>().ToList();
        Assert.Equal(["zero", "one", "two"], publishes.Select(p => Encoding.UTF8.GetString(p.Payload.Span)));
        Assert.Equal([MqttQualityOfService.AtMostOnce, MqttQualityOfService.AtLeastOnce, MqttQualityOfService.ExactlyOnce], publishes.Select(p => p.Qos));
        Assert.All(publishes, p => Assert.Equal("sp/c/p/telemetry", p.Topic));
        Assert.True(publishes[1].Retain);
        Assert.Contains(packets, p => p is AckPacket { Type: MqttPacketType.PubRel } rel && rel.PacketId == publishes[2].PacketId);
        Assert.IsType<DisconnectPacket>(packets[^1]);
    }

    [Fact]
    public async Task Decodes_an_mqttjs_session_over_mqtt_5_with_properties_and_a_topic_alias()
    {
        var wire = await CaptureAsync(5);

        var packets = MqttPacketDecoderTests.DecodeAll(wire, MqttProtocolVersion.V500);

        var connect = Assert.IsType<ConnectPacket>(packets[0]);
        Assert.Equal(MqttProtocolVersion.V500, connect.ProtocolVersion);
        Assert.False(connect.CleanSession);
        Assert.Equal(120u, connect.Properties!.SessionExpiryInterval);
        Assert.Equal((ushort)9, connect.Properties.ReceiveMaximum);
        Assert.Equal(65536u, connect.Properties.MaximumPacketSize);
        Assert.Equal((ushort)4, connect.Properties.TopicAliasMaximum);
        Assert.Equal([new MqttUserProperty("site", "north")], connect.Properties.UserProperties!);
        Assert.Equal(5u, connect.WillProperties!.WillDelayInterval);
        Assert.Equal("text/plain", connect.WillProperties.ContentType);
        var subscribe = Assert.IsType<SubscribePacket>(packets[1]);
        Assert.Equal([42u], subscribe.Properties!.SubscriptionIdentifiers!);
        Assert.Equal(new MqttTopicFilter("sp/+/+/cmd", MqttQualityOfService.AtLeastOnce, NoLocal: true, RetainAsPublished: true, RetainHandling: 2), subscribe.Filters[0]);
        var publishes = packets.OfType<PublishPacket>().ToList();
        var one = MqttMessageMapping.ToMessage(publishes[1], publishes[1].Topic);
        Assert.Equal("sp/c/p/telemetry", one.Topic);
        Assert.Equal(90u, one.MessageExpiryInterval);
        Assert.Equal("application/json", one.ContentType);
        Assert.Equal("r/1", one.ResponseTopic);
        Assert.Equal("c1", Encoding.UTF8.GetString(one.CorrelationData.Span));
        Assert.True(one.PayloadIsUtf8);
        Assert.Equal([new MqttUserProperty("unit", "W")], one.UserProperties);
        Assert.Equal((ushort)3, publishes[1].Properties!.TopicAlias);
        Assert.Equal("", publishes[2].Topic);
        Assert.Equal((ushort)3, publishes[2].Properties!.TopicAlias);
        Assert.Equal("two", Encoding.UTF8.GetString(publishes[2].Payload.Span));
        Assert.IsType<DisconnectPacket>(packets[^1]);
    }

    private static Task<IReadOnlyList<byte[]>> CaptureAsync(int version)
    {
        var script = Path.Combine(Path.GetDirectoryName(RealPeer.NodeModules)!, "mqtt-session.mjs");
        return WireCapture.CaptureAsync(RealPeer.Node, port => [script, $"mqtt://127.0.0.1:{port}", $"{version}"], v5: version == 5, stopAfterType: 14);
    }
}
