using System.Buffers;

namespace SmartPole.Telemetry;

/// <summary>Gathers lines of one precision into the body of the next <see cref="WriteBatch"/>.</summary>
internal sealed class BatchBuilder
{
    private ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private List<int> _starts = [0];
    private WritePrecision _precision;

    public int Count => _starts.Count - 1;

    /// <summary>Whether a point of <paramref name="precision"/> may join this batch (a batch has one precision).</summary>
    public bool Accepts(WritePrecision precision) => Count == 0 || precision == _precision;

    public void Add(PointData point, DateTimeOffset enqueuedAt)
    {
        if (Count == 0)
        {
            _precision = point.Precision;
        }

        point.WriteLineProtocol(_buffer, _precision, enqueuedAt);
        var newline = _buffer.GetSpan(1);
        newline[0] = (byte)'\n';
        _buffer.Advance(1);
        _starts.Add(_buffer.WrittenCount);
    }

    public WriteBatch Build(long sequence)
    {
        var batch = new WriteBatch(_buffer.WrittenSpan.ToArray(), [.. _starts], _precision, sequence);
        _buffer = new ArrayBufferWriter<byte>(Math.Max(64 * 1024, batch.ByteCount));
        _starts = [0];
        return batch;
    }
}
