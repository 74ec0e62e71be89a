namespace SmartPole.Registry;

/// <summary>A city's geographic bounding box (WGS 84 degrees); every pole of the city stands inside it.</summary>
/// <param name="South">Southern latitude.</param>
/// <param name="West">Western longitude.</param>
/// <param name="North">Northern latitude.</param>
/// <param name="East">Eastern longitude.</param>
public sealed record CityBounds(double South, double West, double North, double East)
{
    /// <summary>The box's centre, where city-wide sun times are computed.</summary>
    public (double Latitude, double Longitude) Center => ((South + North) / 2, (West + East) / 2);

    /// <summary>True when the box is well-formed: latitudes in ±90, longitudes in ±180, south ≤ north, west ≤ east.</summary>
    public bool IsValid =>
        South is >= -90 and <= 90 && North is >= -90 and <= 90 && West is >= -180 and <= 180 && East is >= -180 and <= 180
        && South <= North && West <= East;

    /// <summary>True when the point lies inside the box (edges included).</summary>
    public bool Contains(double latitude, double longitude) =>
        latitude >= South && latitude <= North && longitude >= West && longitude <= East;
}
