using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartPole.Actors;
using SmartPole.Domain.Commands;
using SmartPole.Server.Poles;

namespace SmartPole.Server.Apis;

/// <summary>What operators do to poles: alarms (<c>/api/cities/{city}/alarms</c>), incidents and commands (<c>…/commands</c>).</summary>
internal static class PoleOperationsApi
{
    // A whole demo-sized district and more; larger groups are sent district by district.
    private const int MaxGroup = 10_000;

    public static IEndpointRouteBuilder MapPoleOperationsApi(this IEndpointRouteBuilder app)
    {
        var city = app.MapGroup("/api/cities/{city}").WithTags("Alarms and commands");
        city.MapGet("/alarms", ListAlarms).WithSummary("Open alarms of a city, most severe and newest first");
        city.MapGet("/incidents", ListIncidents).WithSummary("Open incidents of a city (alarms of one pole grouped with their probable cause), newest first");
        city.MapPost("/poles/{pole}/alarms/{alarmId}/acknowledge", AcknowledgeAlarm).WithSummary("Acknowledge an open alarm");
        city.MapPost("/commands", SendGroupCommand).WithSummary("Send one command to a group of poles (listed, or a district); 202 with each pole's command");
        city.MapPost("/poles/{pole}/commands", SendCommand).WithSummary("Send a command to a pole; 202 with its id, then poll it");
        city.MapGet("/poles/{pole}/commands/{commandId}", GetCommand).WithSummary("A command's progress: accepted, sent, acked, failed or timedOut");
        return app;
    }

    private static Results<Ok<List<PoleAlarm>>, ProblemHttpResult> ListAlarms(string city, CityRegistry registry, PoleReadModel readModel, int? limit) =>
        registry.Find(city) is null
            ? NotFound("Unknown city", $"No city '{city}'.")
            : TypedResults.Ok(readModel.OpenAlarms(city).Take(Math.Clamp(limit ?? 500, 1, 5000)).ToList());

    private static Results<Ok<List<PoleIncident>>, ProblemHttpResult> ListIncidents(string city, CityRegistry registry, PoleReadModel readModel, int? limit) =>
        registry.Find(city) is null
            ? NotFound("Unknown city", $"No city '{city}'.")
            : TypedResults.Ok(readModel.OpenIncidents(city).Take(Math.Clamp(limit ?? 500, 1, 5000)).ToList());

