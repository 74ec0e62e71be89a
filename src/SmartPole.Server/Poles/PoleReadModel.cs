using System.Collections.Concurrent;
using SmartPole.Domain.Incidents;
using SmartPole.Domain.Poles;

namespace SmartPole.Server.Poles;

/// <summary>
/// The newest snapshot of every pole, as the live feed last published it: what pole lists and a
/// (re)joining dashboard read, so a page load never has to wake thousands of actors.
/// </summary>
internal sealed class PoleReadModel
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PoleSnapshot>> _byCity = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PoleAlarm>> _alarmsByCity = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, PoleIncident>> _incidentsByCity = new(StringComparer.Ordinal);

    /// <summary>Records <paramref name="snapshot"/> as the pole's newest state.</summary>
    public void Update(PoleSnapshot snapshot) =>
        _byCity.GetOrAdd(snapshot.City, _ => new(StringComparer.Ordinal))[snapshot.Pole] = snapshot;

    /// <summary>The newest snapshot of a pole, or null before its first frame.</summary>
    public PoleSnapshot? Find(string city, string pole) =>
        _byCity.TryGetValue(city, out var poles) ? poles.GetValueOrDefault(pole) : null;

    /// <summary>Every pole snapshot of a city.</summary>
    public IReadOnlyList<PoleSnapshot> OfCity(string city) =>
        _byCity.TryGetValue(city, out var poles) ? [.. poles.Values] : [];

    /// <summary>Keeps the city's alarm and incident boards current from a twin event.</summary>
    public void Apply(TwinEvent change)
    {
        var incident = change switch
        {
            IncidentOpened opened => opened.Incident,
            IncidentUpdated updated => updated.Incident,
            IncidentClosed closed => closed.Incident,
            _ => null,
        };
        if (incident is not null)
        {
            ApplyIncident(change, incident);
            return;
        }

        var alarm = change switch
        {
            AlarmRaised raised => raised.Alarm,
            AlarmAcknowledged acknowledged => acknowledged.Alarm,
            AlarmCleared cleared => cleared.Alarm,
            _ => null,
        };
        if (alarm is null)
        {
            return;
        }

        var board = _alarmsByCity.GetOrAdd(change.City, _ => new(StringComparer.Ordinal));
        var key = change.Pole + "/" + alarm.Id;
        if (alarm.IsOpen)
        {
            board[key] = new PoleAlarm(change.Pole, alarm);
        }
        else
        {
            board.TryRemove(key, out _);
        }
    }

    private void ApplyIncident(TwinEvent change, Incident incident)
    {
        var board = _incidentsByCity.GetOrAdd(change.City, _ => new(StringComparer.Ordinal));
        if (incident.ClosedAt is null)
        {
            board[incident.Id] = new PoleIncident(change.Pole, incident);
        }
        else
        {
            board.TryRemove(incident.Id, out _);
        }
    }

    /// <summary>The open incidents of a city, newest first.</summary>
    public IReadOnlyList<PoleIncident> OpenIncidents(string city) =>
        _incidentsByCity.TryGetValue(city, out var board)
            ? [.. board.Values.OrderByDescending(i => i.Incident.OpenedAt)]
            : [];

    /// <summary>The open alarms of a city, most severe and newest first.</summary>
    public IReadOnlyList<PoleAlarm> OpenAlarms(string city) =>
        _alarmsByCity.TryGetValue(city, out var board)
            ? [.. board.Values.OrderByDescending(a => a.Alarm.Severity).ThenByDescending(a => a.Alarm.RaisedAt)]
            : [];
}
