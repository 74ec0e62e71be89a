namespace SmartPole.Simulation.Models;

/// <summary>What every device model of one pole sees at one instant.</summary>
/// <param name="UnixSeconds">Model time as Unix seconds (drives the seeded noise).</param>
/// <param name="LocalHour">Hour of the day in the city's time zone, 0..24.</param>
/// <param name="LocalTime">Local wall-clock time (schedules).</param>
/// <param name="DayOfYear">Local day of the year (seasons).</param>
/// <param name="ElapsedHours">Model time since the previous frame (0 for the first); counters integrate over it.</param>
/// <param name="Traffic">Relative traffic 0..1 at this pole, per-pole noise included.</param>
/// <param name="AmbientC">Air temperature at this pole (°C).</param>
/// <param name="SupplyV">Mains voltage at this pole (V); 0 while the supply is lost.</param>
/// <param name="SupplyLost">True while the pole has no mains: every device is dark (the gateway reports on its battery).</param>
/// <param name="LoadW">Electrical load of the pole's other devices (W); set before the cabinet and the meter read.</param>
internal readonly record struct ModelContext(
    double UnixSeconds,
    double LocalHour,
    TimeOnly LocalTime,
    int DayOfYear,
    double ElapsedHours,
    double Traffic,
    double AmbientC,
    double SupplyV,
    bool SupplyLost = false,
    double LoadW = 0);
