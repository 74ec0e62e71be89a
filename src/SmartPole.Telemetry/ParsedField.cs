namespace SmartPole.Telemetry;

/// <summary>One field of a parsed line: its type, and its value as a number (booleans as 1/0) or a string.</summary>
internal sealed record ParsedField(string Key, FieldType Type, double? Number, string? Text);
