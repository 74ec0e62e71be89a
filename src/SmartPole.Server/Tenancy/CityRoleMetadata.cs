using SmartPole.Registry;

namespace SmartPole.Server.Tenancy;

/// <summary>Endpoint metadata: the role a caller needs in the route's <c>{city}</c> (default: viewer to read, operator to change).</summary>
/// <param name="Role">The role required.</param>
internal sealed record CityRoleMetadata(OperatorRole Role);
