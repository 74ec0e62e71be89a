namespace SmartPole.Simulation.Models;

/// <summary>The faults a single device is suffering (a pole's supply loss is in <see cref="ModelContext.SupplyLost"/> instead).</summary>
[Flags]
internal enum DeviceFault
{
    None = 0,

    /// <summary>Lamp on, near-zero power.</summary>
    Failed = 1,

    /// <summary>Lamp stuck on at full power.</summary>
    DayBurner = 2,

    /// <summary>Cabinet door open.</summary>
    DoorOpen = 4,

    /// <summary>Pole leaning.</summary>
    Tilted = 8,

    /// <summary>SOS button pressed, not armed.</summary>
    Pressed = 16,

    /// <summary>Camera unreachable or small cell off air.</summary>
    Offline = 32,
}
