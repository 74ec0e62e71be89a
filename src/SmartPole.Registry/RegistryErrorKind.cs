namespace SmartPole.Registry;

/// <summary>Why the registry refused a request.</summary>
public enum RegistryErrorKind
{
    /// <summary>The request is malformed or breaks a rule (bad id, unknown time zone, …).</summary>
    Invalid,

    /// <summary>The city, pole or key named does not exist.</summary>
    NotFound,

    /// <summary>What the request would create exists already.</summary>
    Conflict,
}
