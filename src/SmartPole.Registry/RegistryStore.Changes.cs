using Microsoft.Extensions.Logging;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    /// <summary>
    /// Raised after a commit that revoked or replaced MQTT credentials, with their user names: a
    /// session opened with the old secret must end now, not at its next login.
    /// </summary>
    public event Action<IReadOnlyList<string>>? MqttCredentialsRevoked;

    /// <summary>Raised after an operator key was revoked, with its id: connections opened with it must end.</summary>
    public event Action<string>? ApiKeyRevoked;

    /// <summary>Raised after a city's settings (thresholds, lighting, reporting interval) changed, with its id.</summary>
    public event Action<CityRecord>? CitySettingsChanged;

    private void Raise<T>(Action<T>? handlers, T change, string what)
    {
        if (handlers is null)
        {
            return;
        }

        // Each subscriber on its own: one that throws must not keep the others from hearing of a revocation.
        foreach (var handler in handlers.GetInvocationList().Cast<Action<T>>())
        {
            try
            {
                handler(change);
            }
#pragma warning disable CA1031 // a subscriber's failure is logged; the committed change stands
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogChangeHandlerFailed(_logger, e, what);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A subscriber to {What} failed")]
    private static partial void LogChangeHandlerFailed(ILogger logger, Exception exception, string what);
}
