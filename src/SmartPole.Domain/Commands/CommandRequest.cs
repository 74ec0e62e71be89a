using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SmartPole.Domain.Commands;

/// <summary>A command for one device of a pole, sent as <c>{"device","action","args"}</c> on <c>sp/{city}/{pole}/cmd/{id}</c>.</summary>
/// <param name="Device">Device id, e.g. <c>lamp-1</c>.</param>
/// <param name="Action">Action, e.g. <c>dim</c>.</param>
/// <param name="Args">Arguments as JSON (any value), or null for none.</param>
public sealed record CommandRequest(string Device, string Action, JsonElement? Args = null)
{
    // Operators read these payloads in broker tools: keep Chinese text and quotes legible.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The wire payload.</summary>
    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(96);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("device"u8, Device);
            json.WriteString("action"u8, Action);
            if (Args is { ValueKind: not JsonValueKind.Undefined } args)
            {
                json.WritePropertyName("args"u8);
                args.WriteTo(json);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
