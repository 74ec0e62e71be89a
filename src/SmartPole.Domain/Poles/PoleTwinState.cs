using SmartPole.Domain.Alarms;
using SmartPole.Domain.Commands;
using SmartPole.Domain.Energy;
using SmartPole.Domain.Incidents;
using SmartPole.Domain.Lighting;

namespace SmartPole.Domain.Poles;

/// <summary>Everything a twin must keep across a restart; see <see cref="PoleTwinStateSerializer"/> for the bytes.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="LastSeq">Newest applied seq, -1 before the first.</param>
/// <param name="LastSeen">Timestamp of the newest applied frame.</param>
/// <param name="Frames">Frames applied.</param>
/// <param name="LostFrames">Frames counted as lost.</param>
/// <param name="Duplicates">Duplicates dropped.</param>
/// <param name="Epoch">Gateway restarts seen.</param>
/// <param name="Status">Online status.</param>
/// <param name="StatusSince">When the status last changed.</param>
/// <param name="LastHeard">When the platform last heard from the pole (its clock, not the pole's).</param>
/// <param name="Devices">Latest readings.</param>
/// <param name="OpenAlarms">Open alarms.</param>
/// <param name="AlarmHistory">Recently cleared alarms.</param>
/// <param name="NextAlarmId">Number of the next alarm id.</param>
/// <param name="OpenIncidents">Open incidents.</param>
/// <param name="ClosedIncidents">Recently closed incidents.</param>
/// <param name="NextIncidentId">Number of the next incident id.</param>
/// <param name="Commands">Open commands and recent finished ones.</param>
/// <param name="Energy">Meter states and daily energy.</param>
/// <param name="MaintenanceWindows">Current and future maintenance windows.</param>
/// <param name="LightingOverride">A calendar set for this pole alone, or null to follow the city.</param>
/// <param name="ConfigHash">Hash of the last desired config announced, 0 for none.</param>
public sealed record PoleTwinState(
    string City,
    string Pole,
    long LastSeq,
    DateTimeOffset? LastSeen,
    long Frames,
    long LostFrames,
    long Duplicates,
    int Epoch,
    PoleStatus Status,
    DateTimeOffset? StatusSince,
    DateTimeOffset? LastHeard,
    IReadOnlyList<DeviceState> Devices,
    IReadOnlyList<Alarm> OpenAlarms,
    IReadOnlyList<Alarm> AlarmHistory,
    int NextAlarmId,
    IReadOnlyList<Incident> OpenIncidents,
    IReadOnlyList<Incident> ClosedIncidents,
    int NextIncidentId,
    IReadOnlyList<CommandRecord> Commands,
    IReadOnlyList<EnergyMeterState> Energy,
    IReadOnlyList<MaintenanceWindow> MaintenanceWindows,
    LightingCalendar? LightingOverride,
    ulong ConfigHash);
