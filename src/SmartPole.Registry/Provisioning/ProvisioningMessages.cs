using System.Buffers;
using System.Text.Json;

namespace SmartPole.Registry.Provisioning;

/// <summary>
/// The provisioning payloads of the wire contract. Request on <c>sp/{city}/provision</c>:
/// <c>{"requestId","provisionKey","poles":[…]}</c>. Answer on <c>sp/{city}/provision/{requestId}</c>:
/// <c>{"requestId","ok":true,"username","password","poles":[…]}</c> or
/// <c>{"requestId","ok":false,"pending":bool,"reason"}</c>.
/// </summary>
public static class ProvisioningMessages
{
    /// <summary>Most poles one gateway may ask for.</summary>
    public const int MaxPoles = 1000;

    /// <summary>Parses a request; false with a reason when it is not one.</summary>
    public static bool TryParseRequest(ReadOnlySpan<byte> payload, out ProvisionRequest? request, out string? error)
    {
        request = null;
        try
        {
            using var document = JsonDocument.Parse(payload.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("requestId", out var id) || id.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("provisionKey", out var key) || key.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("poles", out var poles) || poles.ValueKind != JsonValueKind.Array)
            {
                error = "expected {\"requestId\":string,\"provisionKey\":string,\"poles\":[string,…]}";
                return false;
            }

            if (poles.GetArrayLength() is 0 or > MaxPoles || poles.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String))
            {
                error = $"\"poles\" must hold 1 to {MaxPoles} pole ids";
                return false;
            }

            request = new ProvisionRequest(id.GetString()!, key.GetString()!, poles.EnumerateArray().Select(p => p.GetString()!).ToList());
            error = null;
            return true;
        }
        catch (JsonException e)
        {
            error = "not JSON: " + e.Message;
            return false;
        }
    }

    /// <summary>The answer's payload. It carries a password when issued: publish it only to the requester's own topic.</summary>
    public static byte[] Answer(ProvisionResult result, IReadOnlyList<string> poles)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(poles);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("requestId"u8, result.RequestId);
            json.WriteBoolean("ok"u8, result.Credential is not null);
            if (result.Credential is { } credential)
            {
                json.WriteString("username"u8, credential.Username);
                json.WriteString("password"u8, credential.Password);
                json.WriteStartArray("poles"u8);
                foreach (var pole in poles)
                {
                    json.WriteStringValue(pole);
                }

                json.WriteEndArray();
            }
            else
            {
                json.WriteBoolean("pending"u8, result.Pending);
                json.WriteString("reason"u8, result.Refusal);
            }

            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
