namespace SmartPole.Telemetry;

/// <summary>The five field types of line protocol.</summary>
internal enum FieldType
{
    Float,
    Integer,
    Unsigned,
    Boolean,
    String,
}
