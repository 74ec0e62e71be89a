using System.Buffers;
using SmartPole.Mqtt.Packets;
using SmartPole.Mqtt.Topics;

namespace SmartPole.Mqtt.Formatter;

/// <summary>
/// Turns bytes from the wire into packets for one connection. 3.1.1 and 5.0 share the packet
/// layout and differ in properties and reason codes, so one decoder branches on
/// <see cref="Version"/> where they differ instead of duplicating every packet reader.
/// </summary>
internal sealed class MqttPacketDecoder(MqttProtocolVersion version = MqttProtocolVersion.V311, int maxPacketSize = 268_435_460)
{
    /// <summary>Packet type used in the property table for the will properties of a CONNECT.</summary>
    private const int WillPseudoType = 0;

    private static readonly ushort[] AllowedIn = BuildPropertyTable();

    // Created by the first PUBLISH: most connections of a subscriber-only client never need it.
    private MqttTopicCache? _topics;

    /// <summary>The connection's protocol version; a broker learns it from CONNECT.</summary>
    public MqttProtocolVersion Version { get; set; } = version;

    /// <summary>Largest whole packet (fixed header included) this side accepts.</summary>
    public int MaxPacketSize { get; set; } = maxPacketSize;

    private bool V5 => Version == MqttProtocolVersion.V500;

    /// <summary>
    /// Decodes one packet from the start of <paramref name="buffer"/> and slices it off; false when
    /// the packet is not complete yet.
    /// </summary>
    public bool TryDecode(ref ReadOnlySequence<byte> buffer, out MqttPacket? packet)
    {
        packet = null;
        if (!TryReadFixedHeader(buffer, out var header, out var remainingLength, out var headerLength))
        {
            return false;
        }

        if (headerLength + (long)remainingLength > MaxPacketSize)
        {
            throw new MqttProtocolException("Packet exceeds the maximum packet size", MqttReasonCode.PacketTooLarge, headerLength + (long)remainingLength);
        }

        if (buffer.Length < headerLength + remainingLength)
        {
            return false;
        }

        var body = buffer.Slice(headerLength, remainingLength);
        packet = Decode(header, body);
        buffer = buffer.Slice(body.End);
        return true;
    }

    /// <summary>Reads the fixed header (§2.1): type/flags byte and remaining length.</summary>
    public static bool TryReadFixedHeader(ReadOnlySequence<byte> buffer, out byte header, out int remainingLength, out int headerLength)
    {
        header = 0;
        remainingLength = 0;
        headerLength = 0;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryRead(out header))
        {
            return false;
        }

