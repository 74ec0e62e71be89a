using System.Globalization;
using System.Text.Json;
using SmartPole.Domain.Wire;

namespace SmartPole.Domain.Alarms;

/// <summary>Decodes the <c>events</c> topic payload <c>{"ts","device","type","detail"}</c>.</summary>
public static class PoleEventDecoder
{
    /// <summary>The event types of wire contract v1.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = ["lampFailure", "doorOpened", "tilt", "sosPressed", "impact", "waterLeak", "cameraTamper"];

    /// <summary>
    /// Decodes <paramref name="payload"/>. Returns false with a reason for operators when it is not
    /// an event of the contract (bad JSON, missing or mistyped field, unknown type). A
    /// <c>detail</c> that is not a string is kept as its JSON text.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out PoleEvent? decoded, out string? error)
    {
        decoded = null;
        DateTimeOffset? ts = null;
        string? device = null;
        string? type = null;
        string? detail = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "an event must be a JSON object";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("ts"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String ||
                        !DateTimeOffset.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                    {
                        error = "'ts' must be an ISO 8601 timestamp";
                        return false;
                    }

                    ts = parsed;
                }
                else if (reader.ValueTextEquals("device"u8))
                {
                    reader.Read();
                    device = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    if (string.IsNullOrEmpty(device))
                    {
                        error = "'device' must be a non-empty string";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                    if (type is null)
                    {
                        error = "'type' must be a string";
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("detail"u8))
                {
                    detail = WireJson.ReadDetail(ref reader);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException e)
        {
            error = $"invalid JSON: {e.Message}";
            return false;
        }

        if (ts is null || device is null || type is null)
        {
            error = "an event needs 'ts', 'device' and 'type'";
            return false;
        }

        if (AlarmTypes.ForEvent(type) is null)
        {
            error = $"unknown event type '{type}' (known: {string.Join(", ", KnownTypes)})";
            return false;
        }

        decoded = new PoleEvent(ts.Value, device, type, detail);
        error = null;
        return true;
    }
}
