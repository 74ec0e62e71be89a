using Microsoft.Extensions.Logging;

namespace SmartPole.Mqtt.Broker;

/// <summary>
/// Keeps the broker's retained messages and persistent sessions in one file: loaded at start, written as a
/// whole snapshot every <see cref="MqttBrokerOptions.PersistenceInterval"/> when something changed, and at stop.
/// </summary>
/// <remarks>
/// Crash safety: each snapshot goes to a temporary file that is flushed to disk and then renamed over the
/// previous one (an atomic replace), so a crash leaves either the old or the new snapshot, never a mix. A file
/// that still fails its checks (cut short, bit rot, hand-edited) is moved aside and reported, and the broker
/// starts empty rather than not at all.
/// </remarks>
internal sealed class BrokerPersistence(MqttBroker broker, string path) : IDisposable
{
    private readonly Lock _saveGate = new();
    private ITimer? _timer;
    private int _changed;

    public string Path => path;

    /// <summary>Reads the file, if there is one; null when there is none or it is unusable (then it is reported and moved aside).</summary>
    public BrokerSnapshot? Load()
    {
        byte[] bytes;
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            broker.Log.StateUnreadable(e, path);
            return null;
        }

        try
        {
            var snapshot = BrokerSnapshot.ReadFrom(bytes);
            broker.Log.StateRestored(path, snapshot.Retained.Count, snapshot.Sessions.Count);
            return snapshot;
        }
        catch (InvalidDataException e)
        {
            // Kept for a post-mortem, and out of the way of the next snapshot.
            var aside = $"{path}.corrupt-{broker.TimeProvider.GetUtcNow():yyyyMMddTHHmmssZ}";
            try
            {
                File.Move(path, aside, overwrite: true);
            }
            catch (Exception moveFailure) when (moveFailure is IOException or UnauthorizedAccessException)
            {
                aside = "(left in place: " + moveFailure.Message + ")";
            }

            broker.Log.StateCorrupt(path, e.Message, aside);
            return null;
        }
    }

    /// <summary>Starts the periodic snapshots.</summary>
    public void Start(TimeSpan interval)
    {
        if (interval > TimeSpan.Zero)
        {
            _timer = broker.TimeProvider.CreateTimer(_ => SaveIfChanged(), null, interval, interval);
        }
    }

    /// <summary>Something that a snapshot holds has changed (cheap: called on the publish path).</summary>
    public void MarkChanged() => Volatile.Write(ref _changed, 1);

    /// <summary>Stops the periodic snapshots and writes the final one.</summary>
    public void Stop()
    {
        _timer?.Dispose();
        MarkChanged();
        SaveIfChanged();
    }

    public void Dispose() => _timer?.Dispose();

    private void SaveIfChanged()
    {
        lock (_saveGate)
        {
            if (Interlocked.Exchange(ref _changed, 0) == 0)
            {
                return;
            }

            var temporary = path + ".tmp";
            try
            {
                var snapshot = broker.CaptureState();
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
                using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024))
                {
                    snapshot.WriteTo(file);
                    file.Flush(flushToDisk: true);
                }

                File.Move(temporary, path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Try again at the next tick; the previous snapshot is still whole.
                MarkChanged();
                broker.Log.StateSaveFailed(e, path);
            }
        }
    }
}
