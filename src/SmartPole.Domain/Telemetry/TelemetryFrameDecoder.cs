using System.Buffers;
using System.Text;
using System.Text.Json;
using SmartPole.Domain.Poles;

namespace SmartPole.Domain.Telemetry;

/// <summary>
/// Decodes TelemetryFrame JSON (wire contract v1) straight from UTF-8 bytes. A payload that is not a
/// frame is refused whole; a device reading of an unknown kind or with a value of the wrong type is
/// refused alone and the rest of the frame goes on; an unknown metric of a known kind is kept as float.
/// </summary>
public static class TelemetryFrameDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    private static readonly (byte[] Utf8, DeviceKind Kind)[] KindNames =
        [.. MetricCatalog.Kinds.Select(k => (Encoding.UTF8.GetBytes(MetricCatalog.WireName(k)), k))];

    private static readonly byte[][][] MetricNamesByKind = BuildMetricNames();

    // Scratch lists reused by every decode on a thread: the decoder never re-enters itself, and what
    // leaves a decode is copied out into exact-size arrays.
    [ThreadStatic]
    private static List<DeviceReading>? ScratchDevices;

    [ThreadStatic]
    private static List<RawMetric>? ScratchMetrics;

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
        // Devices gather in a per-thread scratch list and leave as one exact-size array; refusals are rare.
        var devices = ScratchDevices ??= new List<DeviceReading>(16);
        devices.Clear();
        List<RejectedReading>? rejected = null;
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
                        (rejected ??= []).Add(outcome.Rejected!);
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
            Frame = new TelemetryFrame(ts.Value, seq.Value, devices.Count == 0 ? [] : devices.ToArray()),
            Rejected = (IReadOnlyList<RejectedReading>?)rejected ?? [],
            UnknownMetrics = unknownMetrics,
        };
    }

    private static DeviceOutcome DecodeDevice(ref Utf8JsonReader reader)
    {
        string? id = null;
        string? kindName = null;
        DeviceKind? kindRead = null;
        List<RawMetric>? raw = null;
        string? structureError = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    id = ReadDeviceId(ref reader);
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
                    // The catalog's wire names are matched as UTF-8; only an unknown kind becomes a string (for its message).
                    kindRead = MatchKind(ref reader);
                    kindName = kindRead is { } known ? MetricCatalog.WireName(known) : reader.GetString();
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

                raw = ReadRawMetrics(ref reader, kindRead);
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

        if (kindRead is not { } kind)
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
            // A name matched against the kind in force when "m" was read is the catalog's own
            // string; any other (kind after "m", kind given twice, unknown name) is looked up as before.
            var definition = r.Kind == kind ? r.Definition : null;
            if (definition is not null || MetricCatalog.TryGetMetric(kind, r.Name, out definition))
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

    // The reader is on the id string. Ids repeat across poles and frames, so an id already shared is
    // found from a stack copy of its characters and no string is made.
    private static string ReadDeviceId(ref Utf8JsonReader reader)
    {
        const int MaxStackChars = 128;
        var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (length <= MaxStackChars)
        {
            Span<char> chars = stackalloc char[MaxStackChars];
            var written = reader.CopyString(chars);
            if (DeviceIds.TryGetShared(chars[..written], out var shared))
            {
                return shared;
            }
        }

        return DeviceIds.Share(reader.GetString()!);
    }

    private static DeviceKind? MatchKind(ref Utf8JsonReader reader)
    {
        foreach (var (utf8, kind) in KindNames)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return kind;
            }
        }

        return null;
    }

    private static List<RawMetric> ReadRawMetrics(ref Utf8JsonReader reader, DeviceKind? kind)
    {
        var raw = ScratchMetrics ??= new List<RawMetric>(16);
        raw.Clear();
        var definitions = kind is { } k ? MetricCatalog.Ordered(k) : null;
        var names = kind is { } n ? MetricNamesByKind[(int)n] : null;
        var next = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Gateways send metrics in catalog order, so the match is tried at the next position first.
            var index = names is null ? -1 : MatchName(ref reader, names, next);
            MetricDefinition? definition = null;
            string name;
            if (index >= 0)
            {
                definition = definitions![index];
                name = definition.Name;
                next = index + 1;
            }
            else
            {
                name = reader.GetString()!;
            }

            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    var isInteger = reader.TryGetInt64(out var integer);
                    raw.Add(new RawMetric(name, kind, definition, JsonTokenType.Number, reader.GetDouble(), isInteger ? integer : null));
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    raw.Add(new RawMetric(name, kind, definition, reader.TokenType, reader.TokenType == JsonTokenType.True ? 1 : 0, null));
                    break;
                default:
                    raw.Add(new RawMetric(name, kind, definition, reader.TokenType, 0, null));
                    reader.Skip();
                    break;
            }
        }

        return raw;
    }

    private static int MatchName(ref Utf8JsonReader reader, byte[][] names, int start)
    {
        for (var i = 0; i < names.Length; i++)
        {
            var at = start + i < names.Length ? start + i : start + i - names.Length;
            if (reader.ValueTextEquals(names[at]))
            {
                return at;
            }
        }

        return -1;
    }

    private static byte[][][] BuildMetricNames()
    {
        var byKind = new byte[MetricCatalog.Kinds.Max(k => (int)k) + 1][][];
        foreach (var kind in MetricCatalog.Kinds)
        {
            byKind[(int)kind] = [.. MetricCatalog.Ordered(kind).Select(m => Encoding.UTF8.GetBytes(m.Name))];
        }

        return byKind;
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

    private readonly record struct RawMetric(string Name, DeviceKind? Kind, MetricDefinition? Definition, JsonTokenType Token, double Number, long? Integer)
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