        var value = 0;
        for (var i = 0; i < 4; i++)
        {
            if (!reader.TryRead(out var b))
            {
                return false;
            }

            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                remainingLength = value;
                headerLength = i + 2;
                return true;
            }
        }

        throw new MqttProtocolException("Remaining length longer than four bytes", MqttReasonCode.MalformedPacket);
    }

    /// <summary>Decodes a packet given its first byte and its body (exactly remaining-length bytes).</summary>
    public MqttPacket Decode(byte header, ReadOnlySequence<byte> body)
    {
        var type = (MqttPacketType)(header >> 4);
        var flags = header & 0x0F;
        var reader = new MqttBufferReader(body);
        MqttPacket packet = type switch
        {
            MqttPacketType.Connect => DecodeConnect(ref reader, flags),
            MqttPacketType.ConnAck => DecodeConnAck(ref reader, flags),
            MqttPacketType.Publish => DecodePublish(ref reader, flags),
            MqttPacketType.PubAck or MqttPacketType.PubRec or MqttPacketType.PubComp => DecodeAck(ref reader, type, flags, 0),
            MqttPacketType.PubRel => DecodeAck(ref reader, type, flags, 2),
            MqttPacketType.Subscribe => DecodeSubscribe(ref reader, flags),
            MqttPacketType.SubAck => DecodeSubAck(ref reader, flags),
            MqttPacketType.Unsubscribe => DecodeUnsubscribe(ref reader, flags),
            MqttPacketType.UnsubAck => DecodeUnsubAck(ref reader, flags),
            MqttPacketType.PingReq => DecodeEmpty(ref reader, flags, PingReqPacket.Instance),
            MqttPacketType.PingResp => DecodeEmpty(ref reader, flags, PingRespPacket.Instance),
            MqttPacketType.Disconnect => DecodeDisconnect(ref reader, flags),
            MqttPacketType.Auth when V5 => DecodeAuth(ref reader, flags),
            _ => throw new MqttProtocolException("Unknown or reserved packet type", MqttReasonCode.MalformedPacket, header >> 4),
        };
        if (!reader.End)
        {
            throw new MqttProtocolException($"{type} has bytes after its last field", MqttReasonCode.MalformedPacket, reader.Remaining);
        }

        return packet;
    }

    private ConnectPacket DecodeConnect(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.Connect, flags, 0);
        var protocolName = reader.ReadString();
        var level = reader.ReadByte();
        if (protocolName != "MQTT" || (level != 4 && level != 5))
        {
            // §3.1.2.1/2: an unknown name or level is answered with CONNACK "unsupported protocol version".
            throw new MqttProtocolException($"Unsupported protocol {protocolName} level {level}", MqttReasonCode.UnsupportedProtocolVersion, level);
        }

        Version = (MqttProtocolVersion)level;
        var connectFlags = reader.ReadByte();
        if ((connectFlags & 0x01) != 0)
        {
            throw new MqttProtocolException("CONNECT reserved flag is set", MqttReasonCode.MalformedPacket, connectFlags); // [MQTT-3.1.2-3]
        }

        var packet = new ConnectPacket
        {
            ProtocolVersion = Version,
            CleanSession = (connectFlags & 0x02) != 0,
            KeepAliveSeconds = reader.ReadUInt16(),
        };
        var willFlag = (connectFlags & 0x04) != 0;
        var willQos = (connectFlags >> 3) & 0x03;
        var willRetain = (connectFlags & 0x20) != 0;
        var passwordFlag = (connectFlags & 0x40) != 0;
        var usernameFlag = (connectFlags & 0x80) != 0;
        if (willQos == 3 || (!willFlag && (willQos != 0 || willRetain)))
        {
            throw new MqttProtocolException("Invalid will flags", MqttReasonCode.MalformedPacket, connectFlags); // [MQTT-3.1.2-11..15]
        }

        if (!V5 && passwordFlag && !usernameFlag)
        {
            throw new MqttProtocolException("Password without user name", MqttReasonCode.MalformedPacket, connectFlags); // 3.1.1 [MQTT-3.1.2-22]
        }

        packet.Properties = ReadProperties(ref reader, (int)MqttPacketType.Connect);
        packet.ClientId = reader.ReadString();
        if (willFlag)
        {
            packet.WillProperties = ReadProperties(ref reader, WillPseudoType);
            packet.WillTopic = reader.ReadString();
            MqttTopic.ValidateName(packet.WillTopic);
            packet.WillPayload = reader.ReadBinary();
            packet.WillQos = (MqttQualityOfService)willQos;
            packet.WillRetain = willRetain;
        }

        if (usernameFlag)
        {
            packet.Username = reader.ReadString();
        }

        if (passwordFlag)
        {
            packet.Password = reader.ReadBinary();
        }

        return packet;
    }

    private ConnAckPacket DecodeConnAck(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.ConnAck, flags, 0);
        var ackFlags = reader.ReadByte();
        if ((ackFlags & 0xFE) != 0)
        {
            throw new MqttProtocolException("CONNACK reserved flags are set", MqttReasonCode.MalformedPacket, ackFlags);
        }

        return new ConnAckPacket
        {
            SessionPresent = (ackFlags & 0x01) != 0,
            ReasonCode = reader.ReadByte(),
            Properties = ReadProperties(ref reader, (int)MqttPacketType.ConnAck),
        };
    }

    private PublishPacket DecodePublish(ref MqttBufferReader reader, int flags)
    {
        var qos = (flags >> 1) & 0x03;
        if (qos == 3)
        {
            throw new MqttProtocolException("PUBLISH with QoS 3", MqttReasonCode.MalformedPacket, flags); // [MQTT-3.3.1-4]
        }

        var dup = (flags & 0x08) != 0;
        if (dup && qos == 0)
        {
            throw new MqttProtocolException("DUP set on a QoS 0 PUBLISH", MqttReasonCode.MalformedPacket, flags); // [MQTT-3.3.1-2]
        }

        var packet = new PublishPacket
        {
            Topic = reader.ReadTopicName(_topics ??= new MqttTopicCache(), out var known),
            Qos = (MqttQualityOfService)qos,
            Dup = dup,
            Retain = (flags & 0x01) != 0,
        };
        if (qos > 0)
        {
            packet.PacketId = ReadPacketId(ref reader);
        }

        packet.Properties = ReadProperties(ref reader, (int)MqttPacketType.Publish);
        if (!known && (packet.Topic.Length > 0 || packet.Properties?.TopicAlias is null))
        {
            MqttTopic.ValidateName(packet.Topic);
            _topics.Add(packet.Topic);
        }

        packet.Payload = reader.ReadRemainingBytes();
        if (packet.Properties?.PayloadFormatIndicator == 1 && !System.Text.Unicode.Utf8.IsValid(packet.Payload.Span))
        {
            throw new MqttProtocolException("Payload marked UTF-8 is not", MqttReasonCode.PayloadFormatInvalid, packet.Topic); // §3.3.2.3.2
        }

        return packet;
    }

    private AckPacket DecodeAck(ref MqttBufferReader reader, MqttPacketType type, int flags, int requiredFlags)
    {
        RequireFlags(type, flags, requiredFlags);
        var packetId = ReadPacketId(ref reader);
        var (reasonCode, properties) = ReadOptionalReason(ref reader, type);
        return new AckPacket(type, packetId, reasonCode) { Properties = properties };
    }

    private SubscribePacket DecodeSubscribe(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.Subscribe, flags, 2); // [MQTT-3.8.1-1]
        var packet = new SubscribePacket { PacketId = ReadPacketId(ref reader) };
        packet.Properties = ReadProperties(ref reader, (int)MqttPacketType.Subscribe);
        while (!reader.End)
        {
            var filter = reader.ReadString();
            var options = reader.ReadByte();
            var qos = options & 0x03;
            var retainHandling = (byte)((options >> 4) & 0x03);
            var reservedMask = V5 ? 0xC0 : 0xFC;
            if ((options & reservedMask) != 0 || qos == 3 || retainHandling == 3)
            {
                throw new MqttProtocolException("Invalid subscription options", MqttReasonCode.MalformedPacket, options); // [MQTT-3.8.3-4/5]
            }

            packet.Filters.Add(new MqttTopicFilter(
                filter,
                (MqttQualityOfService)qos,
                NoLocal: V5 && (options & 0x04) != 0,
                RetainAsPublished: V5 && (options & 0x08) != 0,
                RetainHandling: retainHandling));
        }

        if (packet.Filters.Count == 0)
        {
            throw new MqttProtocolException("SUBSCRIBE without a topic filter", MqttReasonCode.ProtocolError); // [MQTT-3.8.3-2]
        }

        return packet;
    }

    private SubAckPacket DecodeSubAck(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.SubAck, flags, 0);
        var packet = new SubAckPacket { PacketId = ReadPacketId(ref reader) };
        packet.Properties = ReadProperties(ref reader, (int)MqttPacketType.SubAck);
        while (!reader.End)
        {
            packet.ReasonCodes.Add((MqttReasonCode)reader.ReadByte());
        }

        return packet;
    }

    private UnsubscribePacket DecodeUnsubscribe(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.Unsubscribe, flags, 2); // [MQTT-3.10.1-1]
        var packet = new UnsubscribePacket { PacketId = ReadPacketId(ref reader) };
        packet.Properties = ReadProperties(ref reader, (int)MqttPacketType.Unsubscribe);
        while (!reader.End)
        {
            packet.Filters.Add(reader.ReadString());
        }

        if (packet.Filters.Count == 0)
        {
            throw new MqttProtocolException("UNSUBSCRIBE without a topic filter", MqttReasonCode.ProtocolError); // [MQTT-3.10.3-2]
        }

        return packet;
    }

    private UnsubAckPacket DecodeUnsubAck(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.UnsubAck, flags, 0);
        var packet = new UnsubAckPacket { PacketId = ReadPacketId(ref reader) };
        packet.Properties = ReadProperties(ref reader, (int)MqttPacketType.UnsubAck);
        while (V5 && !reader.End)
        {
            packet.ReasonCodes.Add((MqttReasonCode)reader.ReadByte());
        }

        return packet;
    }

    private static MqttPacket DecodeEmpty(ref MqttBufferReader reader, int flags, MqttPacket packet)
    {
        RequireFlags(packet.Type, flags, 0);
        return packet;
    }

    private DisconnectPacket DecodeDisconnect(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.Disconnect, flags, 0);
        var (reasonCode, properties) = ReadOptionalReason(ref reader, MqttPacketType.Disconnect);
        return new DisconnectPacket { ReasonCode = reasonCode, Properties = properties };
    }

    private AuthPacket DecodeAuth(ref MqttBufferReader reader, int flags)
    {
        RequireFlags(MqttPacketType.Auth, flags, 0);
        var (reasonCode, properties) = ReadOptionalReason(ref reader, MqttPacketType.Auth);
        return new AuthPacket { ReasonCode = reasonCode, Properties = properties };
    }

    /// <summary>
    /// 5.0 §3.4.2.1, §3.14.2.1, §3.15.2.1: a trailing reason code and properties that may be left out
    /// (then Success and none). 3.1.1 packets end before them.
    /// </summary>
    private (MqttReasonCode ReasonCode, MqttProperties? Properties) ReadOptionalReason(ref MqttBufferReader reader, MqttPacketType type)
    {
        if (!V5 || reader.End)
        {
            return (MqttReasonCode.Success, null);
        }

        var reasonCode = (MqttReasonCode)reader.ReadByte();
        return (reasonCode, reader.End ? null : ReadProperties(ref reader, (int)type));
    }

    private static ushort ReadPacketId(ref MqttBufferReader reader)
    {
        var id = reader.ReadUInt16();
        if (id == 0)
        {
            throw new MqttProtocolException("Packet identifier 0", MqttReasonCode.MalformedPacket, id); // [MQTT-2.2.1-3]
        }

        return id;
    }

    private static void RequireFlags(MqttPacketType type, int flags, int expected)
    {
        if (flags != expected)
        {
            throw new MqttProtocolException($"{type} has reserved fixed-header flags {flags}", MqttReasonCode.MalformedPacket, flags); // §2.1.3
        }
    }

    /// <summary>Reads a 5.0 property block; nothing on 3.1.1. Rejects a property the packet may not carry, or carries twice.</summary>
    private MqttProperties? ReadProperties(ref MqttBufferReader reader, int packetType)
    {
        if (!V5)
        {
            return null;
        }

        var length = reader.ReadVariableByteInteger();
        if (length == 0)
        {
            return null;
        }

        if (length > reader.Remaining)
        {
            throw new MqttProtocolException("Property length exceeds the packet", MqttReasonCode.MalformedPacket, length);
        }

        var block = reader.ReadBlock((int)length);
        var p = new MqttProperties();
        while (!block.End)
        {
            var id = block.ReadVariableByteInteger();
            if (id >= AllowedIn.Length || (AllowedIn[id] & (1 << packetType)) == 0)
            {
                throw new MqttProtocolException($"Property 0x{id:X2} is not allowed here", MqttReasonCode.ProtocolError, id);
            }

            switch ((MqttPropertyId)id)
            {
                case MqttPropertyId.PayloadFormatIndicator: p.PayloadFormatIndicator = Once(p.PayloadFormatIndicator, Bool(block.ReadByte(), id), id); break;
                case MqttPropertyId.MessageExpiryInterval: p.MessageExpiryInterval = Once(p.MessageExpiryInterval, block.ReadUInt32(), id); break;
                case MqttPropertyId.ContentType: p.ContentType = Once(p.ContentType, block.ReadString(), id); break;
                case MqttPropertyId.ResponseTopic:
                    p.ResponseTopic = Once(p.ResponseTopic, block.ReadString(), id);
                    MqttTopic.ValidateName(p.ResponseTopic); // [MQTT-3.3.2-14]
                    break;
                case MqttPropertyId.CorrelationData: p.CorrelationData = Once(p.CorrelationData, block.ReadBinary(), id); break;
                case MqttPropertyId.SubscriptionIdentifier:
                    var subscriptionId = block.ReadVariableByteInteger();
                    if (subscriptionId == 0 || (packetType == (int)MqttPacketType.Subscribe && p.SubscriptionIdentifiers is not null))
                    {
                        throw new MqttProtocolException("Invalid subscription identifier", MqttReasonCode.ProtocolError, subscriptionId);
                    }

                    (p.SubscriptionIdentifiers ??= []).Add(subscriptionId);
                    break;
                case MqttPropertyId.SessionExpiryInterval: p.SessionExpiryInterval = Once(p.SessionExpiryInterval, block.ReadUInt32(), id); break;
                case MqttPropertyId.AssignedClientIdentifier: p.AssignedClientIdentifier = Once(p.AssignedClientIdentifier, block.ReadString(), id); break;
                case MqttPropertyId.ServerKeepAlive: p.ServerKeepAlive = Once(p.ServerKeepAlive, block.ReadUInt16(), id); break;
                case MqttPropertyId.AuthenticationMethod: p.AuthenticationMethod = Once(p.AuthenticationMethod, block.ReadString(), id); break;
                case MqttPropertyId.AuthenticationData: p.AuthenticationData = Once(p.AuthenticationData, block.ReadBinary(), id); break;
                case MqttPropertyId.RequestProblemInformation: p.RequestProblemInformation = Once(p.RequestProblemInformation, Bool(block.ReadByte(), id), id); break;
                case MqttPropertyId.WillDelayInterval: p.WillDelayInterval = Once(p.WillDelayInterval, block.ReadUInt32(), id); break;
                case MqttPropertyId.RequestResponseInformation: p.RequestResponseInformation = Once(p.RequestResponseInformation, Bool(block.ReadByte(), id), id); break;
                case MqttPropertyId.ResponseInformation: p.ResponseInformation = Once(p.ResponseInformation, block.ReadString(), id); break;
                case MqttPropertyId.ServerReference: p.ServerReference = Once(p.ServerReference, block.ReadString(), id); break;
                case MqttPropertyId.ReasonString: p.ReasonString = Once(p.ReasonString, block.ReadString(), id); break;
                case MqttPropertyId.ReceiveMaximum: p.ReceiveMaximum = Once(p.ReceiveMaximum, NonZero(block.ReadUInt16(), id), id); break;
                case MqttPropertyId.TopicAliasMaximum: p.TopicAliasMaximum = Once(p.TopicAliasMaximum, block.ReadUInt16(), id); break;
                case MqttPropertyId.TopicAlias: p.TopicAlias = Once(p.TopicAlias, NonZero(block.ReadUInt16(), id), id); break;
                case MqttPropertyId.MaximumQos: p.MaximumQos = Once(p.MaximumQos, Bool(block.ReadByte(), id), id); break;
                case MqttPropertyId.RetainAvailable: p.RetainAvailable = Once(p.RetainAvailable, Bool(block.ReadByte(), id), id); break;
                case MqttPropertyId.UserProperty: (p.UserProperties ??= []).Add(new MqttUserProperty(block.ReadString(), block.ReadString())); break;
                case MqttPropertyId.MaximumPacketSize: p.MaximumPacketSize = Once(p.MaximumPacketSize, NonZero(block.ReadUInt32(), id), id); break;
                case MqttPropertyId.WildcardSubscriptionAvailable: p.WildcardSubscriptionAvailable = Once(p.WildcardSubscriptionAvailable, Bool(block.ReadByte(), id), id); break;
                case MqttPropertyId.SubscriptionIdentifierAvailable: p.SubscriptionIdentifierAvailable = Once(p.SubscriptionIdentifierAvailable, Bool(block.ReadByte(), id), id); break;
                case MqttPropertyId.SharedSubscriptionAvailable: p.SharedSubscriptionAvailable = Once(p.SharedSubscriptionAvailable, Bool(block.ReadByte(), id), id); break;
                default: throw new MqttProtocolException("Unknown property", MqttReasonCode.MalformedPacket, id);
            }
        }

        return p;
    }

    // [MQTT-2.2.2-2]: a property other than User Property (and Subscription Identifier in PUBLISH) appears once.
    private static T Once<T>(T? existing, T value, uint id)
        where T : struct =>
        existing is null ? value : throw Twice(id);

    private static T Once<T>(T? existing, T value, uint id)
        where T : class =>
        existing is null ? value : throw Twice(id);

    private static MqttProtocolException Twice(uint id) =>
        new($"Property 0x{id:X2} appears twice", MqttReasonCode.ProtocolError, id);

    private static byte Bool(byte value, uint id) =>
        value <= 1 ? value : throw new MqttProtocolException($"Property 0x{id:X2} must be 0 or 1", MqttReasonCode.ProtocolError, value);

    private static ushort NonZero(ushort value, uint id) =>
        value != 0 ? value : throw new MqttProtocolException($"Property 0x{id:X2} must not be 0", MqttReasonCode.ProtocolError, value);

    private static uint NonZero(uint value, uint id) =>
        value != 0 ? value : throw new MqttProtocolException($"Property 0x{id:X2} must not be 0", MqttReasonCode.ProtocolError, value);

    /// <summary>Which packet types (bit = type, bit 0 = will properties) may carry each property (§2.2.2.2).</summary>
    private static ushort[] BuildPropertyTable()
    {
        const int Connect = 1 << 1, ConnAck = 1 << 2, Publish = 1 << 3, PubAck = 1 << 4, PubRec = 1 << 5, PubRel = 1 << 6, PubComp = 1 << 7,
            Subscribe = 1 << 8, SubAck = 1 << 9, UnsubAck = 1 << 11, Disconnect = 1 << 14, Auth = 1 << 15, Will = 1 << WillPseudoType;
        var table = new ushort[0x2B];
        void Allow(MqttPropertyId id, int mask) => table[(int)id] = (ushort)mask;
        Allow(MqttPropertyId.PayloadFormatIndicator, Publish | Will);
        Allow(MqttPropertyId.MessageExpiryInterval, Publish | Will);
        Allow(MqttPropertyId.ContentType, Publish | Will);
        Allow(MqttPropertyId.ResponseTopic, Publish | Will);
        Allow(MqttPropertyId.CorrelationData, Publish | Will);
        Allow(MqttPropertyId.SubscriptionIdentifier, Publish | Subscribe);
        Allow(MqttPropertyId.SessionExpiryInterval, Connect | ConnAck | Disconnect);
        Allow(MqttPropertyId.AssignedClientIdentifier, ConnAck);
        Allow(MqttPropertyId.ServerKeepAlive, ConnAck);
        Allow(MqttPropertyId.AuthenticationMethod, Connect | ConnAck | Auth);
        Allow(MqttPropertyId.AuthenticationData, Connect | ConnAck | Auth);
        Allow(MqttPropertyId.RequestProblemInformation, Connect);
        Allow(MqttPropertyId.WillDelayInterval, Will);
        Allow(MqttPropertyId.RequestResponseInformation, Connect);
        Allow(MqttPropertyId.ResponseInformation, ConnAck);
        Allow(MqttPropertyId.ServerReference, ConnAck | Disconnect);
        Allow(MqttPropertyId.ReasonString, ConnAck | PubAck | PubRec | PubRel | PubComp | SubAck | UnsubAck | Disconnect | Auth);
        Allow(MqttPropertyId.ReceiveMaximum, Connect | ConnAck);
        Allow(MqttPropertyId.TopicAliasMaximum, Connect | ConnAck);
        Allow(MqttPropertyId.TopicAlias, Publish);
        Allow(MqttPropertyId.MaximumQos, ConnAck);
        Allow(MqttPropertyId.RetainAvailable, ConnAck);
        Allow(MqttPropertyId.UserProperty, 0xFFFF);
        Allow(MqttPropertyId.MaximumPacketSize, Connect | ConnAck);
        Allow(MqttPropertyId.WildcardSubscriptionAvailable, ConnAck);
        Allow(MqttPropertyId.SubscriptionIdentifierAvailable, ConnAck);
        Allow(MqttPropertyId.SharedSubscriptionAvailable, ConnAck);
        return table;
    }
}
