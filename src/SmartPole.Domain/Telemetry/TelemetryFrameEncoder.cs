using System.Buffers;
using System.Text.Json;

namespace SmartPole.Domain.Telemetry;

/// <summary>Writes a <see cref="TelemetryFrame"/> as wire-contract JSON (what gateways and the simulator send).</summary>
public static class TelemetryFrameEncoder
{
    /// <summary>Writes <paramref name="frame"/> into <paramref name="output"/> as UTF-8 JSON.</summary>
    public static void Write(TelemetryFrame frame, IBufferWriter<byte> output)
    {
        using var json = new Utf8JsonWriter(output);
        json.WriteStartObject();
        json.WriteString("ts"u8, frame.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
        json.WriteNumber("seq"u8, frame.Seq);
        json.WriteStartArray("devices"u8);
        foreach (var device in frame.Devices)
        {
            json.WriteStartObject();
            json.WriteString("id"u8, device.DeviceId);
            json.WriteString("kind"u8, MetricCatalog.WireName(device.Kind));
            json.WriteStartObject("m"u8);
            foreach (var metric in device.Metrics)
            {
                switch (metric.Value.Type)
                {
                    case MetricType.Boolean:
                        json.WriteBoolean(metric.Name, metric.Value.AsBoolean());
                        break;
                    case MetricType.Integer:
                        json.WriteNumber(metric.Name, metric.Value.AsInteger());
                        break;
                    default:
                        json.WriteNumber(metric.Name, metric.Value.AsDouble());
                        break;
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Returns <paramref name="frame"/> as UTF-8 JSON bytes.</summary>
    public static byte[] ToUtf8(TelemetryFrame frame)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        Write(frame, buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
