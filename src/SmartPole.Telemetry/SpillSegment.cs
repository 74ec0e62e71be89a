namespace SmartPole.Telemetry;

/// <summary>One spill file: a batch InfluxDB could not take yet.</summary>
internal sealed record SpillSegment(string Path, long Sequence, int FirstLine, WritePrecision Precision, long Bytes, long Lines);
