namespace SmartPole.Server.Tenancy;

/// <summary>Operator access (configuration section <c>Tenancy</c>).</summary>
public sealed class TenancyOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Tenancy";

    /// <summary>
    /// Require an operator API key (header <c>X-Api-Key</c> or <c>Authorization: Bearer</c>) on the REST API and
    /// the hub. Default: on, except in open mode (<c>Mqtt:AllowAnonymous</c> true, as in demo), where the platform
    /// is unsecured end to end and says so in its log and at <c>/api/tenancy</c>.
    /// </summary>
    public bool? RequireOperatorKeys { get; set; }

    /// <summary>
    /// File (under <c>Storage:DataDirectory</c> unless absolute) the first platform-admin key is written to when
    /// the registry has none; readable by the server's user only. Default <c>admin-key.txt</c>.
    /// </summary>
    public string AdminKeyFile { get; set; } = "admin-key.txt";
}
