namespace SmartPole.Domain.Poles;

/// <summary>What the twin made of a frame's sequence number.</summary>
public enum SeqOutcome
{
    /// <summary>The next frame (possibly after a gap, which is counted).</summary>
    Accepted,

    /// <summary>A repeat of a frame already applied: dropped.</summary>
    Duplicate,

    /// <summary>Lower seq with a newer timestamp: the gateway restarted; a new epoch begins.</summary>
    NewEpoch,
}
