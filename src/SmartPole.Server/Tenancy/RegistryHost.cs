using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using SmartPole.Domain.Cities;
using SmartPole.Registry;
using SmartPole.Server.Hosting;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// Opens the registry at start (PostgreSQL when <c>ConnectionStrings:Registry</c> is set, else SQLite
/// under <c>Storage:DataDirectory</c>), loads its cities and poles into the live <see cref="CityRegistry"/>,
/// issues the first platform-admin key when there is none, and says in the log whether the platform
/// runs secured or open.
/// </summary>
internal sealed partial class RegistryHost(
    IConfiguration configuration,
    IOptions<RegistryOptions> registryOptions,
    IOptions<StorageOptions> storage,
    IOptions<TenancyOptions> tenancy,
    TenancyMode mode,
    CityRegistry cities,
    PoleSettingsProvider poleSettings,
    TimeProvider timeProvider,
    ILogger<RegistryHost> logger) : IHostedService, IAsyncDisposable
{
    private readonly TaskCompletionSource<RegistryStore> _store = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile HashSet<string> _tenants = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, FrozenSet<string>> _registeredPoles = new(StringComparer.Ordinal);

    /// <summary>The registry once open (callers during start-up wait for it).</summary>
    public Task<RegistryStore> StoreAsync => _store.Task;

    /// <summary>True when <paramref name="city"/> is a city of the registry (a tenant), not a city only seen in open mode.</summary>
    public bool IsTenant(string city) => _tenants.Contains(city);

    /// <summary>True when <paramref name="pole"/> is registered in tenant <paramref name="city"/> (not merely seen on the wire).</summary>
    public bool IsRegisteredPole(string city, string pole) => _registeredPoles.TryGetValue(city, out var poles) && poles.Contains(pole);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connectionString = configuration.GetConnectionString("Registry");
            var store = string.IsNullOrWhiteSpace(connectionString)
                ? await RegistryStore.OpenSqliteAsync(storage.Value.DataDirectory, registryOptions.Value, timeProvider, logger, cancellationToken)
                : await RegistryStore.OpenPostgresAsync(connectionString, registryOptions.Value, timeProvider, logger, cancellationToken);
            foreach (var city in await store.ListCitiesAsync(cancellationToken))
            {
                await SyncAsync(store, city.Id, cancellationToken);
            }

            store.CitySettingsChanged += UseSettings;

            if (mode.RequireOperatorKeys && !await store.HasPlatformAdminAsync(cancellationToken))
            {
                await WriteFirstAdminKeyAsync(store, cancellationToken);
            }

            LogOpened(store.Provider, _tenants.Count);
            if (mode.IsOpen)
            {
                LogOpenMode(mode.Demo, mode.AnonymousMqtt, mode.RequireOperatorKeys);
            }
            else
            {
                LogSecured();
            }

            _store.TrySetResult(store);
        }
        catch (Exception e)
        {
            _store.TrySetException(e);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_store.Task.IsCompletedSuccessfully)
        {
            await _store.Task.Result.DisposeAsync();
        }
    }

    /// <summary>Reloads one city and its poles from the registry into the live city registry (after it was created or imported into).</summary>
    public async Task SyncAsync(string city, CancellationToken cancellationToken) => await SyncAsync(await StoreAsync, city, cancellationToken);

    private async Task SyncAsync(RegistryStore store, string city, CancellationToken cancellationToken)
    {
        var record = await store.FindCityAsync(city, cancellationToken);
        if (record is null)
        {
            return;
        }

        var poles = await store.ListPolesAsync(city, cancellationToken);
        cities.AddCity(new CityInfo(record.Id, record.NameZh, record.NameEn, record.TimeZone, poles.Select(p => p.ToPoleInfo()).ToList()));
        _registeredPoles[city] = poles.Select(p => p.Id).ToFrozenSet(StringComparer.Ordinal);
        _tenants = new HashSet<string>(_tenants, StringComparer.Ordinal) { city };
        UseSettings(record);
    }

    // The registry's thresholds, calendar and interval win over the city's configuration section.
    private void UseSettings(CityRecord city) =>
        poleSettings.UseCitySettings(city.Id, city.Settings.Thresholds, city.Settings.Lighting, TimeSpan.FromSeconds(city.Settings.ReportingIntervalS));

    private async Task WriteFirstAdminKeyAsync(RegistryStore store, CancellationToken cancellationToken)
    {
        var key = await store.CreateApiKeyAsync("platform admin", [], platformAdmin: true, "system", cancellationToken);
        var path = Path.Combine(storage.Value.DataDirectory, tenancy.Value.AdminKeyFile);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new StreamWriter(path, System.Text.Encoding.UTF8, options))
        {
            await file.WriteLineAsync(key.Token);
        }

        LogAdminKeyWritten(key.KeyId, path);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry open ({Provider}), {Cities} cities")]
    private partial void LogOpened(string provider, int cities);

    [LoggerMessage(Level = LogLevel.Warning, Message = "OPEN MODE (demo: {Demo}): anonymous MQTT {AnonymousMqtt}, operator keys required {RequireKeys}. Anyone who reaches the ports can read and publish; do not run a partner city like this")]
    private partial void LogOpenMode(bool demo, bool anonymousMqtt, bool requireKeys);

    [LoggerMessage(Level = LogLevel.Information, Message = "Secured mode: MQTT credentials and topic ACL enforced, operator keys required")]
    private partial void LogSecured();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The registry had no platform admin: key {KeyId} was issued and written to {Path} (readable by this user only); keep it safe and delete the file")]
    private partial void LogAdminKeyWritten(string keyId, string path);
}
