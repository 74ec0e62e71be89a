using System.Text.Json;
using SmartPole.Domain.Wire;

namespace SmartPole.Domain.Commands;

/// <summary>Decodes a pole's answer <c>{"ok":bool,"detail"}</c> on <c>cmd/{id}/ack</c>.</summary>
public static class CommandAckDecoder
{
    /// <summary>Decodes <paramref name="payload"/>; false with a reason when it is not an ack of the contract.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> payload, out bool ok, out string? detail, out string? error)
    {
        ok = false;
        detail = null;
        bool? sawOk = null;
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "an ack must be a JSON object {\"ok\":bool,\"detail\"}";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("ok"u8))
                {
                    reader.Read();
                    if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False))
                    {
                        error = "'ok' must be true or false";
                        return false;
                    }

                    sawOk = reader.TokenType == JsonTokenType.True;
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

        if (sawOk is null)
        {
            detail = null;
            error = "an ack needs 'ok'";
            return false;
        }

        ok = sawOk.Value;
        error = null;
        return true;
    }
}
