using SmartPole.Registry.Onboarding;

namespace SmartPole.Registry;

public sealed partial class RegistryStore
{
    /// <summary>
    /// Creates a city from <paramref name="templateCity"/>: its schedules, thresholds, reporting
    /// interval and dashboard settings are copied, and the sun-anchored schedule steps re-localised
    /// to the new city's centre and time zone (<see cref="CityTemplate.Localise"/>). Poles,
    /// credentials and keys are not copied.
    /// </summary>
    public async Task<CityRecord> CreateCityFromTemplateAsync(string templateCity, string id, string nameZh, string nameEn, string timeZone, CityBounds bounds, string actor, CancellationToken cancellationToken = default)
    {
        var template = await FindCityAsync(templateCity, cancellationToken)
                       ?? throw new RegistryException(RegistryErrorKind.NotFound, $"No template city '{templateCity}'.");
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(timeZone ?? "", out var zone))
        {
            throw new RegistryException(RegistryErrorKind.Invalid, $"Unknown time zone '{timeZone}' (use an IANA id such as Asia/Shanghai).");
        }

        if (bounds is not { IsValid: true })
        {
            throw new RegistryException(RegistryErrorKind.Invalid, "bounds must have south ≤ north within ±90 and west ≤ east within ±180.");
        }

        var settings = CityTemplate.Localise(template.Settings, bounds, zone, _time.GetUtcNow().Year);
        var city = new CityRecord(id, nameZh, nameEn, timeZone!, bounds, settings);
        await CreateCityAsync(city, actor, cancellationToken);
        await AuditAsync(new AuditEntry(_time.GetUtcNow(), id, actor, "city.template", AuditOutcome.Succeeded, $"from '{templateCity}'"), cancellationToken);
        return city;
    }
}
