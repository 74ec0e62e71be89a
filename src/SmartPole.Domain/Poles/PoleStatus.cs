namespace SmartPole.Domain.Poles;

/// <summary>Whether a pole is reachable.</summary>
public enum PoleStatus
{
    /// <summary>Nothing heard since the twin was created.</summary>
    Unknown,

    /// <summary>It reports, or its gateway announced <c>online</c>.</summary>
    Online,

    /// <summary>Its gateway's will said <c>offline</c>, or it was silent too long.</summary>
    Offline,
}
