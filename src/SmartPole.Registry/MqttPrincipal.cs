namespace SmartPole.Registry;

/// <summary>Who an MQTT connection authenticated as: the input of <see cref="TopicAcl"/>.</summary>
/// <param name="Username">The MQTT user name (<c>{city}.{pole}</c>, <c>{city}.gw.{gateway}</c> or <c>{city}.provision</c>).</param>
/// <param name="Kind">Pole, gateway or provisioner.</param>
/// <param name="City">The city the credential belongs to.</param>
/// <param name="Poles">The poles it may speak for: one for a pole, several for a gateway, none for a provisioner.</param>
public sealed record MqttPrincipal(string Username, MqttPrincipalKind Kind, string City, IReadOnlySet<string> Poles)
{
    /// <summary>The user name of pole <paramref name="pole"/> of <paramref name="city"/>.</summary>
    public static string PoleUsername(string city, string pole) => $"{city}.{pole}";

    /// <summary>The user name of gateway <paramref name="gateway"/> of <paramref name="city"/>.</summary>
    public static string GatewayUsername(string city, string gateway) => $"{city}.gw.{gateway}";

    /// <summary>The user name a gateway logs in with to provision itself with its city's key.</summary>
    public static string ProvisionerUsername(string city) => $"{city}.{Domain.Ids.Reserved}";
}
