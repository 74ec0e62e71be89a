using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SmartPole.Registry;
using SmartPole.Registry.Export;
using SmartPole.Registry.Import;
using SmartPole.Registry.Onboarding;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// Onboarding and access: <c>/api/tenancy</c> (mode, cities, keys) and, per city, import, export,
/// manifest, operator keys, provisioning and the audit log. City routes are scoped by
/// <see cref="TenancyMiddleware"/> with the role in each route's <see cref="CityRoleMetadata"/>.
/// </summary>
internal static class TenancyApi
{
    public static IEndpointRouteBuilder MapTenancyApi(this IEndpointRouteBuilder app)
    {
        var tenancy = app.MapGroup("/api/tenancy").WithTags("Tenancy");
        tenancy.MapGet("/mode", Mode).WithSummary("Whether the platform runs secured or open (demo): the flag the dashboard shows");
        tenancy.MapPost("/cities", CreateCity).WithSummary("Create a city, from a template city's settings when one is named (platform admin)");
        tenancy.MapDelete("/keys/{keyId}", RevokeKey).WithSummary("Revoke an operator key at once (platform admin)");

        var city = app.MapGroup("/api/cities/{city}").WithTags("Tenancy").WithMetadata(new CityRoleMetadata(OperatorRole.Admin));
        city.MapPost("/import", Import).WithSummary("Import poles and devices (CSV or JSON; all-or-nothing)");
        city.MapGet("/export.csv", ExportCsv).WithSummary("Poles and devices as CSV in the import form");
        city.MapPost("/manifest", Manifest).WithSummary("The simulator/field manifest, issuing pole credentials (shown once)");
        city.MapPost("/keys", CreateKey).WithSummary("Issue an operator key with a role in this city (shown once)");
        city.MapPost("/provisioning/key", CreateProvisioningKey).WithSummary("Create or replace the city's provisioning key (shown once)");
        city.MapPost("/provisioning/allow", AllowProvisioning).WithSummary("Let registered poles be claimed by self-provisioning gateways");
        city.MapGet("/provisioning/pending", PendingProvisioning).WithSummary("Provisioning requests awaiting approval");
        city.MapPost("/provisioning/pending/{requestId}/approve", ApproveProvisioning).WithSummary("Approve a waiting provisioning request");
        city.MapGet("/settings", Settings).WithSummary("The city's thresholds, lighting calendar, reporting interval and dashboard settings");
        city.MapPut("/settings", UpdateSettings).WithSummary("Replace the city's settings; live poles use them from their next message");
        city.MapDelete("/credentials/{username}", RevokeCredential).WithSummary("Revoke a pole's or gateway's MQTT credential; its open sessions are closed at once");
        city.MapGet("/audit", Audit).WithSummary("The city's audit log, newest first");
        return app;
    }

    private static Ok<TenancyModeView> Mode(TenancyMode mode) =>
        TypedResults.Ok(new TenancyModeView(mode.IsOpen, mode.Demo, mode.AnonymousMqtt, mode.RequireOperatorKeys,
            mode.IsOpen ? "Open mode: MQTT and the API are not fully secured (demo). Do not onboard a partner city like this." : "Secured: credentials, topic ACL and operator keys are enforced."));

