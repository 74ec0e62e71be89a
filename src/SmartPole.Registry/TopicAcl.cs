using SmartPole.Domain;

namespace SmartPole.Registry;

/// <summary>
/// The wire contract's ACL as a pure function. A pole may publish its telemetry, events, status and
/// command acks under <c>sp/{city}/{pole}/</c> and subscribe to its own <c>cmd/#</c> (or one level
/// of it) and <c>config</c>; a gateway has those rights for each pole it carries; a provisioner may
/// publish <c>sp/{city}/provision</c> and subscribe to <c>sp/{city}/provision/{its client id}</c>
/// (the request id is the client id, so a gateway cannot read another's credentials). Wildcards are
/// never allowed where they would reach another pole or city. Everything else is refused.
/// </summary>
public static class TopicAcl
{
    /// <summary>Decides whether <paramref name="principal"/>, connected as <paramref name="clientId"/>, may <paramref name="action"/> <paramref name="topic"/>.</summary>
    public static AclDecision Decide(MqttPrincipal principal, string clientId, string topic, AclAction action)
    {
        ArgumentNullException.ThrowIfNull(principal);
        ArgumentNullException.ThrowIfNull(topic);
        if (topic.StartsWith("$share/", StringComparison.Ordinal))
        {
            return AclDecision.Deny("shared subscriptions are reserved for the platform");
        }

        var levels = topic.Split('/');
        if (levels.Length < 3 || levels[0] != Domain.Wire.PoleTopic.Root)
        {
            return AclDecision.Deny("outside the wire contract's sp/ tree");
        }

        if (levels[1] != principal.City)
        {
            return AclDecision.Deny(IsWildcard(levels[1])
                ? "a wildcard in the city level reaches other cities"
                : $"topic of city '{levels[1]}', credential of city '{principal.City}'");
        }

        return principal.Kind == MqttPrincipalKind.Provisioner
            ? DecideProvisioner(clientId, levels, action)
            : DecidePole(principal, levels, action);
    }

    private static AclDecision DecideProvisioner(string clientId, string[] levels, AclAction action)
    {
        if (levels[2] != Ids.Reserved)
        {
            return AclDecision.Deny("a provisioning credential may only use sp/{city}/provision");
        }

        return action switch
        {
            AclAction.Publish when levels.Length == 3 => AclDecision.Allow,
            AclAction.Subscribe when levels.Length == 4 && levels[3] == clientId && Ids.IsValid(clientId) => AclDecision.Allow,
            AclAction.Subscribe => AclDecision.Deny("a provisioner may subscribe only to sp/{city}/provision/{its client id}"),
            _ => AclDecision.Deny("a provisioner may publish only to sp/{city}/provision"),
        };
    }

    private static AclDecision DecidePole(MqttPrincipal principal, string[] levels, AclAction action)
    {
        if (IsWildcard(levels[2]))
        {
            return AclDecision.Deny("a wildcard in the pole level reaches other poles");
        }

        if (!principal.Poles.Contains(levels[2]))
        {
            return AclDecision.Deny($"pole '{levels[2]}' is not carried by this credential");
        }

        var rest = levels.AsSpan(3);
        var allowed = action == AclAction.Publish
            ? rest switch
            {
                ["telemetry" or "events" or "status"] => true,
                ["cmd", var id, "ack"] => id.Length > 0 && !IsWildcard(id),
                _ => false,
            }
            : rest switch
            {
                ["config"] => true,
                ["cmd", "#" or "+"] => true,
                ["cmd", var id] => id.Length > 0 && !id.Contains('#', StringComparison.Ordinal),
                _ => false,
            };
        return allowed
            ? AclDecision.Allow
            : AclDecision.Deny(action == AclAction.Publish
                ? "a pole may publish only telemetry, events, status and cmd/{id}/ack"
                : "a pole may subscribe only to its cmd/# and config");
    }

    private static bool IsWildcard(string level) => level is "+" or "#";
}
