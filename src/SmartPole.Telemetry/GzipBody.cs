using System.Buffers;
using System.IO.Compression;

namespace SmartPole.Telemetry;

/// <summary>A write body gzip-compressed (fastest level) into a pooled buffer, returned to the pool on dispose.</summary>
internal sealed class GzipBody : IDisposable
{
    private byte[]? _buffer;

    private GzipBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The compressed bytes (valid until disposed).</summary>
    public byte[] Buffer => _buffer ?? throw new ObjectDisposedException(nameof(GzipBody));

    /// <summary>
    /// Compresses <paramref name="body"/> into a pooled buffer as large as the body: line protocol shrinks several
    /// times under gzip; a body that would not shrink gives null (send it plain).
    /// </summary>
    public static GzipBody? TryCompress(ReadOnlyMemory<byte> body)
    {
        var rented = ArrayPool<byte>.Shared.Rent(body.Length + 64);
        try
        {
            var compressed = new MemoryStream(rented, 0, rented.Length, writable: true, publiclyVisible: true);
            using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                gzip.Write(body.Span);
            }

            return new GzipBody(rented, (int)compressed.Position);
        }
        catch (NotSupportedException)
        {
            ArrayPool<byte>.Shared.Return(rented);
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