    private static async Task<Results<NoContent, ProblemHttpResult>> AcknowledgeAlarm(
        string city, string pole, string alarmId, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken)
    {
        if (registry.Find(city, pole) is null)
        {
            return NotFound("Unknown pole", $"City '{city}' has no pole '{pole}'.");
        }

        var done = await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.AcknowledgeAlarmAsync(alarmId), cancellationToken);
        return done ? TypedResults.NoContent() : NotFound("Unknown alarm", $"Pole '{pole}' has no open alarm '{alarmId}'.");
    }

    private static async Task<Results<Accepted<CommandRecord>, ProblemHttpResult>> SendCommand(
        string city, string pole, CommandBody body, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken)
    {
        if (registry.Find(city, pole) is null)
        {
            return NotFound("Unknown pole", $"City '{city}' has no pole '{pole}'.");
        }

        if (string.IsNullOrWhiteSpace(body.Device) || string.IsNullOrWhiteSpace(body.Action))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid command", detail: "A command needs 'device' and 'action', e.g. {\"device\":\"lamp-1\",\"action\":\"dim\",\"args\":{\"pct\":50}}.");
        }

        var request = new CommandRequest(body.Device, body.Action, body.Args);
        var record = await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.SendCommandAsync(request), cancellationToken);
        return TypedResults.Accepted($"/api/cities/{city}/poles/{pole}/commands/{record.Id}", record);
    }

    private static async Task<Results<Accepted<List<PoleCommand>>, ProblemHttpResult>> SendGroupCommand(
        string city, GroupCommandBody body, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken)
    {
        if (registry.Find(city) is not { } entry)
        {
            return NotFound("Unknown city", $"No city '{city}'.");
        }

        if (string.IsNullOrWhiteSpace(body.Device) || string.IsNullOrWhiteSpace(body.Action))
        {
            return Invalid("A command needs 'device' and 'action', e.g. {\"district\":\"futian\",\"device\":\"lamp-1\",\"action\":\"dim\",\"args\":{\"pct\":50}}.");
        }

        if ((body.Poles is null) == (body.District is null))
        {
            return Invalid("Name the group with either 'poles' (a list of pole ids) or 'district', not both.");
        }

        var targets = body.Poles is { } listed
            ? listed.Distinct(StringComparer.Ordinal).ToList()
            : [.. entry.Poles.Values.Where(p => string.Equals(p.District, body.District, StringComparison.OrdinalIgnoreCase)).Select(p => p.Id).Order(StringComparer.Ordinal)];
        var unknown = targets.Where(p => !entry.Poles.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
        {
            return Invalid($"City '{city}' has no pole {string.Join(", ", unknown.Take(10).Select(p => $"'{p}'"))}{(unknown.Count > 10 ? $" and {unknown.Count - 10} more" : "")}.");
        }

        if (targets.Count is 0 or > MaxGroup)
        {
            return Invalid($"A group holds 1 to {MaxGroup} poles; this one holds {targets.Count}.");
        }

        var request = new CommandRequest(body.Device, body.Action, body.Args);
        var sent = await Task.WhenAll(targets.Select(async pole =>
            new PoleCommand(pole, await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.SendCommandAsync(request), cancellationToken))));
        return TypedResults.Accepted((string?)null, sent.ToList());
    }

    private static async Task<Results<Ok<CommandRecord>, ProblemHttpResult>> GetCommand(
        string city, string pole, string commandId, CityRegistry registry, ActorHost<PoleActor> actors, CancellationToken cancellationToken)
    {
        if (registry.Find(city, pole) is null)
        {
            return NotFound("Unknown pole", $"City '{city}' has no pole '{pole}'.");
        }

        var record = await actors.AskAsync(PoleKey.Of(city, pole), (actor, _) => actor.CommandAsync(commandId), cancellationToken);
        return record is null ? NotFound("Unknown command", $"Pole '{pole}' has no command '{commandId}'.") : TypedResults.Ok(record);
    }

    private static ProblemHttpResult Invalid(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid command", detail: detail);

    private static ProblemHttpResult NotFound(string title, string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: title, detail: detail);
}

/// <summary>A command as an operator sends it.</summary>
/// <param name="Device">Device id on the pole, e.g. <c>lamp-1</c>.</param>
/// <param name="Action">What to do, e.g. <c>dim</c>, <c>on</c>, <c>off</c>, <c>energySaving</c>, <c>reboot</c>, <c>showText</c>.</param>
/// <param name="Args">Arguments, e.g. <c>{"pct":50}</c>.</param>
internal sealed record CommandBody(string? Device, string? Action, JsonElement? Args);

/// <summary>One command to a group of poles: either <paramref name="Poles"/> or <paramref name="District"/>.</summary>
/// <param name="Poles">Pole ids of the group.</param>
/// <param name="District">Every pole of this district (registry district, case-insensitive).</param>
/// <param name="Device">Device id on each pole, e.g. <c>lamp-1</c>.</param>
/// <param name="Action">What to do, as for one pole.</param>
/// <param name="Args">Arguments, as for one pole.</param>
internal sealed record GroupCommandBody(IReadOnlyList<string>? Poles, string? District, string? Device, string? Action, JsonElement? Args);

/// <summary>The command a group command gave one pole.</summary>
/// <param name="Pole">Pole id.</param>
/// <param name="Command">Its command, to poll at <c>…/poles/{pole}/commands/{id}</c>.</param>
internal sealed record PoleCommand(string Pole, CommandRecord Command);
