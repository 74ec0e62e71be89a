namespace SmartPole.Domain;

/// <summary>The kinds of device a pole carries (wire contract v1). The wire name is the lowercase name.</summary>
public enum DeviceKind
{
    /// <summary>LED street light (wire name <c>lighting</c>).</summary>
    Lighting,

    /// <summary>5G small cell (<c>smallcell</c>).</summary>
    SmallCell,

    /// <summary>Camera (<c>camera</c>).</summary>
    Camera,

    /// <summary>Environmental sensors (<c>environment</c>).</summary>
    Environment,

    /// <summary>Cabinet: door, tilt, temperature, water, supply (<c>cabinet</c>).</summary>
    Cabinet,

    /// <summary>The pole's power meter (<c>meter</c>).</summary>
    Meter,

    /// <summary>LED display (<c>display</c>).</summary>
    Display,

    /// <summary>EV charger (<c>charger</c>).</summary>
    Charger,

    /// <summary>Emergency (SOS) button (<c>sos</c>).</summary>
    Sos,
}
