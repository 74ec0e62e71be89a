namespace SmartPole.Domain.Lighting;

/// <summary>What a lighting step's time is measured from.</summary>
public enum StepAnchor
{
    /// <summary>A fixed local time.</summary>
    Fixed,

    /// <summary>The evening's sunset, plus an offset.</summary>
    Sunset,

    /// <summary>The next morning's sunrise, plus an offset.</summary>
    Sunrise,
}
