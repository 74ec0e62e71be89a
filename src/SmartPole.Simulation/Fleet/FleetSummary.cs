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
public sealed record FleetSummary(
    long FramesSent,
    long FramesAcked,
    long Errors,
    long Lines,
    long DataPoints,
    int Connections,
    int ConnectFailures,
    long CommandsAcked,
    double ElapsedSeconds)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Frames per second over the run so far.</summary>
    public double FramesPerSecond => ElapsedSeconds > 0 ? FramesSent / ElapsedSeconds : 0;

    /// <summary>The summary as indented camelCase JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a summary written by <see cref="ToJson"/>.</summary>
    public static FleetSummary? FromJson(string json) => JsonSerializer.Deserialize<FleetSummary>(json, Json);
}
