namespace SmartPole.Registry.Import;

/// <summary>A pole as read from a file, not yet checked.</summary>
internal sealed record RawPole(int Row, RawCell Id, RawCell Name, RawCell Lat, RawCell Lon, RawCell Address, RawCell District, List<RawDevice> Devices);

/// <summary>A device as read from a file, not yet checked.</summary>
internal sealed record RawDevice(RawCell Id, RawCell Kind, RawCell Model, RawCell RatedPowerW);
