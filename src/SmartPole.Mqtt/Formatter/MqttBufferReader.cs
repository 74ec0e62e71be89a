using System.Buffers;
using System.Buffers.Binary;

namespace SmartPole.Mqtt.Formatter;

/// <summary>
/// Reads MQTT data types (§1.5) from a packet body held in a <see cref="ReadOnlySequence{T}"/>, so a
/// packet split across pipe segments is read in place. Running out of bytes is a malformed packet.
/// </summary>
internal ref struct MqttBufferReader
{
    private SequenceReader<byte> _reader;

    public MqttBufferReader(ReadOnlySequence<byte> buffer) => _reader = new SequenceReader<byte>(buffer);

    public readonly long Remaining => _reader.Remaining;

    public readonly bool End => _reader.End;

    public byte ReadByte()
    {
        if (!_reader.TryRead(out var value))
        {
            throw Truncated();
        }

        return value;
    }

    public ushort ReadUInt16()
    {
        if (!_reader.TryReadBigEndian(out short value))
        {
            throw Truncated();
        }

        return (ushort)value;
    }

    public uint ReadUInt32()
    {
        if (!_reader.TryReadBigEndian(out int value))
        {
            throw Truncated();
        }

        return (uint)value;
    }

    /// <summary>Variable Byte Integer (§1.5.5): at most four bytes, so at most 268,435,455.</summary>
    public uint ReadVariableByteInteger()
    {
        uint value = 0;
        for (var i = 0; i < 4; i++)
        {
            var b = ReadByte();
            value |= (uint)(b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }

        throw new MqttProtocolException("Variable byte integer longer than four bytes", MqttReasonCode.MalformedPacket);
    }

    /// <summary>Binary Data (§1.5.6): two-byte length, then the bytes (copied: the receive buffer is reused).</summary>
    public byte[] ReadBinary() => ReadBytes(ReadUInt16());

    public byte[] ReadBytes(int length)
    {
        if (_reader.Remaining < length)
        {
            throw Truncated();
        }

        var bytes = GC.AllocateUninitializedArray<byte>(length);
        _reader.TryCopyTo(bytes);
        _reader.Advance(length);
        return bytes;
    }

    /// <summary>UTF-8 Encoded String (§1.5.4): well-formed UTF-8 with no U+0000.</summary>
    public string ReadString()
    {
        int length = ReadUInt16();
        if (_reader.Remaining < length)
        {
            throw Truncated();
        }

        var unread = _reader.UnreadSpan;
        if (unread.Length >= length)
        {
            var text = MqttUtf8.Decode(unread[..length]);
            _reader.Advance(length);
            return text;
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _reader.TryCopyTo(rented.AsSpan(0, length));
            _reader.Advance(length);
            return MqttUtf8.Decode(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// A PUBLISH topic name: from <paramref name="cache"/> when its bytes are a topic read before
    /// (<paramref name="known"/> true: already checked), else read as a UTF-8 string still to be checked.
    /// </summary>
    public string ReadTopicName(MqttTopicCache cache, out bool known)
    {
        var head = _reader.UnreadSpan;
        if (head.Length >= 2)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(head);
            if (head.Length >= 2 + length && cache.TryGet(head.Slice(2, length), out var topic))
            {
                _reader.Advance(2 + length);
                known = true;
                return topic;
            }
        }

        known = false;
        return ReadString();
    }

    /// <summary>A reader over the next <paramref name="length"/> bytes (a property block), advancing past them.</summary>
    public MqttBufferReader ReadBlock(int length)
    {
        if (_reader.Remaining < length)
        {
            throw Truncated();
        }

        var block = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return new MqttBufferReader(block);
    }

    /// <summary>Everything left (the PUBLISH payload), copied out of the receive buffer.</summary>
    public byte[] ReadRemainingBytes() => ReadBytes((int)_reader.Remaining);

    private static MqttProtocolException Truncated() =>
        new("Packet ends before its fields do", MqttReasonCode.MalformedPacket);
}
