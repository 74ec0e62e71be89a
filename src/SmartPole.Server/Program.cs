using System.Text.Json;
using System.Text.Json.Serialization;
using SmartPole.Server.Apis;
using SmartPole.Server.Demo;
using SmartPole.Server.Hosting;
using SmartPole.Server.LiveFeed;
using SmartPole.Server.Tenancy;

// Content (appsettings, wwwroot) comes from beside the binaries, wherever the process is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));
builder.AddTimeSeries();
builder.AddTenancy();
builder.AddPoles();
builder.AddDemo();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseTenancy();
app.MapOpenApi();
app.MapHealthApi();
app.MapCityApi();
app.MapTelemetryApi();
app.MapPoleOperationsApi();
app.MapLightingApi();
app.MapDeadLetterApi();
app.MapTenancyApi();
app.MapHub<CityHub>("/hubs/city");
app.MapMqttWebSocket();
app.AnnounceAddresses();

return await StartupGuard.RunAsync(app);
