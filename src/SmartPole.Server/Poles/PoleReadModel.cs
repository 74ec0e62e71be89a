using System.Collections.Concurrent;
using SmartPole.Domain.Poles;

namespace SmartPole.Server.Poles;

/// <summary>
/// The newest snapshot of every pole, as the live feed last published it: what pole lists and a
/// (re)joining dashboard read, so a page load never has to wake thousands of actors.
/// </summary>
internal sealed class PoleReadModel
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PoleSnapshot>> _byCity = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="snapshot"/> as the pole's newest state.</summary>
    public void Update(PoleSnapshot snapshot) =>
        _byCity.GetOrAdd(snapshot.City, _ => new(StringComparer.Ordinal))[snapshot.Pole] = snapshot;

    /// <summary>The newest snapshot of a pole, or null before its first frame.</summary>
    public PoleSnapshot? Find(string city, string pole) =>
        _byCity.TryGetValue(city, out var poles) ? poles.GetValueOrDefault(pole) : null;

    /// <summary>Every pole snapshot of a city.</summary>
    public IReadOnlyList<PoleSnapshot> OfCity(string city) =>
        _byCity.TryGetValue(city, out var poles) ? [.. poles.Values] : [];
}
