namespace SmartPole.Registry;

/// <summary>A role in one city.</summary>
/// <param name="City">City id.</param>
/// <param name="Role">The role held there.</param>
public sealed record CityGrant(string City, OperatorRole Role);
