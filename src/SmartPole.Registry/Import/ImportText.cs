using System.Buffers;
using System.Text.Unicode;

namespace SmartPole.Registry.Import;

/// <summary>
/// Reads an import file as UTF-8 text within the size cap. Anything else is refused with a
/// message a field team can act on: a file over the cap (read no further than one byte past it),
/// UTF-16 (what some spreadsheet tools save as "Unicode text"), bytes that are not UTF-8 (GBK or
/// Latin-1 exports), and NUL bytes (a binary file).
/// </summary>
internal static class ImportText
{
    public static async Task<string> ReadAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        var bytes = await ReadCappedAsync(content, maxBytes, cancellationToken);
        return Decode(bytes);
    }

    internal static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            throw new ImportRejectedException("The file is UTF-16 (\"Unicode text\"); save it as UTF-8 (\"CSV UTF-8\") and import again.");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        var nul = bytes.IndexOf((byte)0);
        if (nul >= 0)
        {
            throw new ImportRejectedException($"The file contains a NUL byte at line {LineAt(bytes, nul)} (byte {nul}): it is not a text file.");
        }

        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status != OperationStatus.Done)
        {
            throw new ImportRejectedException(
                $"The file is not valid UTF-8 at line {LineAt(bytes, read)} (byte {read}); it may be GBK/GB18030 or Latin-1. Save it as UTF-8 and import again.");
        }

        return new string(chars, 0, written);
    }

    private static async Task<byte[]> ReadCappedAsync(Stream content, long maxBytes, CancellationToken cancellationToken)
    {
        if (content.CanSeek && content.Length - content.Position > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int n;
            while ((n = await content.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + n > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                buffer.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private static ImportRejectedException TooLarge(long maxBytes) =>
        new($"The file is larger than Registry:MaxImportBytes ({maxBytes} bytes); split it into smaller files.");

    private static int LineAt(ReadOnlySpan<byte> bytes, int offset) => bytes[..offset].Count((byte)'\n') + 1;
}
