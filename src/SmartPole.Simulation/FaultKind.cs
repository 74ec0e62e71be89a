namespace SmartPole.Simulation;

/// <summary>A fault a simulated pole can suffer; the command line names them in camelCase (<see cref="FaultKinds"/>).</summary>
public enum FaultKind
{
    /// <summary>A lamp is switched on but draws near-zero power (failed LEDs or driver); publishes a <c>lampFailure</c> event.</summary>
    LampFailure,

    /// <summary>A lamp burns at full power whatever its schedule or commands say (stuck relay): it stays on in daylight. No event: the platform must spot it.</summary>
    DayBurner,

    /// <summary>The cabinet door opens; publishes a <c>doorOpened</c> event.</summary>
    DoorOpened,

    /// <summary>The pole leans several degrees (vehicle impact, subsidence); publishes a <c>tilt</c> event.</summary>
    Tilt,

    /// <summary>Someone presses the emergency button: it is no longer armed until reset; publishes a <c>sosPressed</c> event.</summary>
    SosPressed,

    /// <summary>The camera stops answering: online and recording go false and its analytics stop.</summary>
    CameraOffline,

    /// <summary>The 5G small cell goes off air: no UEs, no throughput, idle power.</summary>
    SmallCellOffAir,

    /// <summary>Mains supply lost: every device on the pole goes dark at once (the gateway reports on its backup battery).</summary>
    SupplyLoss,

    /// <summary>The gateway's connection vanishes without DISCONNECT, so the broker publishes its will; it reconnects when the fault clears.</summary>
    GatewayDrop,

    /// <summary>A telemetry payload that is not JSON (a truncated frame): the platform must dead-letter it.</summary>
    BadJson,

    /// <summary>A frame with one reading of a device kind the contract does not know: only that reading is dead-lettered.</summary>
    UnknownKind,

    /// <summary>A frame with one metric of the wrong type (a string for a boolean): only that reading is dead-lettered.</summary>
    WrongType,
}
