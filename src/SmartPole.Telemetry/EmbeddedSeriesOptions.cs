namespace SmartPole.Telemetry;

/// <summary>Settings of the <see cref="EmbeddedSeriesStore"/>, the zero-setup store used when no InfluxDB URL is configured.</summary>
public sealed class EmbeddedSeriesOptions
{
    /// <summary>The folder whose <c>series/</c> subfolder holds one line-protocol file per UTC day. Default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Whole UTC days kept before today; older day files are deleted. Default 7.</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>How long written points may wait in memory before they are appended and synced to disk. Default 200 ms.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(200);
}
