namespace SmartPole.Registry;

/// <summary>How an audited action ended.</summary>
public enum AuditOutcome
{
    /// <summary>Done.</summary>
    Succeeded,

    /// <summary>Refused: bad credentials, no right, another city's data.</summary>
    Refused,
}
