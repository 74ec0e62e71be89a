using System.Buffers;
using System.Text;
using SmartPole.Mqtt.Formatter;
using SmartPole.Mqtt.Packets;
using SmartPole.Testing;

namespace SmartPole.Mqtt.Tests;

/// <summary>Decoding bytes captured from Debian's mosquitto_pub / mosquitto_sub, and rejecting bad bytes.</summary>
public sealed class MqttPacketDecoderTests
{
    [Fact]
    public async Task Decodes_what_mosquitto_pub_sends_over_mqtt_311()
    {
        var wire = await WireCapture.CaptureAsync(RealPeer.MosquittoPub, port =>
        [
            "-h", "127.0.0.1", "-p", $"{port}", "-V", "mqttv311", "-i", "pole-7", "-u", "alice", "-P", "secret", "-k", "42",
            "--will-topic", "sp/c/p/status", "--will-payload", "offline", "--will-qos", "1", "--will-retain",
            "-t", "sp/c/p/telemetry", "-m", "hello", "-q", "1", "-r",
        ], v5: false, stopAfterType: 14);

        var packets = DecodeAll(wire, MqttProtocolVersion.V311);

        var connect = Assert.IsType<ConnectPacket>(packets[0]);
        Assert.Equal(MqttProtocolVersion.V311, connect.ProtocolVersion);
        Assert.Equal("pole-7", connect.ClientId);
        Assert.Equal("alice", connect.Username);
        Assert.Equal("secret", Encoding.UTF8.GetString(connect.Password!));
        Assert.Equal(42, connect.KeepAliveSeconds);
        Assert.True(connect.CleanSession);
        Assert.Equal("sp/c/p/status", connect.WillTopic);
        Assert.Equal("offline", Encoding.UTF8.GetString(connect.WillPayload!));
        Assert.Equal(MqttQualityOfService.AtLeastOnce, connect.WillQos);
        Assert.True(connect.WillRetain);
        Assert.Null(connect.Properties);
        var publish = Assert.IsType<PublishPacket>(packets[1]);
        Assert.Equal("sp/c/p/telemetry", publish.Topic);
        Assert.Equal("hello", Encoding.UTF8.GetString(publish.Payload.Span));
        Assert.Equal(MqttQualityOfService.AtLeastOnce, publish.Qos);
        Assert.True(publish.Retain);
        Assert.False(publish.Dup);
        Assert.NotEqual(0, publish.PacketId);
        Assert.IsType<DisconnectPacket>(packets[^1]);
    }

    [Fact]
    public async Task Decodes_what_mosquitto_pub_sends_over_mqtt_5_with_properties_and_qos_2()
    {
        var wire = await WireCapture.CaptureAsync(RealPeer.MosquittoPub, port =>
        [
            "-h", "127.0.0.1", "-p", $"{port}", "-V", "mqttv5", "-i", "pole-8", "-x", "30", "-c",
            "-D", "connect", "user-property", "who", "gateway",
            "-D", "connect", "receive-maximum", "7",
            "-D", "publish", "content-type", "application/json",
            "-D", "publish", "user-property", "unit", "W",
            "-D", "publish", "message-expiry-interval", "60",
            "-D", "publish", "response-topic", "r/t",
            "-D", "publish", "correlation-data", "abc",
            "-D", "publish", "payload-format-indicator", "1",
            "-t", "sp/c/p/events", "-m", "{\"type\":\"doorOpened\"}", "-q", "2",
        ], v5: true, stopAfterType: 14);

        var packets = DecodeAll(wire, MqttProtocolVersion.V500);

        var connect = Assert.IsType<ConnectPacket>(packets[0]);
        Assert.Equal(MqttProtocolVersion.V500, connect.ProtocolVersion);
        Assert.Equal("pole-8", connect.ClientId);
        Assert.False(connect.CleanSession);
        Assert.Equal(30u, connect.Properties!.SessionExpiryInterval);
        Assert.Equal((ushort)7, connect.Properties.ReceiveMaximum);
        Assert.Equal([new MqttUserProperty("who", "gateway")], connect.Properties.UserProperties!);
        var publish = Assert.IsType<PublishPacket>(packets[1]);
        Assert.Equal(MqttQualityOfService.ExactlyOnce, publish.Qos);
        Assert.Equal("{\"type\":\"doorOpened\"}", Encoding.UTF8.GetString(publish.Payload.Span));
        var message = MqttMessageMapping.ToMessage(publish, publish.Topic);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal([new MqttUserProperty("unit", "W")], message.UserProperties);
        Assert.Equal(60u, message.MessageExpiryInterval);
        Assert.Equal("r/t", message.ResponseTopic);
        Assert.Equal("abc", Encoding.UTF8.GetString(message.CorrelationData.Span));
        Assert.True(message.PayloadIsUtf8);
        var pubRel = Assert.IsType<AckPacket>(packets[2]);
        Assert.Equal(MqttPacketType.PubRel, pubRel.Type);
        Assert.Equal(publish.PacketId, pubRel.PacketId);
        Assert.IsType<DisconnectPacket>(packets[^1]);
    }

