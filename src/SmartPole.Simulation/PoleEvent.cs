using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace SmartPole.Simulation;

/// <summary>An event a pole reports on <c>sp/{city}/{pole}/events</c> (QoS 1) as <c>{"ts","device","type","detail"}</c>.</summary>
/// <param name="Timestamp">When it happened.</param>
/// <param name="DeviceId">The device it concerns, e.g. <c>lamp-1</c>.</param>
/// <param name="Type">One of the contract's types: <c>lampFailure</c>, <c>doorOpened</c>, <c>tilt</c>, <c>sosPressed</c>, <c>impact</c>, <c>waterLeak</c>, <c>cameraTamper</c>.</param>
/// <param name="Detail">What an operator reads, or null.</param>
public sealed record PoleEvent(DateTimeOffset Timestamp, string DeviceId, string Type, string? Detail)
{
    // Details are read by operators: keep them legible, not \u-escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The wire JSON of this event (the timestamp in the frames' format, UTC with milliseconds).</summary>
    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("ts"u8, Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("device"u8, DeviceId);
            json.WriteString("type"u8, Type);
            if (Detail is not null)
            {
                json.WriteString("detail"u8, Detail);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
