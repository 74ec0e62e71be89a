using SmartPole.Domain.Alarms;

namespace SmartPole.Domain.Poles;

/// <summary>A pole's live state at one moment: what the dashboard and the REST API show.</summary>
/// <param name="City">City id.</param>
/// <param name="Pole">Pole id.</param>
/// <param name="LastSeen">Timestamp of the newest applied frame, or null before the first.</param>
/// <param name="Seq">Sequence number of the newest applied frame.</param>
/// <param name="Frames">Frames applied since activation.</param>
/// <param name="LostFrames">Frames missing in the sequence (gaps), counted since activation.</param>
/// <param name="Duplicates">Duplicate frames dropped.</param>
/// <param name="Devices">Latest readings per device.</param>
/// <param name="Status">Online status (Unknown before first contact).</param>
/// <param name="Epoch">Gateway restarts seen.</param>
/// <param name="Alarms">Open alarms, or null when not filled in.</param>
public sealed record PoleSnapshot(
    string City,
    string Pole,
    DateTimeOffset? LastSeen,
    long Seq,
    long Frames,
    long LostFrames,
    long Duplicates,
    IReadOnlyList<DeviceSnapshot> Devices,
    PoleStatus Status = PoleStatus.Unknown,
    int Epoch = 0,
    IReadOnlyList<Alarm>? Alarms = null);
