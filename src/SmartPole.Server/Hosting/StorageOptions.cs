namespace SmartPole.Server.Hosting;

/// <summary>Where the platform keeps its files (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Storage";

    /// <summary>Folder for the registry, actor state, embedded series and spill files. Default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>Days the embedded series store keeps. Default 7.</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>Disk in MB the InfluxDB writer may fill while InfluxDB is away. Default 2048.</summary>
    public int SpillQuotaMB { get; set; } = 2048;
}
