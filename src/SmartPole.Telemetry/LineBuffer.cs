using System.Buffers;
using System.Runtime.CompilerServices;

namespace SmartPole.Telemetry;

/// <summary>
/// A growable UTF-8 buffer that lines are formatted into. Unlike <see cref="ArrayBufferWriter{T}"/> behind
/// <see cref="IBufferWriter{T}"/>, appending a byte is a bounds check and a store, inlined: a line is some fifty
/// small appends, and the writer formats every point on the caller's thread.
/// </summary>
internal sealed class LineBuffer : IBufferWriter<byte>
{
    private byte[] _data;
    private int _length;

    public LineBuffer(int capacity) => _data = new byte[Math.Max(capacity, 16)];

    public int WrittenCount => _length;

    public ReadOnlySpan<byte> WrittenSpan => _data.AsSpan(0, _length);

    public ReadOnlyMemory<byte> WrittenMemory => _data.AsMemory(0, _length);

    /// <summary>The array behind the buffer (its first <see cref="WrittenCount"/> bytes are the content).</summary>
    public byte[] Array => _data;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Append(byte value)
    {
        var data = _data;
        var at = _length;
        if ((uint)at < (uint)data.Length)
        {
            data[at] = value;
            _length = at + 1;
            return;
        }

        AppendSlow(value);
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (_data.Length - _length < bytes.Length)
        {
            Grow(bytes.Length);
        }

        bytes.CopyTo(_data.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary>Drops everything written after <paramref name="length"/> bytes (a line that failed half-way).</summary>
    public void Truncate(int length) => _length = Math.Min(_length, length);

    public void Clear() => _length = 0;

    /// <inheritdoc />
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, _data.Length - _length);
        _length += count;
    }

    /// <inheritdoc />
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsMemory(_length);
    }

    /// <inheritdoc />
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _data.AsSpan(_length);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_data.Length - _length < needed)
        {
            Grow(needed);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void AppendSlow(byte value)
    {
        Grow(1);
        _data[_length++] = value;
    }

    private void Grow(int needed)
    {
        var size = (int)Math.Min(System.Array.MaxLength, Math.Max((long)_data.Length * 2, (long)_length + needed));
        System.Array.Resize(ref _data, size);
    }
}
