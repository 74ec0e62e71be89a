namespace SmartPole.Registry;

/// <summary>Where the registry of cities, poles, credentials and operators lives, and the limits of onboarding.</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Registry";

    /// <summary>The largest pole/device import file accepted, in bytes. Default 100 MB: enough for 100,000 poles with their devices.</summary>
    public long MaxImportBytes { get; set; } = 100L * 1024 * 1024;
}
