using System.Text.Json;

namespace SmartPole.Simulation;

/// <summary>What a fleet run did, live or at the end; written as the simulator's <c>--summary</c> JSON (camelCase).</summary>
/// <param name="FramesSent">Telemetry frames handed to the MQTT client.</param>
/// <param name="FramesAcked">QoS 1 frames the broker acknowledged (PUBACK); 0 at QoS 0.</param>
/// <param name="Errors">Failed connects, failed publishes and lost acks.</param>
/// <param name="Lines">Device readings sent (one per device per frame).</param>
/// <param name="DataPoints">Metric values sent.</param>
/// <param name="Connections">Connections that were established.</param>
/// <param name="ConnectFailures">Connections that could not be established.</param>
/// <param name="CommandsAcked">Commands received on <c>cmd/{id}</c> and answered on <c>cmd/{id}/ack</c>.</param>
/// <param name="ElapsedSeconds">Seconds since the run started.</param>
/// <param name="CommandsFailed">Of <paramref name="CommandsAcked"/>, the acks that said <c>{"ok":false}</c> (refused or a simulated failure).</param>
/// <param name="Faults">Faults started (drawn at random or injected), malformed payloads included.</param>
/// <param name="Events">Events published on <c>sp/{city}/{pole}/events</c>.</param>
/// <param name="BadJsonSent">Telemetry payloads sent that are not JSON (not counted in <paramref name="FramesSent"/>).</param>
/// <param name="UnknownKindSent">Frames sent with a reading of an unknown device kind (not counted in <paramref name="FramesSent"/>).</param>
/// <param name="WrongTypeSent">Frames sent with a metric of the wrong type (not counted in <paramref name="FramesSent"/>).</param>
/// <param name="Reconnects">Connections made again after a lost connection or a gateway-drop fault.</param>
public sealed record FleetSummary(
    long FramesSent,
    long FramesAcked,
    long Errors,
    long Lines,
    long DataPoints,
    int Connections,
    int ConnectFailures,
    long CommandsAcked,
    double ElapsedSeconds,
    long CommandsFailed = 0,
    long Faults = 0,
    long Events = 0,
    long BadJsonSent = 0,
    long UnknownKindSent = 0,
    long WrongTypeSent = 0,
    long Reconnects = 0)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Frames per second over the run so far.</summary>
    public double FramesPerSecond => ElapsedSeconds > 0 ? FramesSent / ElapsedSeconds : 0;

    /// <summary>The summary as indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a summary written by <see cref="ToJson"/>.</summary>
    public static FleetSummary? FromJson(string json) => JsonSerializer.Deserialize<FleetSummary>(json, Json);
}