    private static async Task<Results<Created<CityCreated>, ProblemHttpResult>> CreateCity(
        NewCityRequest request, HttpContext context, TenancyMode mode, RegistryHost registry, TimeProvider time, CancellationToken cancellationToken)
    {
        if (RequirePlatformAdmin(context, mode) is { } refused)
        {
            return refused;
        }

        var store = await registry.StoreAsync;
        var actor = OperatorClaims.Actor(OperatorClaims.Read(context.User));
        return await Guard(async () =>
        {
            var bounds = request.Bounds ?? throw new RegistryException("bounds are required: {\"south\",\"west\",\"north\",\"east\"}.");
            CityRecord city;
            if (request.Template is { Length: > 0 } template)
            {
                city = await store.CreateCityFromTemplateAsync(template, request.Id ?? "", request.NameZh ?? "", request.NameEn ?? "", request.TimeZone ?? "", bounds, actor, cancellationToken);
            }
            else
            {
                city = new CityRecord(request.Id ?? "", request.NameZh ?? "", request.NameEn ?? "", request.TimeZone ?? "", bounds, CitySettings.Default);
                await store.CreateCityAsync(city, actor, cancellationToken);
            }

            await registry.SyncAsync(city.Id, cancellationToken);
            var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(city.TimeZone)).DateTime);
            var sun = CityTemplate.SunTimesOf(city, today);
            return TypedResults.Created($"/api/cities/{city.Id}/poles", new CityCreated(city, sun.Sunrise, sun.Sunset));
        });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(string keyId, HttpContext context, TenancyMode mode, RegistryHost registry, CancellationToken cancellationToken)
    {
        if (RequirePlatformAdmin(context, mode) is { } refused)
        {
            return refused;
        }

        var store = await registry.StoreAsync;
        return await store.RevokeApiKeyAsync(keyId, OperatorClaims.Actor(OperatorClaims.Read(context.User)), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown key", detail: $"No working key '{keyId}'.");
    }

    private static async Task<Results<Ok<ImportReport>, ProblemHttpResult>> Import(
        string city, [FromQuery] string? format, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;

        // The registry enforces its own cap with a clear message; Kestrel's default (30 MB) must not cut in first.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = store.Options.MaxImportBytes + 1;
        }

        var kind = (format ?? context.Request.ContentType ?? "").Contains("json", StringComparison.OrdinalIgnoreCase) ? ImportFormat.Json : ImportFormat.Csv;
        try
        {
            var report = await store.ImportAsync(city, context.Request.Body, kind, Actor(context), cancellationToken);
            await registry.SyncAsync(city, cancellationToken);
            return TypedResults.Ok(report);
        }
        catch (ImportRejectedException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Import refused; nothing was changed", detail: e.Message,
                extensions: new Dictionary<string, object?> { ["errors"] = e.Errors });
        }
        catch (RegistryException e)
        {
            return Problem(e);
        }
    }

    private static async Task ExportCsv(string city, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{city}-poles.csv\"";
        await using var writer = new StreamWriter(context.Response.Body, new System.Text.UTF8Encoding(false));
        await store.WritePolesCsvAsync(city, writer, cancellationToken);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Manifest(
        string city, [FromQuery] string? credentials, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        // Parsed here rather than bound: the binder is case-sensitive, and the documented values are camel case (rotateAll).
        var mode = ManifestCredentials.IssueMissing;
        if (credentials is not null && (!Enum.TryParse(credentials, ignoreCase: true, out mode) || !Enum.IsDefined(mode)))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid", detail: $"credentials must be issueMissing, rotateAll or none, not '{credentials}'.");
        }

        var store = await registry.StoreAsync;
        using var output = new MemoryStream();
        return await Guard<FileContentHttpResult>(async () =>
        {
            await store.WriteManifestAsync(city, mode, output, Actor(context), cancellationToken);
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.File(output.ToArray(), "application/json", $"{city}-manifest.json");
        });
    }

    private static async Task<Results<Ok<IssuedApiKey>, ProblemHttpResult>> CreateKey(string city, NewKeyRequest request, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return await Guard(async () =>
        {
            var role = request.Role ?? throw new RegistryException("role is required: viewer, operator or admin.");
            return TypedResults.Ok(await store.CreateApiKeyAsync(request.Operator ?? "", [new CityGrant(city, role)], platformAdmin: false, Actor(context), cancellationToken));
        });
    }

    private static async Task<Results<Ok<ProvisioningKey>, ProblemHttpResult>> CreateProvisioningKey(string city, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return await Guard(async () => TypedResults.Ok(new ProvisioningKey(MqttPrincipal.ProvisionerUsername(city), await store.CreateProvisioningKeyAsync(city, Actor(context), cancellationToken))));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> AllowProvisioning(string city, PoleList request, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return await Guard(async () =>
        {
            await store.AllowProvisioningAsync(city, request.Poles ?? [], Actor(context), cancellationToken);
            return TypedResults.NoContent();
        });
    }

    private static async Task<Ok<List<PendingRequest>>> PendingProvisioning(string city, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return TypedResults.Ok((await store.ListPendingProvisioningAsync(city, cancellationToken)).Select(p => new PendingRequest(p.Key, p.Value)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ApproveProvisioning(string city, string requestId, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return await Guard(async () =>
        {
            await store.ApproveProvisioningAsync(city, requestId, Actor(context), cancellationToken);
            return TypedResults.NoContent();
        });
    }

    private static async Task<Results<Ok<CitySettings>, ProblemHttpResult>> Settings(string city, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return await store.FindCityAsync(city, cancellationToken) is { } record
            ? TypedResults.Ok(record.Settings)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "NotFound", detail: $"No city '{city}'.");
    }

    private static async Task<Results<Ok<CitySettings>, ProblemHttpResult>> UpdateSettings(string city, CitySettings settings, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return await Guard(async () => TypedResults.Ok((await store.UpdateCitySettingsAsync(city, settings, Actor(context), cancellationToken)).Settings));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeCredential(string city, string username, HttpContext context, RegistryHost registry, CancellationToken cancellationToken)
    {
        // The user name names its city: an admin of one city cannot revoke another's poles through their own route.
        if (!username.StartsWith(city + ".", StringComparison.Ordinal))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "NotFound", detail: $"No working credential '{username}' in city '{city}'.");
        }

        var store = await registry.StoreAsync;
        return await store.RevokeMqttCredentialAsync(username, Actor(context), cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "NotFound", detail: $"No working credential '{username}' in city '{city}'.");
    }

    private static async Task<Ok<IReadOnlyList<AuditEntry>>> Audit(string city, [FromQuery] int? limit, RegistryHost registry, CancellationToken cancellationToken)
    {
        var store = await registry.StoreAsync;
        return TypedResults.Ok(await store.ReadAuditAsync(city, limit ?? 100, cancellationToken));
    }

    private static string Actor(HttpContext context) => OperatorClaims.Actor(OperatorClaims.Read(context.User));

    private static ProblemHttpResult? RequirePlatformAdmin(HttpContext context, TenancyMode mode) =>
        !mode.RequireOperatorKeys || OperatorClaims.Read(context.User) is { IsPlatformAdmin: true }
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only a platform admin may do this.");

    private static async Task<Results<T, ProblemHttpResult>> Guard<T>(Func<Task<T>> action)
        where T : IResult
    {
        try
        {
            return await action();
        }
        catch (RegistryException e)
        {
            return Problem(e);
        }
    }

    private static ProblemHttpResult Problem(RegistryException e) => TypedResults.Problem(
        statusCode: e.Kind switch
        {
            RegistryErrorKind.NotFound => StatusCodes.Status404NotFound,
            RegistryErrorKind.Conflict => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status400BadRequest,
        },
        title: e.Kind.ToString(),
        detail: e.Message);
}

/// <summary>The platform's security mode.</summary>
internal sealed record TenancyModeView(bool Open, bool Demo, bool AnonymousMqtt, bool OperatorKeysRequired, string Message);

/// <summary>A city to create; <c>template</c> names a city whose settings are copied.</summary>
internal sealed record NewCityRequest(string? Id, string? NameZh, string? NameEn, string? TimeZone, CityBounds? Bounds, string? Template);

/// <summary>A created city with today's sunrise and sunset at its centre.</summary>
internal sealed record CityCreated(CityRecord City, DateTimeOffset? SunriseToday, DateTimeOffset? SunsetToday);

/// <summary>An operator key to issue in one city.</summary>
internal sealed record NewKeyRequest(string? Operator, OperatorRole? Role);

/// <summary>A provisioning login: user name and key (shown once).</summary>
internal sealed record ProvisioningKey(string Username, string Key);

/// <summary>Pole ids.</summary>
internal sealed record PoleList(List<string>? Poles);

/// <summary>A provisioning request awaiting approval.</summary>
internal sealed record PendingRequest(string RequestId, IReadOnlyList<string> Poles);
