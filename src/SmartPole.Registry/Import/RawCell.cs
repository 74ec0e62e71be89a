namespace SmartPole.Registry.Import;

/// <summary>One value as it stood in the file, with where it stood (for error messages).</summary>
internal readonly record struct RawCell(string? Value, int Row, string Column)
{
    public bool IsBlank => string.IsNullOrWhiteSpace(Value);

    public string? Trimmed => IsBlank ? null : Value!.Trim();
}
