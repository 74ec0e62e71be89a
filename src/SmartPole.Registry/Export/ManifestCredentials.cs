namespace SmartPole.Registry.Export;

/// <summary>Which poles of an exported manifest get a credential in it.</summary>
public enum ManifestCredentials
{
    /// <summary>None: the manifest carries no user names or passwords.</summary>
    None,

    /// <summary>Poles without a working credential get a new one; the others appear without (their secrets were shown before).</summary>
    IssueMissing,

    /// <summary>Every pole gets a new credential; the old ones stop working.</summary>
    RotateAll,
}
