using SmartPole.Server.Apis;
using SmartPole.Server.Demo;
using SmartPole.Server.Hosting;
using SmartPole.Server.LiveFeed;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.AddOpenApi();
builder.AddTimeSeries();
builder.AddPoles();
builder.AddDemo();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapOpenApi();
app.MapHealthApi();
app.MapCityApi();
app.MapDeadLetterApi();
app.MapHub<CityHub>("/hubs/city");
app.AnnounceAddresses();

return await StartupGuard.RunAsync(app);
