using System.Buffers;
using System.Text;
using SmartPole.Mqtt.Formatter;
using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Tests;

/// <summary>Round trips: what the encoder writes, the decoder reads back field for field.</summary>
public sealed class MqttPacketEncoderTests
{
    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Connect_round_trips(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        var connect = new ConnectPacket
        {
            ProtocolVersion = version,
            ClientId = "pole-ü",
            CleanSession = false,
            KeepAliveSeconds = 600,
            Username = "u",
            Password = [1, 2, 3],
            WillTopic = "sp/c/p/status",
            WillPayload = "offline"u8.ToArray(),
            WillQos = MqttQualityOfService.AtLeastOnce,
            WillRetain = true,
            Properties = v5 ? new MqttProperties { SessionExpiryInterval = 3600, ReceiveMaximum = 10, UserProperties = [new("k", "v")] } : null,
            WillProperties = v5 ? new MqttProperties { WillDelayInterval = 5, ContentType = "text/plain" } : null,
        };

        var decoded = Assert.IsType<ConnectPacket>(RoundTrip(connect, version));

        Assert.Equal(connect.ClientId, decoded.ClientId);
        Assert.False(decoded.CleanSession);
        Assert.Equal(600, decoded.KeepAliveSeconds);
        Assert.Equal("u", decoded.Username);
        Assert.Equal([1, 2, 3], decoded.Password!);
        Assert.Equal(connect.WillTopic, decoded.WillTopic);
        Assert.Equal(connect.WillPayload, decoded.WillPayload!);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, decoded.WillQos);
        Assert.True(decoded.WillRetain);
        if (v5)
        {
            Assert.Equal(3600u, decoded.Properties!.SessionExpiryInterval);
            Assert.Equal((ushort)10, decoded.Properties.ReceiveMaximum);
            Assert.Equal([new MqttUserProperty("k", "v")], decoded.Properties.UserProperties!);
            Assert.Equal(5u, decoded.WillProperties!.WillDelayInterval);
            Assert.Equal("text/plain", decoded.WillProperties.ContentType);
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311, 0)]
    [InlineData(MqttProtocolVersion.V311, 200_000)]
    [InlineData(MqttProtocolVersion.V500, 0)]
    [InlineData(MqttProtocolVersion.V500, 200_000)]
    public void Publish_round_trips_with_any_payload_size(MqttProtocolVersion version, int payloadSize)
    {
        var payload = Enumerable.Range(0, payloadSize).Select(i => (byte)i).ToArray();
        var message = new MqttApplicationMessage("a/b/c", payload, MqttQualityOfService.ExactlyOnce, Retain: true)
        {
            ContentType = "application/octet-stream",
            CorrelationData = new byte[] { 9, 9 },
            UserProperties = [new("x", "1"), new("x", "2")],
            MessageExpiryInterval = 30,
        };
        var publish = new PublishPacket
        {
            Topic = message.Topic,
            Payload = message.Payload,
            Qos = message.Qos,
            Retain = true,
            Dup = true,
            PacketId = 65535,
            Properties = version == MqttProtocolVersion.V500 ? MqttMessageMapping.ToProperties(message, [7, 300_000]) : null,
        };

        var decoded = Assert.IsType<PublishPacket>(RoundTrip(publish, version));

        Assert.Equal("a/b/c", decoded.Topic);
        Assert.Equal(payload, decoded.Payload.ToArray());
        Assert.Equal(MqttQualityOfService.ExactlyOnce, decoded.Qos);
        Assert.True(decoded.Retain);
        Assert.True(decoded.Dup);
        Assert.Equal(65535, decoded.PacketId);
        if (version == MqttProtocolVersion.V500)
        {
            var back = MqttMessageMapping.ToMessage(decoded, decoded.Topic);
            Assert.Equal("application/octet-stream", back.ContentType);
            Assert.Equal([9, 9], back.CorrelationData.ToArray());
            Assert.Equal(message.UserProperties, back.UserProperties);
            Assert.Equal(30u, back.MessageExpiryInterval);
            Assert.Equal([7u, 300_000u], back.SubscriptionIdentifiers);
        }
    }

    [Theory]
    [InlineData(MqttProtocolVersion.V311)]
    [InlineData(MqttProtocolVersion.V500)]
    public void Subscribe_and_suback_round_trip(MqttProtocolVersion version)
    {
        var v5 = version == MqttProtocolVersion.V500;
        var subscribe = new SubscribePacket { PacketId = 12, Properties = v5 ? new MqttProperties { SubscriptionIdentifiers = [42] } : null };
        subscribe.Filters.Add(new MqttTopicFilter("a/+/c", MqttQualityOfService.AtLeastOnce, NoLocal: v5, RetainAsPublished: v5, RetainHandling: (byte)(v5 ? 2 : 0)));
        subscribe.Filters.Add(new MqttTopicFilter("$share/g/x/#", MqttQualityOfService.ExactlyOnce));
        var subAck = new SubAckPacket { PacketId = 12 };
        subAck.ReasonCodes.AddRange([MqttReasonCode.GrantedQos1, MqttReasonCode.TopicFilterInvalid]);

        var decodedSubscribe = Assert.IsType<SubscribePacket>(RoundTrip(subscribe, version));
        var decodedSubAck = Assert.IsType<SubAckPacket>(RoundTrip(subAck, version));

        Assert.Equal(subscribe.Filters, decodedSubscribe.Filters);
        Assert.Equal(12, decodedSubscribe.PacketId);
        var expectedFailure = v5 ? MqttReasonCode.TopicFilterInvalid : MqttReasonCode.UnspecifiedError;
        Assert.Equal([MqttReasonCode.GrantedQos1, expectedFailure], decodedSubAck.ReasonCodes);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    public void Acks_round_trip_with_v5_reason_codes(int packetType)
    {
        var type = (MqttPacketType)packetType;
        var ack = new AckPacket(type, 300, MqttReasonCode.PacketIdentifierNotFound) { Properties = new MqttProperties { ReasonString = "gone" } };

        var decoded = Assert.IsType<AckPacket>(RoundTrip(ack, MqttProtocolVersion.V500));

        Assert.Equal(type, decoded.Type);
        Assert.Equal(300, decoded.PacketId);
        Assert.Equal(MqttReasonCode.PacketIdentifierNotFound, decoded.ReasonCode);
        Assert.Equal("gone", decoded.Properties!.ReasonString);
    }

    [Fact]
    public void Short_v5_ack_with_success_takes_four_bytes()
    {
        using var encoder = new MqttPacketEncoder(MqttProtocolVersion.V500);
        var output = new ArrayBufferWriter<byte>();

        encoder.Encode(new AckPacket(MqttPacketType.PubAck, 1), output);

        Assert.Equal([0x40, 0x02, 0x00, 0x01], output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Connack_disconnect_unsuback_and_pings_round_trip()
    {
        var connAck = new ConnAckPacket { SessionPresent = true, ReasonCode = 0, Properties = new MqttProperties { AssignedClientIdentifier = "auto-1", ServerKeepAlive = 60, MaximumQos = 1 } };
        var disconnect = new DisconnectPacket { ReasonCode = MqttReasonCode.SessionTakenOver };
        var unsubAck = new UnsubAckPacket { PacketId = 5 };
        unsubAck.ReasonCodes.Add(MqttReasonCode.NoSubscriptionExisted);

        var decodedConnAck = Assert.IsType<ConnAckPacket>(RoundTrip(connAck, MqttProtocolVersion.V500));
        var decodedDisconnect = Assert.IsType<DisconnectPacket>(RoundTrip(disconnect, MqttProtocolVersion.V500));
        var decodedUnsubAck = Assert.IsType<UnsubAckPacket>(RoundTrip(unsubAck, MqttProtocolVersion.V500));

        Assert.True(decodedConnAck.SessionPresent);
        Assert.Equal("auto-1", decodedConnAck.Properties!.AssignedClientIdentifier);
        Assert.Equal((ushort)60, decodedConnAck.Properties.ServerKeepAlive);
        Assert.Equal((byte)1, decodedConnAck.Properties.MaximumQos);
        Assert.Equal(MqttReasonCode.SessionTakenOver, decodedDisconnect.ReasonCode);
        Assert.Equal([MqttReasonCode.NoSubscriptionExisted], decodedUnsubAck.ReasonCodes);
        Assert.Same(PingReqPacket.Instance, RoundTrip(PingReqPacket.Instance, MqttProtocolVersion.V311));
        Assert.Same(PingRespPacket.Instance, RoundTrip(PingRespPacket.Instance, MqttProtocolVersion.V311));
    }

    [Fact]
    public void Encoder_refuses_a_packet_over_the_peer_maximum_and_writes_nothing()
    {
        using var encoder = new MqttPacketEncoder(MqttProtocolVersion.V500);
        var output = new ArrayBufferWriter<byte>();

        var size = encoder.Encode(new PublishPacket { Topic = "t", Payload = new byte[100] }, output, maxPacketSize: 50);

        Assert.Equal(0, size);
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Encoder_rejects_a_string_with_u0000()
    {
        using var encoder = new MqttPacketEncoder();

        Assert.Throws<MqttProtocolException>(() => encoder.Encode(new PublishPacket { Topic = "a\0b" }, new ArrayBufferWriter<byte>()));
    }

    [Theory]
    [InlineData(0u, new byte[] { 0x00 })]
    [InlineData(127u, new byte[] { 0x7F })]
    [InlineData(128u, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383u, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384u, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455u, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void Variable_byte_integers_match_the_spec_table(uint value, byte[] expected)
    {
        var buffer = new byte[4];

        var length = MqttVariableByteInteger.Write(value, buffer);

        Assert.Equal(expected, buffer[..length]);
        Assert.Equal(expected.Length, MqttVariableByteInteger.Size(value));
    }

    private static MqttPacket RoundTrip(MqttPacket packet, MqttProtocolVersion version)
    {
        using var encoder = new MqttPacketEncoder(version);
        var output = new ArrayBufferWriter<byte>();
        var size = encoder.Encode(packet, output);
        Assert.Equal(output.WrittenCount, size);
        var sequence = new ReadOnlySequence<byte>(output.WrittenMemory);
        var decoder = new MqttPacketDecoder(version);
        Assert.True(decoder.TryDecode(ref sequence, out var decoded));
        Assert.Equal(0, sequence.Length);
        return decoded!;
    }
}
