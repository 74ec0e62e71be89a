using System.Security.Claims;
using SmartPole.Registry;

namespace SmartPole.Server.Tenancy;

/// <summary>An operator principal carried as claims on <c>HttpContext.User</c> (and so on a hub connection).</summary>
internal static class OperatorClaims
{
    private const string AuthenticationType = "SmartPoleApiKey";
    private const string KeyIdType = "sp:key";
    private const string PlatformAdminType = "sp:platform-admin";
    private const string GrantType = "sp:grant";

    public static ClaimsPrincipal From(OperatorPrincipal principal)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.Name, principal.Operator),
            new(KeyIdType, principal.KeyId),
            new(PlatformAdminType, principal.IsPlatformAdmin ? "true" : "false"),
        };
        claims.AddRange(principal.Grants.Select(g => new Claim(GrantType, g.Key + "=" + g.Value)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType));
    }

    public static OperatorPrincipal? Read(ClaimsPrincipal? user)
    {
        if (user?.FindFirst(KeyIdType)?.Value is not { } keyId)
        {
            return null;
        }

        var grants = user.FindAll(GrantType)
            .Select(c => c.Value.Split('='))
            .ToDictionary(p => p[0], p => Enum.Parse<OperatorRole>(p[1]), StringComparer.Ordinal);
        return new OperatorPrincipal(keyId, user.Identity?.Name ?? "", user.FindFirst(PlatformAdminType)?.Value == "true", grants);
    }

    /// <summary>How the audit log names an operator.</summary>
    public static string Actor(OperatorPrincipal? principal) => principal is null ? "anonymous" : "key:" + principal.KeyId;
}