    [Theory]
    [InlineData("mqttv311")]
    [InlineData("mqttv5")]
    public async Task Decodes_the_subscribe_mosquitto_sub_sends(string version)
    {
        var v5 = version == "mqttv5";
        var wire = await WireCapture.CaptureAsync(RealPeer.MosquittoSub, port =>
        [
            "-h", "127.0.0.1", "-p", $"{port}", "-V", version, "-i", "watcher", "-q", "2",
            "-t", "sp/+/+/telemetry", "-t", "sp/demo/#",
            .. v5 ? new[] { "-D", "subscribe", "subscription-identifier", "5" } : [],
        ], v5, stopAfterType: 8);

        var packets = DecodeAll(wire, v5 ? MqttProtocolVersion.V500 : MqttProtocolVersion.V311);

        var subscribe = Assert.IsType<SubscribePacket>(packets[^1]);
        Assert.NotEqual(0, subscribe.PacketId);
        Assert.Equal(["sp/+/+/telemetry", "sp/demo/#"], subscribe.Filters.Select(f => f.Filter));
        Assert.All(subscribe.Filters, f => Assert.Equal(MqttQualityOfService.ExactlyOnce, f.Qos));
        if (v5)
        {
            Assert.Equal([5u], subscribe.Properties!.SubscriptionIdentifiers!);
        }
    }

    [Fact]
    public void Rejects_remaining_length_over_four_bytes()
    {
        var error = Assert.Throws<MqttProtocolException>(() => Decode([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]));

        Assert.Equal(MqttReasonCode.MalformedPacket, error.ReasonCode);
    }

    [Fact]
    public void Rejects_a_topic_that_is_not_well_formed_utf8()
    {
        var error = Assert.Throws<MqttProtocolException>(() => Decode([0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, (byte)'x']));

        Assert.Equal(MqttReasonCode.MalformedPacket, error.ReasonCode);
        Assert.Equal("C328", error.BadValue);
    }

    [Fact]
    public void Rejects_a_string_with_u0000()
    {
        var error = Assert.Throws<MqttProtocolException>(() => Decode([0x30, 0x05, 0x00, 0x03, (byte)'a', 0x00, (byte)'b']));

        Assert.Equal(MqttReasonCode.MalformedPacket, error.ReasonCode);
    }

    [Fact]
    public void Rejects_an_encoded_surrogate()
    {
        // U+D800 encoded as UTF-8 (ED A0 80) is ill-formed (§1.5.4).
        var error = Assert.Throws<MqttProtocolException>(() => Decode([0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80]));

        Assert.Equal(MqttReasonCode.MalformedPacket, error.ReasonCode);
    }

    [Theory]
    [InlineData("a/+")]
    [InlineData("a/#")]
    [InlineData("+")]
    public void Rejects_a_wildcard_in_a_topic_name(string topic)
    {
        var bytes = new List<byte> { 0x30, (byte)(2 + topic.Length), 0x00, (byte)topic.Length };
        bytes.AddRange(Encoding.UTF8.GetBytes(topic));

        var error = Assert.Throws<MqttProtocolException>(() => Decode([.. bytes]));

        Assert.Equal(MqttReasonCode.TopicNameInvalid, error.ReasonCode);
        Assert.Equal(topic, error.BadValue);
    }

    [Fact]
    public void Rejects_qos_3()
    {
        var error = Assert.Throws<MqttProtocolException>(() => Decode([0x36, 0x05, 0x00, 0x01, (byte)'a', 0x00, 0x01]));

        Assert.Equal(MqttReasonCode.MalformedPacket, error.ReasonCode);
    }

    [Fact]
    public void Rejects_subscribe_with_wrong_fixed_header_flags()
    {
        Assert.Throws<MqttProtocolException>(() => Decode([0x80, 0x06, 0x00, 0x01, 0x00, 0x01, (byte)'a', 0x00]));
    }

    [Fact]
    public void Rejects_packet_identifier_zero()
    {
        Assert.Throws<MqttProtocolException>(() => Decode([0x40, 0x02, 0x00, 0x00]));
    }

    [Fact]
    public void Rejects_a_property_given_twice()
    {
        // 5.0 PUBLISH QoS 0, topic "a", properties: Message Expiry Interval twice.
        byte[] bytes = [0x30, 0x0E, 0x00, 0x01, (byte)'a', 0x0A, 0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2];

        var error = Assert.Throws<MqttProtocolException>(() => Decode(bytes, MqttProtocolVersion.V500));

        Assert.Equal(MqttReasonCode.ProtocolError, error.ReasonCode);
    }

