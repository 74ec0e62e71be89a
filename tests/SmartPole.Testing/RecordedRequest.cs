namespace SmartPole.Testing;

/// <summary>A request a <see cref="ScriptedHttpServer"/> received; <see cref="Body"/> is gunzipped when it was sent gzip-encoded.</summary>
public sealed record RecordedRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    int RawLength,
    string Body,
    DateTimeOffset ReceivedAt)
{
    /// <summary>The status the server answered with (0 while the answer is still being prepared).</summary>
    public int Status { get; init; }

    /// <summary>The body's lines (without empty ones).</summary>
    public IReadOnlyList<string> Lines => Body.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A header's value, or null.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
