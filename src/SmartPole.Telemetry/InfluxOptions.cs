namespace SmartPole.Telemetry;

/// <summary>Where and how <see cref="InfluxWriter"/> and <see cref="InfluxQueryClient"/> reach InfluxDB.</summary>
public sealed class InfluxOptions
{
    /// <summary>InfluxDB base URL, e.g. <c>http://localhost:8086</c>. Empty (the default) means: use the embedded store.</summary>
    public string Url { get; set; } = "";

    /// <summary>v1 API database written to and queried. Default <c>smartpole</c>.</summary>
    public string Database { get; set; } = "smartpole";

    /// <summary>v1 API retention policy; empty (the default) is the database's default policy.</summary>
    public string RetentionPolicy { get; set; } = "";

    /// <summary>v1 API user name (HTTP basic authentication); empty (the default) sends none.</summary>
    public string Username { get; set; } = "";

    /// <summary>v1 API password. Default empty.</summary>
    public string Password { get; set; } = "";

    /// <summary>v2 API organization. Default empty.</summary>
    public string Org { get; set; } = "";

    /// <summary>v2 API bucket. Default empty.</summary>
    public string Bucket { get; set; } = "";

    /// <summary>v2 API token; when set (default empty) writes go to <c>/api/v2/write</c> with <c>Authorization: Token</c>.</summary>
    public string Token { get; set; } = "";

    /// <summary>Lines per write request at most; a batch is sent once it is this full. Default 5,000.</summary>
    public int BatchSize { get; set; } = 5000;

    /// <summary>Age at which a batch that is not full is sent anyway. Default 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Write requests in flight at once. Default 2.</summary>
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Points held in memory at most; beyond it new points go straight to disk spill segments. Default 200,000.</summary>
    public int MaxBufferedPoints { get; set; } = 200_000;

    /// <summary>Folder of the spill segments written while InfluxDB is unavailable. Default <c>./data/influx-spill</c>.</summary>
    public string SpillDirectory { get; set; } = "./data/influx-spill";

    /// <summary>Disk the spill segments may take, in MB; beyond it the oldest segments are dropped and counted. Default 2,048.</summary>
    public int SpillQuotaMB { get; set; } = 2048;

    /// <summary>Whether write bodies are gzip-compressed (fastest level). Default true.</summary>
    public bool Gzip { get; set; } = true;

    /// <summary>Retries of a batch in memory after a transient failure before it is spilled to disk. Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First retry delay; it doubles per attempt, with jitter, up to <see cref="RetryMaxDelay"/>. Default 500 ms.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest wait between retries (also while replaying spill segments to a server that is still away). Default 30 s.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time a single HTTP request may take before it counts as a connection failure. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether the v2 API is used (a token is set).</summary>
    internal bool UsesV2 => !string.IsNullOrEmpty(Token);
}
