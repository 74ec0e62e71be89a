using SmartPole.Domain.Energy;

namespace SmartPole.Server.Poles;

/// <summary>One pole's lamp energy per local day, for the energy report.</summary>
/// <param name="Pole">Pole id.</param>
/// <param name="District">The pole's district in the registry, or null.</param>
/// <param name="HasBaseline">False when the pole's coordinates are unknown: its days carry no baseline (0) and no savings.</param>
/// <param name="Days">Each lamp's energy and savings on each day the twin still holds.</param>
internal sealed record PoleEnergy(string Pole, string? District, bool HasBaseline, IReadOnlyList<EnergySavings> Days);