    [Fact]
    public void Rejects_a_property_the_packet_may_not_carry()
    {
        // 5.0 PUBLISH with Session Expiry Interval (a CONNECT/CONNACK/DISCONNECT property).
        byte[] bytes = [0x30, 0x09, 0x00, 0x01, (byte)'a', 0x05, 0x11, 0, 0, 0, 1];

        var error = Assert.Throws<MqttProtocolException>(() => Decode(bytes, MqttProtocolVersion.V500));

        Assert.Equal(MqttReasonCode.ProtocolError, error.ReasonCode);
        Assert.Equal(0x11u, error.BadValue);
    }

    [Fact]
    public void Rejects_a_packet_larger_than_the_maximum()
    {
        var decoder = new MqttPacketDecoder(MqttProtocolVersion.V311, maxPacketSize: 100);
        var sequence = new ReadOnlySequence<byte>([0x30, 0xC8, 0x01]);

        var error = Assert.Throws<MqttProtocolException>(() => decoder.TryDecode(ref sequence, out _));

        Assert.Equal(MqttReasonCode.PacketTooLarge, error.ReasonCode);
    }

    [Fact]
    public void Rejects_an_unknown_protocol_level_as_unsupported()
    {
        // MQTT 3.1 CONNECT: "MQIsdp", level 3.
        byte[] bytes = [0x10, 0x10, 0x00, 0x06, .. "MQIsdp"u8, 0x03, 0x02, 0x00, 0x3C, 0x00, 0x02, (byte)'i', (byte)'d'];

        var error = Assert.Throws<MqttProtocolException>(() => Decode(bytes));

        Assert.Equal(MqttReasonCode.UnsupportedProtocolVersion, error.ReasonCode);
    }

    [Fact]
    public void Rejects_bytes_left_after_the_last_field()
    {
        Assert.Throws<MqttProtocolException>(() => Decode([0xC0, 0x01, 0x00]));
    }

    [Fact]
    public void Waits_for_more_bytes_when_a_packet_is_split()
    {
        var decoder = new MqttPacketDecoder();
        var whole = new byte[] { 0x30, 0x06, 0x00, 0x01, (byte)'a', (byte)'x', (byte)'y', (byte)'z' };
        var partial = new ReadOnlySequence<byte>(whole.AsMemory(0, 5));
        var complete = new ReadOnlySequence<byte>(whole);

        var first = decoder.TryDecode(ref partial, out _);
        var second = decoder.TryDecode(ref complete, out var packet);

        Assert.False(first);
        Assert.True(second);
        Assert.Equal("xyz", Encoding.UTF8.GetString(Assert.IsType<PublishPacket>(packet).Payload.Span));
        Assert.Equal(0, complete.Length);
    }

    [Fact]
    public void A_topic_published_again_on_a_connection_is_the_same_string()
    {
        var decoder = new MqttPacketDecoder();
        var first = Publish("sp/c/p/telemetry");
        var again = Publish("sp/c/p/telemetry");

        var a = DecodeWith(decoder, first);
        var b = DecodeWith(decoder, again);

        Assert.Equal("sp/c/p/telemetry", b.Topic);
        Assert.Same(a.Topic, b.Topic);
    }

    [Fact]
    public void A_remembered_topic_does_not_let_a_different_invalid_one_through()
    {
        var decoder = new MqttPacketDecoder();
        DecodeWith(decoder, Publish("sp/c/p/telemetry"));

        // Same length as the remembered topic, but with a wildcard, which a topic name may not hold (§4.7.1).
        var invalid = Publish("sp/c/+/telemetry");

        Assert.Throws<MqttProtocolException>(() => DecodeWith(decoder, invalid));
    }

    private static byte[] Publish(string topic)
    {
        var name = Encoding.UTF8.GetBytes(topic);
        return [0x30, (byte)(2 + name.Length + 1), 0x00, (byte)name.Length, .. name, (byte)'x'];
    }

    private static PublishPacket DecodeWith(MqttPacketDecoder decoder, byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.True(decoder.TryDecode(ref sequence, out var packet));
        return Assert.IsType<PublishPacket>(packet);
    }

    internal static List<MqttPacket> DecodeAll(IReadOnlyList<byte[]> wire, MqttProtocolVersion version)
    {
        var decoder = new MqttPacketDecoder(version);
        return wire.Select(bytes =>
        {
            var sequence = new ReadOnlySequence<byte>(bytes);
            Assert.True(decoder.TryDecode(ref sequence, out var packet));
            Assert.Equal(0, sequence.Length);
            return packet!;
        }).ToList();
    }

    private static MqttPacket Decode(byte[] bytes, MqttProtocolVersion version = MqttProtocolVersion.V311)
    {
        var decoder = new MqttPacketDecoder(version);
        var sequence = new ReadOnlySequence<byte>(bytes);
        Assert.True(decoder.TryDecode(ref sequence, out var packet));
        return packet!;
    }
}
