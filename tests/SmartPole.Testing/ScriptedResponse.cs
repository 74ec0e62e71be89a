namespace SmartPole.Testing;

/// <summary>What a <see cref="ScriptedHttpServer"/> answers.</summary>
public sealed record ScriptedResponse(int Status, string Body = "", IReadOnlyDictionary<string, string>? Headers = null)
{
    /// <summary>204 No Content, InfluxDB's answer to a good write.</summary>
    public static ScriptedResponse NoContent { get; } = new(204);
}
