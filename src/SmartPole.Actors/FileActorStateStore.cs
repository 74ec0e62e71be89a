using System.Security.Cryptography;
using System.Text;

namespace SmartPole.Actors;

/// <summary>
/// Keeps each actor's state in its own file, <c>{directory}/{actorType}/{key}.state</c> (names
/// escaped so any key is safe). A write goes to a temporary file that is flushed to disk and then
/// renamed over the old one, so a crash leaves either the old state or the new, never a torn file.
/// </summary>
public sealed class FileActorStateStore : IActorStateStore
{
    private const string Extension = ".state";

    // Leaves room under the usual 255-byte file name limit for the extension and a temp suffix.
    private const int MaxEscapedLength = 180;

    private readonly string _directory;

    /// <summary>Stores state under <paramref name="directory"/>, created if missing.</summary>
    public FileActorStateStore(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        _directory = Path.GetFullPath(directory);
        Directory.CreateDirectory(_directory);
    }

    /// <inheritdoc />
    public async ValueTask<byte[]?> ReadAsync(string actorType, string key, CancellationToken ct)
    {
        try
        {
            return await File.ReadAllBytesAsync(PathOf(actorType, key), ct).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(string actorType, string key, ReadOnlyMemory<byte> state, CancellationToken ct)
    {
        var path = PathOf(actorType, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(state, ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true); // the rename must not reach the disk before the bytes do
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask ClearAsync(string actorType, string key, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        File.Delete(PathOf(actorType, key));
        return ValueTask.CompletedTask;
    }

    private string PathOf(string actorType, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(actorType);
        ArgumentNullException.ThrowIfNull(key);
        return Path.Combine(_directory, Escape(actorType), Escape(key) + Extension);
    }

    /// <summary>
    /// Lowercase letters, digits, '-' and '_' pass; every other UTF-8 byte becomes ~XX, so names cannot
    /// climb out of the directory or collide (not even on a case-insensitive file system).
    /// Over-long names become a SHA-256 of the key.
    /// </summary>
    private static string Escape(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterLower((char)b) || char.IsAsciiDigit((char)b) || b == '-' || b == '_')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('~').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        if (builder.Length == 0)
        {
            return "~";
        }

        return builder.Length <= MaxEscapedLength
            ? builder.ToString()
            : "~sha256~" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
    }
}
