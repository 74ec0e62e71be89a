using System.Buffers;
using System.Text.Json;

namespace SmartPole.Domain.Telemetry;

/// <summary>
/// Decodes TelemetryFrame JSON (wire contract v1) straight from UTF-8 bytes. A payload that is not a
/// frame is refused whole; a device reading of an unknown kind or with a value of the wrong type is
/// refused alone and the rest of the frame goes on; an unknown metric of a known kind is kept as float.
/// </summary>
public static class TelemetryFrameDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    /// <summary>Decodes one payload.</summary>
    public static FrameDecodeResult Decode(ReadOnlySequence<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        return Decode(ref reader);
    }

    /// <summary>Decodes one payload.</summary>
    public static FrameDecodeResult Decode(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, ReaderOptions);
        return Decode(ref reader);
    }

    private static FrameDecodeResult Decode(ref Utf8JsonReader reader)
    {
        try
        {
            return DecodeFrame(ref reader);
        }
        catch (JsonException e)
        {
            return new FrameDecodeResult { Error = $"invalid JSON: {e.Message}" };
        }
        catch (FormatException e)
        {
            return new FrameDecodeResult { Error = $"invalid JSON: {e.Message}" };
        }
    }

    private static FrameDecodeResult DecodeFrame(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return new FrameDecodeResult { Error = "a telemetry frame must be a JSON object" };
        }

        DateTimeOffset? ts = null;
        long? seq = null;
        var devices = new List<DeviceReading>();
        var rejected = new List<RejectedReading>();
        var unknownMetrics = 0;
        var sawDevices = false;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("ts"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var parsed))
                {
                    return new FrameDecodeResult { Error = "'ts' must be an ISO 8601 timestamp string" };
                }

                ts = parsed;
            }
            else if (reader.ValueTextEquals("seq"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var parsed) || parsed < 0)
                {
                    return new FrameDecodeResult { Error = "'seq' must be a non-negative integer" };
                }

                seq = parsed;
            }
            else if (reader.ValueTextEquals("devices"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    return new FrameDecodeResult { Error = "'devices' must be an array" };
                }

                sawDevices = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return new FrameDecodeResult { Error = "each entry of 'devices' must be an object" };
                    }

                    var outcome = DecodeDevice(ref reader);
                    unknownMetrics += outcome.UnknownMetrics;
                    if (outcome.Reading is not null)
                    {
                        devices.Add(outcome.Reading);
                    }
                    else
                    {
                        rejected.Add(outcome.Rejected!);
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (ts is null || seq is null || !sawDevices)
        {
            var missing = string.Join(", ", new[] { ts is null ? "ts" : null, seq is null ? "seq" : null, sawDevices ? null : "devices" }.OfType<string>());
            return new FrameDecodeResult { Error = $"missing {missing}" };
        }

        return new FrameDecodeResult
        {
            Frame = new TelemetryFrame(ts.Value, seq.Value, devices),
            Rejected = rejected,
            UnknownMetrics = unknownMetrics,
        };
    }

    private static DeviceOutcome DecodeDevice(ref Utf8JsonReader reader)
    {
        string? id = null;
        string? kindName = null;
        List<RawMetric>? raw = null;
        string? structureError = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    id = reader.GetString();
                }
                else
                {
                    structureError ??= "'id' must be a string";
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("kind"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    kindName = reader.GetString();
                }
                else
                {
                    structureError ??= "'kind' must be a string";
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("m"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    structureError ??= "'m' must be an object of metric values";
                    reader.Skip();
                    continue;
                }

                raw = ReadRawMetrics(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        var deviceId = id ?? "";
        if (structureError is not null)
        {
            return DeviceOutcome.Refuse(deviceId, structureError);
        }

        if (string.IsNullOrEmpty(id))
        {
            return DeviceOutcome.Refuse(deviceId, "device without 'id'");
        }

        if (kindName is null || !MetricCatalog.TryGetKind(kindName, out var kind))
        {
            return DeviceOutcome.Refuse(deviceId, kindName is null ? "device without 'kind'" : $"unknown device kind '{kindName}'");
        }

        if (raw is null)
        {
            return DeviceOutcome.Refuse(deviceId, "device without metrics 'm'");
        }

        var metrics = new Metric[raw.Count];
        var unknown = 0;
        for (var i = 0; i < raw.Count; i++)
        {
            var r = raw[i];
            if (MetricCatalog.TryGetMetric(kind, r.Name, out var definition))
            {
                if (!TryConvert(r, definition.Type, out var value))
                {
                    return DeviceOutcome.Refuse(deviceId, $"metric '{r.Name}' of {kindName} must be {Describe(definition.Type)}, got {r.Describe()}");
                }

                metrics[i] = new Metric(definition.Name, value);
            }
            else
            {
                if (!TryConvert(r, MetricType.Float, out var value))
                {
                    return DeviceOutcome.Refuse(deviceId, $"unknown metric '{r.Name}' of {kindName} must be a number, got {r.Describe()}");
                }

                metrics[i] = new Metric(r.Name, value, Known: false);
                unknown++;
            }
        }

        return new DeviceOutcome(new DeviceReading(id, kind, metrics), null, unknown);
    }

    private static List<RawMetric> ReadRawMetrics(ref Utf8JsonReader reader)
    {
        var raw = new List<RawMetric>(8);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    var isInteger = reader.TryGetInt64(out var integer);
                    raw.Add(new RawMetric(name, JsonTokenType.Number, reader.GetDouble(), isInteger ? integer : null));
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    raw.Add(new RawMetric(name, reader.TokenType, reader.TokenType == JsonTokenType.True ? 1 : 0, null));
                    break;
                default:
                    raw.Add(new RawMetric(name, reader.TokenType, 0, null));
                    reader.Skip();
                    break;
            }
        }

        return raw;
    }

    private static bool TryConvert(RawMetric raw, MetricType type, out MetricValue value)
    {
        value = default;
        switch (type)
        {
            case MetricType.Boolean when raw.Token is JsonTokenType.True or JsonTokenType.False:
                value = MetricValue.FromBoolean(raw.Token == JsonTokenType.True);
                return true;
            case MetricType.Boolean when raw.Integer is 0 or 1:
                value = MetricValue.FromBoolean(raw.Integer == 1);
                return true;
            case MetricType.Integer when raw.Integer is { } integer:
                value = MetricValue.FromInteger(integer);
                return true;
            case MetricType.Float when raw.Token == JsonTokenType.Number:
                value = MetricValue.FromFloat(raw.Number);
                return true;
            case MetricType.Float when raw.Token is JsonTokenType.True or JsonTokenType.False:
                // Only for unknown metrics: the contract keeps them as float.
                value = MetricValue.FromFloat(raw.Number);
                return true;
            default:
                return false;
        }
    }

    private static string Describe(MetricType type) => type switch
    {
        MetricType.Boolean => "a boolean (true/false or 1/0)",
        MetricType.Integer => "an integer",
        _ => "a number",
    };

    private readonly record struct RawMetric(string Name, JsonTokenType Token, double Number, long? Integer)
    {
        public string Describe() => Token switch
        {
            JsonTokenType.Number => Integer is { } i ? $"the number {i}" : $"the number {Number}",
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            JsonTokenType.String => "a string",
            JsonTokenType.Null => "null",
            JsonTokenType.StartArray => "an array",
            _ => "an object",
        };
    }

    private readonly record struct DeviceOutcome(DeviceReading? Reading, RejectedReading? Rejected, int UnknownMetrics)
    {
        public static DeviceOutcome Refuse(string deviceId, string reason) => new(null, new RejectedReading(deviceId, reason), 0);
    }
}
