using System.Text;
using SmartPole.Registry.Export;
using SmartPole.Registry.Import;
using SmartPole.Simulation;

namespace SmartPole.Registry.Tests;

public sealed class ExportTests
{
    private const string Json = """
        {"poles":[
          {"id":"ns-001","name":"=HYPERLINK(\"http://evil\")","lat":22.54,"lon":113.95,"address":"+86 755 1234","district":"nanshan",
           "devices":[{"id":"lamp-1","kind":"lighting","model":"@SUM(A1)","ratedPowerW":120},{"id":"env-1","kind":"environment"}]},
          {"id":"ns-002","name":"-2+3","lat":22.5404,"lon":113.9504}
        ]}
        """;

    private static Task<TestRegistry> WithPolesAsync() => TestRegistry.WithPolesAsync(Json, ImportFormat.Json);

    [Fact]
    public async Task Csv_export_neutralises_cells_a_spreadsheet_would_run_as_formulas()
    {
        await using var registry = await WithPolesAsync();
        using var writer = new StringWriter();

        await registry.Store.WritePolesCsvAsync(TestRegistry.City, writer);
        var lines = writer.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("pole_id,name,lat,lon,address,district,device_id,kind,model,rated_power_w", lines[0]);
        Assert.Equal("ns-001,\"'=HYPERLINK(\"\"http://evil\"\")\",22.54,113.95,'+86 755 1234,nanshan,env-1,environment,,0", lines[1]);
        Assert.Equal("ns-001,\"'=HYPERLINK(\"\"http://evil\"\")\",22.54,113.95,'+86 755 1234,nanshan,lamp-1,lighting,'@SUM(A1),120", lines[2]);
        Assert.Equal("ns-002,'-2+3,22.5404,113.9504,,,,,,", lines[3]);
        Assert.Equal(4, lines.Length);
    }

    [Fact]
    public async Task An_exported_csv_imports_back_as_unchanged_except_neutralised_text()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8("pole_id,name,lat,lon\r\nns-001,Plain name,22.54,113.95\r\n"), ImportFormat.Csv, "test");
        using var writer = new StringWriter();
        await registry.Store.WritePolesCsvAsync(TestRegistry.City, writer);

        var report = await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(writer.ToString()), ImportFormat.Csv, "test");

        Assert.Equal(new ImportReport(0, 0, 1, 0), report);
    }

    [Fact]
    public async Task A_manifest_is_read_by_the_simulator_and_its_credentials_log_in()
    {
        await using var registry = await WithPolesAsync();
        using var output = new MemoryStream();

        await registry.Store.WriteManifestAsync(TestRegistry.City, ManifestCredentials.IssueMissing, output, "test");
        var manifest = CityManifest.Parse(Encoding.UTF8.GetString(output.ToArray()));

        Assert.Equal(TestRegistry.City, manifest.City.Id);
        Assert.Equal("Asia/Shanghai", manifest.City.TimeZone);
        Assert.Equal(["ns-001", "ns-002"], manifest.City.Poles.Select(p => p.Id));
        Assert.Equal(["env-1", "lamp-1"], manifest.City.Poles[0].Devices.Select(d => d.Id));
        Assert.Equal(120, manifest.City.Poles[0].Devices[1].RatedPowerW);
        Assert.Empty(manifest.City.Poles[1].Devices);
        foreach (var (pole, credential) in manifest.Credentials)
        {
            var principal = await registry.Store.AuthenticateMqttAsync(credential.Username, credential.Password);
            Assert.Equal([pole], principal!.Poles);
        }

        Assert.Equal(2, manifest.Credentials.Count);
    }

    [Fact]
    public async Task A_second_manifest_shows_no_secret_twice_unless_rotating()
    {
        await using var registry = await WithPolesAsync();
        using var first = new MemoryStream();
        using var second = new MemoryStream();
        using var rotated = new MemoryStream();
        await registry.Store.WriteManifestAsync(TestRegistry.City, ManifestCredentials.IssueMissing, first, "test");
        var old = CityManifest.Parse(Encoding.UTF8.GetString(first.ToArray())).Credentials["ns-001"];

        await registry.Store.WriteManifestAsync(TestRegistry.City, ManifestCredentials.IssueMissing, second, "test");
        await registry.Store.WriteManifestAsync(TestRegistry.City, ManifestCredentials.RotateAll, rotated, "test");

        Assert.Empty(CityManifest.Parse(Encoding.UTF8.GetString(second.ToArray())).Credentials);
        Assert.Equal(2, CityManifest.Parse(Encoding.UTF8.GetString(rotated.ToArray())).Credentials.Count);
        Assert.Null(await registry.Store.AuthenticateMqttAsync(old.Username, old.Password));
    }
}
