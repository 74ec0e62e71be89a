namespace SmartPole.Registry.Import;

/// <summary>The format of a pole and device import file.</summary>
public enum ImportFormat
{
    /// <summary>CSV (RFC 4180, UTF-8): a header row, then one row per device with its pole's columns repeated (a pole without devices leaves the device columns empty).</summary>
    Csv,

    /// <summary>JSON (UTF-8): <c>{"poles":[{"id","name","lat","lon","address","district","devices":[{"id","kind","model","ratedPowerW"}]}]}</c>.</summary>
    Json,
}
