using System.Collections.Concurrent;
using System.Net;

namespace SmartPole.Registry;

/// <summary>
/// Counts failed MQTT logins per client address (the port is ignored: a scanner opens many). After
/// <see cref="RegistryOptions.MaxFailedLogins"/> failures within <see cref="RegistryOptions.FailedLoginWindow"/>
/// the address is locked out for <see cref="RegistryOptions.LoginLockout"/>; its attempts are then
/// refused without checking credentials, so guessing costs the guesser time and the platform nothing.
/// Thread-safe; memory is bounded by dropping quiet addresses.
/// </summary>
public sealed class LoginRateLimiter(RegistryOptions options, TimeProvider timeProvider)
{
    private const int MaxTracked = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>True when <paramref name="address"/> is locked out now.</summary>
    public bool IsLockedOut(EndPoint? address)
    {
        if (!_entries.TryGetValue(KeyOf(address), out var entry))
        {
            return false;
        }

        lock (entry)
        {
            return entry.LockedUntil > timeProvider.GetUtcNow();
        }
    }

    /// <summary>Counts a failed login from <paramref name="address"/>; returns true when this failure locked it out.</summary>
    public bool RecordFailure(EndPoint? address)
    {
        var now = timeProvider.GetUtcNow();
        if (_entries.Count >= MaxTracked)
        {
            Prune(now);
        }

        var entry = _entries.GetOrAdd(KeyOf(address), _ => new Entry());
        lock (entry)
        {
            while (entry.Failures.Count > 0 && now - entry.Failures.Peek() >= options.FailedLoginWindow)
            {
                entry.Failures.Dequeue();
            }

            entry.Failures.Enqueue(now);
            entry.LastSeen = now;
            if (entry.Failures.Count < options.MaxFailedLogins)
            {
                return false;
            }

            entry.Failures.Clear();
            entry.LockedUntil = now + options.LoginLockout;
            return true;
        }
    }

    /// <summary>Forgets the failures of <paramref name="address"/> after a successful login (a lock-out stands until it ends).</summary>
    public void RecordSuccess(EndPoint? address)
    {
        if (_entries.TryGetValue(KeyOf(address), out var entry))
        {
            lock (entry)
            {
                entry.Failures.Clear();
            }
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            bool quiet;
            lock (entry)
            {
                quiet = entry.LockedUntil <= now && now - entry.LastSeen >= options.FailedLoginWindow;
            }

            if (quiet)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private static string KeyOf(EndPoint? address) => address switch
    {
        IPEndPoint ip => (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(),
        null => "unknown",
        _ => address.ToString() ?? "unknown",
    };

    private sealed class Entry
    {
        public Queue<DateTimeOffset> Failures { get; } = new();

        public DateTimeOffset LockedUntil { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset LastSeen { get; set; }
    }
}
