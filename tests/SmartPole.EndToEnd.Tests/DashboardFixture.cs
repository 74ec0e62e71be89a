using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>
/// One server and one Chromium for every dashboard test: the demo city (300 simulated poles that
/// ack commands) runs in-process, and a small city <see cref="City"/> is filled once by the field
/// simulator and then stays still, so its figures can be compared with the REST API.
/// Every page runs in its own browser context, closed when its test ends, and every test has a
/// bounded time: a page that never settles fails its test instead of leaving a busy renderer.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>The still city.</summary>
    public const string City = "dash";

    /// <summary>Its poles.</summary>
    public const int Poles = 12;

    /// <summary>The demo city's id.</summary>
    public const string DemoCity = "shenzhen";

    /// <summary>Longest a dashboard test may run.</summary>
    public static readonly TimeSpan TestLimit = TimeSpan.FromSeconds(90);

    /// <summary>Where screenshots go (test artifacts).</summary>
    public static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private IPlaywright? _playwright;

    public ServerProcess Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Screenshots);
        Server = await ServerProcess.StartAsync("--Demo:Enabled=true", "--Demo:Interval=00:00:05");
        await using (var simulator = ManagedProcess.Start("dotnet",
        [
            RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
            "--broker", Server.MqttUrl.ToString(), "--city", City, "--poles", Poles.ToString(CultureInfo.InvariantCulture),
            "--interval", "1s", "--duration", "3s", "--qos", "1", "--seed", "11",
        ]))
        {
            var exit = await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60));
            Assert.True(exit == 0, $"simulator exited with {exit}:\n{simulator.Output}");
        }

        Assertions.SetDefaultExpectTimeout(10_000);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(Browsers.Options);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            // Closing the browser ends every renderer it started, busy or not.
            await Browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs the field simulator for three seconds on <paramref name="city"/> (<see cref="Poles"/>
    /// poles, one frame a second each) and waits for it to finish: the city then stays still.
    /// </summary>
    public async Task FillStillCityAsync(string city)
    {
        await using var simulator = StartSimulator(city, "1s", "3s");
        var exit = await simulator.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"simulator exited with {exit}:\n{simulator.Output}");
        await WaitForPolesAsync(city);
    }

    /// <summary>Starts the field simulator on <paramref name="city"/> with <see cref="Poles"/> poles; the caller disposes it.</summary>
    public ManagedProcess StartSimulator(string city, string interval, string duration) => ManagedProcess.Start("dotnet",
    [
        RepoPaths.BuiltDll("simulators", "SmartPole.Simulator"),
        "--broker", Server.MqttUrl.ToString(), "--city", city, "--poles", Poles.ToString(CultureInfo.InvariantCulture),
        "--interval", interval, "--duration", duration, "--qos", "1", "--seed", "11",
    ]);

    /// <summary>Acked frames are durable, not yet applied: waits until every pole's twin holds readings.</summary>
    public async Task WaitForPolesAsync(string city)
    {
        var url = $"api/cities/{city}/poles";
        await WaitFor.ConditionAsync(
            async () =>
            {
                using var response = await Server.Http.GetAsync(url);
                return response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>())
                    .EnumerateArray().Count(p => p.GetProperty("lastSeen").ValueKind == JsonValueKind.String) == Poles;
            },
            TimeSpan.FromSeconds(30),
            () => $"the poles of {city} did not all report; server output:\n{Server.Output}");
    }

    /// <summary>
    /// Opens the dashboard of <paramref name="city"/> in a fresh context, waits until it is live, runs
    /// <paramref name="test"/> with the page and the console errors seen so far, and closes the
    /// context whatever happens. Fails when the test takes longer than <see cref="TestLimit"/>.
    /// </summary>
    public async Task WithPageAsync(string city, int width, int height, Func<IPage, IReadOnlyList<string>, Task> test)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, Locale = "en-US" });
        try
        {
            context.SetDefaultTimeout(15_000);
            var page = await context.NewPageAsync();
            var errors = new List<string>();
            page.Console += (_, message) =>
            {
                if (message.Type == "error")
                {
                    lock (errors)
                    {
                        errors.Add(message.Text);
                    }
                }
            };
            page.PageError += (_, error) =>
            {
                lock (errors)
                {
                    errors.Add(error);
                }
            };
            var run = RunAsync(page, city, errors, test);
            try
            {
                await run.WaitAsync(TestLimit);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException($"the dashboard test did not finish within {TestLimit.TotalSeconds} s; server output:\n{Server.Output}");
            }
        }
        finally
        {
            await context.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    private async Task RunAsync(IPage page, string city, List<string> errors, Func<IPage, IReadOnlyList<string>, Task> test)
    {
        await page.GotoAsync(new Uri(Server.BaseUrl, $"?city={city}").ToString());
        await Assertions.Expect(page.Locator("#connection")).ToHaveTextAsync("live");
        await test(page, errors);
    }
}
