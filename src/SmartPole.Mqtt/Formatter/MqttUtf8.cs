using System.Text;
using System.Text.Unicode;

namespace SmartPole.Mqtt.Formatter;

/// <summary>The UTF-8 rules every MQTT string obeys (3.1.1 §1.5.3, 5.0 §1.5.4).</summary>
internal static class MqttUtf8
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        // §1.5.4: ill-formed UTF-8 (including encoded surrogates and overlong forms) is malformed.
        if (!Utf8.IsValid(bytes))
        {
            throw new MqttProtocolException("String is not well-formed UTF-8", MqttReasonCode.MalformedPacket, Convert.ToHexString(bytes));
        }

        // [MQTT-1.5.4-2]: U+0000 must not appear; in valid UTF-8 it can only be the byte 0x00.
        if (bytes.Contains((byte)0))
        {
            throw new MqttProtocolException("String contains U+0000", MqttReasonCode.MalformedPacket, Convert.ToHexString(bytes));
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Bytes <paramref name="text"/> takes on the wire; throws when it cannot be an MQTT string.</summary>
    public static int GetByteCount(string text)
    {
        int count;
        try
        {
            count = Strict.GetByteCount(text);
        }
        catch (EncoderFallbackException e)
        {
            throw new MqttProtocolException($"String is not valid Unicode: {e.Message}", e);
        }

        if (count > ushort.MaxValue)
        {
            throw new MqttProtocolException("String longer than 65,535 bytes", MqttReasonCode.MalformedPacket, count);
        }

        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new MqttProtocolException("String contains U+0000", MqttReasonCode.MalformedPacket, text);
        }

        return count;
    }

    public static int GetBytes(string text, Span<byte> destination) => Strict.GetBytes(text, destination);
}
