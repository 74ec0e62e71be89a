using System.Buffers;
using SmartPole.Mqtt.Packets;

namespace SmartPole.Mqtt.Formatter;

/// <summary>
/// Writes packets for one connection. The variable header goes through a pooled scratch buffer
/// (its length must precede it); a PUBLISH payload is written straight to the output, never copied twice.
/// One encoder per connection, used by one writer at a time.
/// </summary>
internal sealed class MqttPacketEncoder(MqttProtocolVersion version = MqttProtocolVersion.V311) : IDisposable
{
    private readonly MqttBufferWriter _body = new();
    private readonly MqttBufferWriter _properties = new();

    /// <summary>The connection's protocol version.</summary>
    public MqttProtocolVersion Version { get; set; } = version;

    private bool V5 => Version == MqttProtocolVersion.V500;

    /// <summary>
    /// Encodes <paramref name="packet"/> into <paramref name="output"/> unless it would exceed
    /// <paramref name="maxPacketSize"/>; returns the packet's size, or 0 when it was too large and nothing was written.
    /// </summary>
    public int Encode(MqttPacket packet, IBufferWriter<byte> output, long maxPacketSize = long.MaxValue)
    {
        _body.Reset();
        var flags = 0;
        ReadOnlySpan<byte> payload = default;
        switch (packet)
        {
            case ConnectPacket connect: WriteConnect(connect); break;
            case ConnAckPacket connAck:
                _body.WriteByte(connAck.SessionPresent ? (byte)1 : (byte)0);
                _body.WriteByte(connAck.ReasonCode);
                WriteProperties(connAck.Properties);
                break;
            case PublishPacket publish:
                flags = (publish.Dup ? 0x08 : 0) | ((int)publish.Qos << 1) | (publish.Retain ? 0x01 : 0);
                _body.WriteString(publish.Topic);
                if (publish.Qos > 0)
                {
                    _body.WriteUInt16(publish.PacketId);
                }

                WriteProperties(publish.Properties);
                payload = publish.Payload.Span;
                break;
            case AckPacket ack:
                flags = ack.Type == MqttPacketType.PubRel ? 0x02 : 0;
                _body.WriteUInt16(ack.PacketId);

                // 5.0 §3.4.2.1: reason code 0 without properties may be left out.
                if (V5 && (ack.ReasonCode != MqttReasonCode.Success || ack.Properties is not null))
                {
                    _body.WriteByte((byte)ack.ReasonCode);
                    WriteProperties(ack.Properties);
                }

                break;
            case SubscribePacket subscribe:
                flags = 0x02;
                _body.WriteUInt16(subscribe.PacketId);
                WriteProperties(subscribe.Properties);
                foreach (var filter in subscribe.Filters)
                {
                    _body.WriteString(filter.Filter);
                    _body.WriteByte((byte)((int)filter.Qos
                        | (V5 && filter.NoLocal ? 0x04 : 0)
                        | (V5 && filter.RetainAsPublished ? 0x08 : 0)
                        | (V5 ? filter.RetainHandling << 4 : 0)));
                }

                break;
            case SubAckPacket subAck:
                _body.WriteUInt16(subAck.PacketId);
                WriteProperties(subAck.Properties);
                foreach (var code in subAck.ReasonCodes)
                {
                    // 3.1.1 knows only 0x00–0x02 and 0x80 (failure).
                    _body.WriteByte(V5 || (byte)code <= 2 ? (byte)code : (byte)0x80);
                }

                break;
            case UnsubscribePacket unsubscribe:
                flags = 0x02;
                _body.WriteUInt16(unsubscribe.PacketId);
                WriteProperties(unsubscribe.Properties);
                foreach (var filter in unsubscribe.Filters)
                {
                    _body.WriteString(filter);
                }

                break;
            case UnsubAckPacket unsubAck:
                _body.WriteUInt16(unsubAck.PacketId);
                WriteProperties(unsubAck.Properties);
                if (V5)
                {
                    foreach (var code in unsubAck.ReasonCodes)
                    {
                        _body.WriteByte((byte)code);
                    }
                }

                break;
            case PingReqPacket or PingRespPacket:
                break;
            case DisconnectPacket disconnect:
                if (V5 && (disconnect.ReasonCode != MqttReasonCode.Success || disconnect.Properties is not null))
                {
                    _body.WriteByte((byte)disconnect.ReasonCode);
                    WriteProperties(disconnect.Properties);
                }

                break;
            case AuthPacket auth:
                _body.WriteByte((byte)auth.ReasonCode);
                WriteProperties(auth.Properties);
                break;
            default:
                throw new ArgumentException($"Cannot encode {packet.GetType().Name}", nameof(packet));
        }

        var remainingLength = (uint)(_body.Length + payload.Length);
        var headerLength = 1 + MqttVariableByteInteger.Size(remainingLength);
        var total = headerLength + (int)remainingLength;
        if (total > maxPacketSize)
        {
            return 0;
        }

        var span = output.GetSpan(headerLength + _body.Length);
        span[0] = (byte)(((int)packet.Type << 4) | flags);
        MqttVariableByteInteger.Write(remainingLength, span[1..]);
        _body.WrittenSpan.CopyTo(span[headerLength..]);
        output.Advance(headerLength + _body.Length);
        if (!payload.IsEmpty)
        {
            output.Write(payload);
        }

        return total;
    }

