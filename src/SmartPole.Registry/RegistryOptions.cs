namespace SmartPole.Registry;

/// <summary>Where the registry of cities, poles, credentials and operators lives, and the limits of onboarding.</summary>
public sealed class RegistryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Registry";

    /// <summary>The largest pole/device import file accepted, in bytes. Default 100 MB: enough for 100,000 poles with their devices.</summary>
    public long MaxImportBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// PBKDF2-SHA256 iterations for new secret hashes. Default 10,000: every secret is 192+ random bits, so
    /// the work factor guards against a stolen table only as a second line; higher costs every pole login.
    /// The count is stored with each hash, so changing it affects new secrets only.
    /// </summary>
    public int HashIterations { get; set; } = 10_000;

    /// <summary>
    /// PBKDF2-SHA256 iterations for new pole and gateway MQTT secrets. Default 1,000: they are issued by
    /// the hundred thousand at onboarding and checked on every reconnect storm, and each is 192 random bits.
    /// </summary>
    public int CredentialHashIterations { get; set; } = 1_000;

    /// <summary>Failed MQTT logins one client address may make within <see cref="FailedLoginWindow"/> before it is locked out. Default 5.</summary>
    public int MaxFailedLogins { get; set; } = 5;

    /// <summary>The span over which failed logins are counted. Default 1 minute.</summary>
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a locked-out address is refused without its credentials being checked. Default 5 minutes.</summary>
    public TimeSpan LoginLockout { get; set; } = TimeSpan.FromMinutes(5);
}
