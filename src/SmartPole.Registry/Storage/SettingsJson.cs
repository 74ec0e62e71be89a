using System.Text.Json;
using System.Text.Json.Serialization;

namespace SmartPole.Registry.Storage;

/// <summary>How <see cref="CitySettings"/> is stored: one JSON column, so a new setting needs no migration.</summary>
internal static class SettingsJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Write(CitySettings settings) => JsonSerializer.Serialize(settings, Options);

    public static CitySettings Read(string json) => JsonSerializer.Deserialize<CitySettings>(json, Options) ?? CitySettings.Default;
}