    /// <summary>Hands the scratch buffers back to the pool while the connection has nothing to send.</summary>
    public void ReleaseBuffers()
    {
        _body.Release();
        _properties.Release();
    }

    public void Dispose() => ReleaseBuffers();

    private void WriteConnect(ConnectPacket connect)
    {
        _body.WriteString("MQTT");
        _body.WriteByte((byte)Version);
        var hasWill = connect.WillTopic is not null;
        var flags = (connect.CleanSession ? 0x02 : 0)
            | (hasWill ? 0x04 | ((int)connect.WillQos << 3) | (connect.WillRetain ? 0x20 : 0) : 0)
            | (connect.Password is not null ? 0x40 : 0)
            | (connect.Username is not null ? 0x80 : 0);
        _body.WriteByte((byte)flags);
        _body.WriteUInt16(connect.KeepAliveSeconds);
        WriteProperties(connect.Properties);
        _body.WriteString(connect.ClientId);
        if (hasWill)
        {
            WriteProperties(connect.WillProperties);
            _body.WriteString(connect.WillTopic!);
            _body.WriteBinary(connect.WillPayload ?? []);
        }

        if (connect.Username is not null)
        {
            _body.WriteString(connect.Username);
        }

        if (connect.Password is not null)
        {
            _body.WriteBinary(connect.Password);
        }
    }

    private void WriteProperties(MqttProperties? p)
    {
        if (!V5)
        {
            return;
        }

        var w = _properties;
        w.Reset();
        if (p is not null)
        {
            WriteByte(w, MqttPropertyId.PayloadFormatIndicator, p.PayloadFormatIndicator);
            WriteUInt32(w, MqttPropertyId.MessageExpiryInterval, p.MessageExpiryInterval);
            WriteString(w, MqttPropertyId.ContentType, p.ContentType);
            WriteString(w, MqttPropertyId.ResponseTopic, p.ResponseTopic);
            WriteBinary(w, MqttPropertyId.CorrelationData, p.CorrelationData);
            foreach (var id in p.SubscriptionIdentifiers ?? [])
            {
                w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier);
                w.WriteVariableByteInteger(id);
            }

            WriteUInt32(w, MqttPropertyId.SessionExpiryInterval, p.SessionExpiryInterval);
            WriteString(w, MqttPropertyId.AssignedClientIdentifier, p.AssignedClientIdentifier);
            WriteUInt16(w, MqttPropertyId.ServerKeepAlive, p.ServerKeepAlive);
            WriteString(w, MqttPropertyId.AuthenticationMethod, p.AuthenticationMethod);
            WriteBinary(w, MqttPropertyId.AuthenticationData, p.AuthenticationData);
            WriteByte(w, MqttPropertyId.RequestProblemInformation, p.RequestProblemInformation);
            WriteUInt32(w, MqttPropertyId.WillDelayInterval, p.WillDelayInterval);
            WriteByte(w, MqttPropertyId.RequestResponseInformation, p.RequestResponseInformation);
            WriteString(w, MqttPropertyId.ResponseInformation, p.ResponseInformation);
            WriteString(w, MqttPropertyId.ServerReference, p.ServerReference);
            WriteString(w, MqttPropertyId.ReasonString, p.ReasonString);
            WriteUInt16(w, MqttPropertyId.ReceiveMaximum, p.ReceiveMaximum);
            WriteUInt16(w, MqttPropertyId.TopicAliasMaximum, p.TopicAliasMaximum);
            WriteUInt16(w, MqttPropertyId.TopicAlias, p.TopicAlias);
            WriteByte(w, MqttPropertyId.MaximumQos, p.MaximumQos);
            WriteByte(w, MqttPropertyId.RetainAvailable, p.RetainAvailable);
            foreach (var (name, value) in p.UserProperties ?? [])
            {
                w.WriteByte((byte)MqttPropertyId.UserProperty);
                w.WriteString(name);
                w.WriteString(value);
            }

            WriteUInt32(w, MqttPropertyId.MaximumPacketSize, p.MaximumPacketSize);
            WriteByte(w, MqttPropertyId.WildcardSubscriptionAvailable, p.WildcardSubscriptionAvailable);
            WriteByte(w, MqttPropertyId.SubscriptionIdentifierAvailable, p.SubscriptionIdentifierAvailable);
            WriteByte(w, MqttPropertyId.SharedSubscriptionAvailable, p.SharedSubscriptionAvailable);
        }

        _body.WriteVariableByteInteger((uint)w.Length);
        _body.WriteBytes(w.WrittenSpan);
    }

    private static void WriteByte(MqttBufferWriter w, MqttPropertyId id, byte? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteByte(v);
        }
    }

    private static void WriteUInt16(MqttBufferWriter w, MqttPropertyId id, ushort? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteUInt16(v);
        }
    }

    private static void WriteUInt32(MqttBufferWriter w, MqttPropertyId id, uint? value)
    {
        if (value is { } v)
        {
            w.WriteByte((byte)id);
            w.WriteUInt32(v);
        }
    }

    private static void WriteString(MqttBufferWriter w, MqttPropertyId id, string? value)
    {
        if (value is not null)
        {
            w.WriteByte((byte)id);
            w.WriteString(value);
        }
    }

    private static void WriteBinary(MqttBufferWriter w, MqttPropertyId id, byte[]? value)
    {
        if (value is not null)
        {
            w.WriteByte((byte)id);
            w.WriteBinary(value);
        }
    }
}
