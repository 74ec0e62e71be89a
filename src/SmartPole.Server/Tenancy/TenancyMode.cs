using Microsoft.Extensions.Options;
using SmartPole.Server.Hosting;
using SmartPole.Server.Ingest;

namespace SmartPole.Server.Tenancy;

/// <summary>Whether the platform runs secured (credentials, ACL, operator keys) or open (demo): decided once from configuration.</summary>
internal sealed class TenancyMode(IOptions<MqttEdgeOptions> mqtt, IOptions<DemoOptions> demo, IOptions<TenancyOptions> tenancy)
{
    /// <summary>True when MQTT clients need no credentials and topics are unrestricted.</summary>
    public bool AnonymousMqtt { get; } = mqtt.Value.AllowAnonymous ?? demo.Value.Enabled;

    /// <summary>True when REST and hub callers need an operator key.</summary>
    public bool RequireOperatorKeys => tenancy.Value.RequireOperatorKeys ?? !AnonymousMqtt;

    /// <summary>True when the platform runs in demo mode.</summary>
    public bool Demo => demo.Value.Enabled;

    /// <summary>True when anything is left open (the flag the dashboard shows).</summary>
    public bool IsOpen => AnonymousMqtt || !RequireOperatorKeys;
}
