using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartPole.Domain.Poles;

/// <summary>Compact JSON for <see cref="PoleTwinState"/> (camelCase, no nulls, enums by name), source-generated.</summary>
public static partial class PoleTwinStateSerializer
{
    /// <summary>The state as UTF-8 JSON.</summary>
    public static byte[] Serialize(PoleTwinState state) => JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.PoleTwinState);

    /// <summary>The state from UTF-8 JSON written by <see cref="Serialize"/>.</summary>
    public static PoleTwinState Deserialize(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize(utf8, StateJsonContext.Default.PoleTwinState) ?? throw new JsonException("pole twin state is null");

    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UseStringEnumConverter = true)]
    [JsonSerializable(typeof(PoleTwinState))]
    private sealed partial class StateJsonContext : JsonSerializerContext;
}
