using SmartPole.Registry;
using SmartPole.Server.Apis;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Tenancy;

/// <summary>
/// Operator authentication and city scope for every REST endpoint and the hub, in one place rather
/// than in each API: the key (<c>X-Api-Key</c>, <c>Authorization: Bearer</c>, or <c>access_token</c>
/// for the hub's WebSocket) becomes <c>HttpContext.User</c>; a route with a <c>{city}</c> needs a role
/// there (a city the registry does not know: a platform admin; viewer to read, operator to change, or what the endpoint's
/// <see cref="CityRoleMetadata"/> says); the city list shows only the caller's cities; platform-wide
/// endpoints need a platform admin. Refusals are audited under the city they aimed at.
/// </summary>
internal sealed partial class TenancyMiddleware(RequestDelegate next, TenancyMode mode, RegistryHost registry, CityRegistry cities, TimeProvider timeProvider, ILogger<TenancyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        var api = path.StartsWithSegments("/api", StringComparison.Ordinal);
        var hub = path.StartsWithSegments("/hubs", StringComparison.Ordinal);
        if ((!api && !hub) || path.StartsWithSegments("/api/tenancy/mode", StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var store = await registry.StoreAsync;
        var token = TokenOf(context.Request, hub);
        OperatorPrincipal? principal = null;
        if (token is not null)
        {
            principal = await store.AuthenticateApiKeyAsync(token, context.RequestAborted);
            if (principal is null)
            {
                await RefuseAsync(context, store, null, null, StatusCodes.Status401Unauthorized, "The API key is unknown, revoked or wrong.");
                return;
            }

            context.User = OperatorClaims.From(principal);
        }

        if (!mode.RequireOperatorKeys)
        {
            await next(context);
            return;
        }

        var city = context.GetRouteValue("city") as string;
        if (city is not null)
        {
            var role = context.GetEndpoint()?.Metadata.GetMetadata<CityRoleMetadata>()?.Role
                       ?? (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method) ? OperatorRole.Viewer : OperatorRole.Operator);
            if (principal is null)
            {
                await RefuseAsync(context, store, null, city, StatusCodes.Status401Unauthorized, "An operator API key is required (X-Api-Key or Authorization: Bearer).");
                return;
            }

            if (!principal.Allows(city, role))
            {
                await RefuseAsync(context, store, principal, city, StatusCodes.Status403Forbidden, $"This key has no {role.ToString().ToLowerInvariant()} role in city '{city}'.");
                return;
            }

            await next(context);
            return;
        }

        if (principal is null)
        {
            await RefuseAsync(context, store, null, null, StatusCodes.Status401Unauthorized, "An operator API key is required (X-Api-Key or Authorization: Bearer).");
            return;
        }

        if (api && HttpMethods.IsGet(context.Request.Method) && (path.Equals("/api/cities", StringComparison.Ordinal) || path.Equals("/api/cities/", StringComparison.Ordinal)))
        {
            // The list shows only the caller's cities: another tenant's name is already a leak.
            var visible = cities.Cities
                .Where(c => principal.Allows(c.Id, OperatorRole.Viewer))
                .Select(c => new CitySummary(c.Id, c.NameZh, c.NameEn, c.TimeZone, c.Poles.Count))
                .ToList();
            await TypedResults.Ok(visible).ExecuteAsync(context);
            return;
        }

        var platformWide = api && context.GetEndpoint()?.Metadata.GetMetadata<CityRoleMetadata>() is null && !path.StartsWithSegments("/api/tenancy", StringComparison.Ordinal);
        if (platformWide && !principal.IsPlatformAdmin)
        {
            await RefuseAsync(context, store, principal, null, StatusCodes.Status403Forbidden, "Only a platform admin may use platform-wide endpoints.");
            return;
        }

        await next(context);
    }

    private static string? TokenOf(HttpRequest request, bool hub)
    {
        if (request.Headers["X-Api-Key"].FirstOrDefault() is { Length: > 0 } key)
        {
            return key;
        }

        var authorization = request.Headers.Authorization.FirstOrDefault();
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization["Bearer ".Length..].Trim();
        }

        // Browsers cannot set headers on a WebSocket: the SignalR client sends the token in the query.
        return hub && request.Query["access_token"].FirstOrDefault() is { Length: > 0 } query ? query : null;
    }

    private async Task RefuseAsync(HttpContext context, RegistryStore store, OperatorPrincipal? principal, string? city, int status, string detail)
    {
        var what = $"{context.Request.Method} {context.Request.Path}";
        LogRefused(OperatorClaims.Actor(principal), what, status);
        await store.AuditAsync(new AuditEntry(timeProvider.GetUtcNow(), city, OperatorClaims.Actor(principal), context.Request.Path.StartsWithSegments("/hubs", StringComparison.Ordinal) ? "hub.access" : "rest.access", AuditOutcome.Refused, $"{what}: {status}"));
        await TypedResults.Problem(statusCode: status, title: status == StatusCodes.Status401Unauthorized ? "Unauthorized" : "Forbidden", detail: detail).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Actor}: {Request} answered {Status}")]
    private partial void LogRefused(string actor, string request, int status);
}
