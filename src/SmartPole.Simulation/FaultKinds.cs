using System.Collections.Frozen;

namespace SmartPole.Simulation;

/// <summary>The command-line names of <see cref="FaultKind"/> and the groups <c>all</c> and <c>malformed</c>.</summary>
public static class FaultKinds
{
    private static readonly FrozenDictionary<string, FaultKind> ByName = new Dictionary<string, FaultKind>(StringComparer.OrdinalIgnoreCase)
    {
        ["lampFailure"] = FaultKind.LampFailure,
        ["dayBurner"] = FaultKind.DayBurner,
        ["doorOpened"] = FaultKind.DoorOpened,
        ["tilt"] = FaultKind.Tilt,
        ["sosPressed"] = FaultKind.SosPressed,
        ["cameraOffline"] = FaultKind.CameraOffline,
        ["smallCellOffAir"] = FaultKind.SmallCellOffAir,
        ["supplyLoss"] = FaultKind.SupplyLoss,
        ["gatewayDrop"] = FaultKind.GatewayDrop,
        ["badJson"] = FaultKind.BadJson,
        ["unknownKind"] = FaultKind.UnknownKind,
        ["wrongType"] = FaultKind.WrongType,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Every field fault: <c>all</c> on the command line. Malformed payloads are left out: they are only sent when asked.</summary>
    public static IReadOnlyList<FaultKind> Field { get; } =
    [
        FaultKind.LampFailure, FaultKind.DayBurner, FaultKind.DoorOpened, FaultKind.Tilt, FaultKind.SosPressed,
        FaultKind.CameraOffline, FaultKind.SmallCellOffAir, FaultKind.SupplyLoss, FaultKind.GatewayDrop,
    ];

    /// <summary>The malformed payloads: <c>malformed</c> on the command line.</summary>
    public static IReadOnlyList<FaultKind> Malformed { get; } = [FaultKind.BadJson, FaultKind.UnknownKind, FaultKind.WrongType];

    /// <summary>Every accepted name, for help texts.</summary>
    public static IEnumerable<string> Names => ByName.Keys.Order(StringComparer.Ordinal);

    /// <summary>The command-line name of <paramref name="kind"/>, e.g. <c>lampFailure</c>.</summary>
    public static string Name(FaultKind kind) => ByName.First(pair => pair.Value == kind).Key;

    /// <summary>
    /// Reads a comma-separated list such as <c>lampFailure,doorOpened</c>, <c>all</c> or <c>all,malformed</c>
    /// (case-insensitive, duplicates collapse); returns false with the unknown name in <paramref name="error"/>.
    /// </summary>
    public static bool TryParse(string text, out IReadOnlyList<FaultKind> kinds, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<FaultKind>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            IEnumerable<FaultKind> named = part.ToLowerInvariant() switch
            {
                "all" => Field,
                "malformed" => Malformed,
                _ when ByName.TryGetValue(part, out var kind) => [kind],
                _ => [],
            };
            if (!named.Any())
            {
                kinds = [];
                error = $"'{part}' is not a fault; use all, malformed or any of {string.Join(", ", Names)}";
                return false;
            }

            result.AddRange(named.Where(k => !result.Contains(k)));
        }

        if (result.Count == 0)
        {
            kinds = [];
            error = "name at least one fault";
            return false;
        }

        kinds = result;
        error = null;
        return true;
    }
}
