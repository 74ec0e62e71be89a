namespace SmartPole.Mqtt.Formatter;

/// <summary>Variable Byte Integer (§1.5.5): seven bits per byte, high bit = more follows, at most four bytes.</summary>
internal static class MqttVariableByteInteger
{
    public const uint MaxValue = 268_435_455;

    public static int Size(uint value) => value switch
    {
        < 128 => 1,
        < 16_384 => 2,
        < 2_097_152 => 3,
        <= MaxValue => 4,
        _ => throw new MqttProtocolException("Value too large for a variable byte integer", MqttReasonCode.MalformedPacket, value),
    };

    public static int Write(uint value, Span<byte> destination)
    {
        if (value > MaxValue)
        {
            throw new MqttProtocolException("Value too large for a variable byte integer", MqttReasonCode.MalformedPacket, value);
        }

        var i = 0;
        do
        {
            var b = (byte)(value & 0x7F);
            value >>= 7;
            if (value > 0)
            {
                b |= 0x80;
            }

            destination[i++] = b;
        }
        while (value > 0);
        return i;
    }
}
