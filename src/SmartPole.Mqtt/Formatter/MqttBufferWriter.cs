using System.Buffers;
using System.Buffers.Binary;

namespace SmartPole.Mqtt.Formatter;

/// <summary>
/// A growable byte buffer rented from the shared pool, reused packet after packet by one encoder. Nothing is
/// rented until the first write, and <see cref="Release"/> hands the buffer back, so an idle connection holds none.
/// </summary>
internal sealed class MqttBufferWriter(int initialSize = 256) : IDisposable
{
    private byte[] _buffer = [];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteUInt16(ushort value)
    {
        Ensure(2);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), value);
        _length += 2;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteVariableByteInteger(uint value)
    {
        Ensure(4);
        _length += MqttVariableByteInteger.Write(value, _buffer.AsSpan(_length));
    }

    public void WriteString(string value)
    {
        var count = MqttUtf8.GetByteCount(value);
        Ensure(2 + count);
        BinaryPrimitives.WriteUInt16BigEndian(_buffer.AsSpan(_length), (ushort)count);
        MqttUtf8.GetBytes(value, _buffer.AsSpan(_length + 2));
        _length += 2 + count;
    }

    public void WriteBinary(ReadOnlySpan<byte> value)
    {
        if (value.Length > ushort.MaxValue)
        {
            throw new MqttProtocolException("Binary data longer than 65,535 bytes", MqttReasonCode.MalformedPacket, value.Length);
        }

        WriteUInt16((ushort)value.Length);
        WriteBytes(value);
    }

    public void WriteBytes(ReadOnlySpan<byte> value)
    {
        Ensure(value.Length);
        value.CopyTo(_buffer.AsSpan(_length));
        _length += value.Length;
    }

    /// <summary>Returns the buffer to the pool (the next write rents one again) and forgets what was written.</summary>
    public void Release()
    {
        _length = 0;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    public void Dispose() => Release();

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(Math.Max(_buffer.Length * 2, initialSize), _length + more));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = bigger;
    }
}
