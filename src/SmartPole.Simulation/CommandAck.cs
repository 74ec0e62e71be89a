using System.Buffers;
using System.Text.Json;

namespace SmartPole.Simulation;

/// <summary>A pole's answer to a command, sent on <c>sp/{city}/{pole}/cmd/{id}/ack</c> as <c>{"ok":bool,"detail":…}</c>.</summary>
/// <param name="Ok">True when the command was applied.</param>
/// <param name="Detail">Why it was refused, or null.</param>
public sealed record CommandAck(bool Ok, string? Detail = null)
{
    /// <summary>The answer to an applied command.</summary>
    public static CommandAck Applied { get; } = new(true);

    /// <summary>A refusal with its reason.</summary>
    public static CommandAck Failed(string detail) => new(false, detail);

    // Details are read by operators and may quote ids or Chinese text: keep them legible, not \u-escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The wire JSON of this answer.</summary>
    public byte[] ToUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteBoolean("ok"u8, Ok);
            if (Detail is not null)
            {
                json.WriteString("detail"u8, Detail);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
