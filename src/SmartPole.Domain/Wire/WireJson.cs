using System.Text.Json;

namespace SmartPole.Domain.Wire;

/// <summary>Small pieces of JSON reading shared by the pole → platform payload decoders.</summary>
internal static class WireJson
{
    /// <summary>
    /// Reads the value after a <c>detail</c> property: a string as it is, any other value as its raw
    /// JSON text (gateways send objects there too), null for JSON null.
    /// </summary>
    public static string? ReadDetail(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }
}
