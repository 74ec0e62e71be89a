namespace SmartPole.Domain.Alarms;

/// <summary>A device event from <c>sp/{city}/{pole}/events</c>: <c>{"ts","device","type","detail"}</c>.</summary>
/// <param name="Timestamp">When it happened (<c>ts</c>).</param>
/// <param name="Device">Device id.</param>
/// <param name="Type">Event type: lampFailure, doorOpened, tilt, sosPressed, impact, waterLeak, cameraTamper.</param>
/// <param name="Detail">Free text from the device, or null.</param>
public sealed record PoleEvent(DateTimeOffset Timestamp, string Device, string Type, string? Detail);
