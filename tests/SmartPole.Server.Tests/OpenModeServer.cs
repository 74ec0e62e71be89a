using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using SmartPole.Testing;

namespace SmartPole.Server.Tests;

/// <summary>
/// The server in memory for API tests: demo off, any free MQTT port, a data folder of its own, and open mode
/// (as in the demo), since these tests are about the API and tenancy has its own.
/// </summary>
internal sealed class OpenModeServer : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private readonly WebApplicationFactory<Program> _factory;

    public OpenModeServer(string name)
    {
        _data = new TempDirectory(name);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseSetting("Demo:Enabled", "false");
            web.UseSetting("Mqtt:AllowAnonymous", "true");
            web.UseSetting("Mqtt:Port", "0");
            web.UseSetting("Storage:DataDirectory", _data.Path);
        });
        Http = _factory.CreateClient();
    }

    /// <summary>A client of the in-memory server.</summary>
    public HttpClient Http { get; }

    /// <summary>The server's services.</summary>
    public IServiceProvider Services => _factory.Services;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
        _data.Dispose();
    }
}
