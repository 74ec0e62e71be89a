using System.Text;
using SmartPole.Domain;
using SmartPole.Registry.Import;

namespace SmartPole.Registry.Tests;

public sealed class ImportTests
{
    private const string Csv =
        "pole_id,name,lat,lon,address,district,device_id,kind,model,rated_power_w\r\n" +
        "ns-001,科技园 001,22.54,113.95,\"深南大道 1号, 南山\",nanshan,lamp-1,lighting,LX-120,120\r\n" +
        "ns-001,,,,,,env-1,environment,,\r\n" +
        "ns-002,科技园 002,22.5404,113.9504,,nanshan,,,,\r\n";

    private const string Json = """
        {"poles":[
          {"id":"ns-001","name":"科技园 001","lat":22.54,"lon":113.95,"district":"nanshan",
           "devices":[{"id":"lamp-1","kind":"lighting","model":"LX-120","ratedPowerW":120},{"id":"cell-1","kind":"smallcell","ratedPowerW":200}]},
          {"id":"ns-002","lat":22.5404,"lon":113.9504}
        ]}
        """;

    [Fact]
    public async Task A_csv_import_registers_poles_devices_and_districts()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var report = await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv), ImportFormat.Csv, "test");
        var poles = await registry.Store.ListPolesAsync(TestRegistry.City);

        Assert.Equal(new ImportReport(2, 0, 0, 2), report);
        Assert.Equal(["ns-001", "ns-002"], poles.Select(p => p.Id));
        Assert.Equal("深南大道 1号, 南山", poles[0].Address);
        Assert.Equal([new RegisteredDevice("env-1", DeviceKind.Environment, null, 0), new RegisteredDevice("lamp-1", DeviceKind.Lighting, "LX-120", 120)], poles[0].Devices);
        Assert.Empty(poles[1].Devices);
        Assert.Equal("nanshan", Assert.Single(await registry.Store.ListDistrictsAsync(TestRegistry.City)).Key);
    }

    [Fact]
    public async Task A_json_import_registers_poles_and_devices()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var report = await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Json), ImportFormat.Json, "test");
        var poles = await registry.Store.ListPolesAsync(TestRegistry.City);

        Assert.Equal(new ImportReport(2, 0, 0, 2), report);
        Assert.Equal(DeviceKind.SmallCell, poles[0].Devices[0].Kind);
        Assert.Equal("ns-002", poles[1].Name);
    }

    [Fact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv), ImportFormat.Csv, "test");
        var before = await registry.Store.ListPolesAsync(TestRegistry.City);

        var report = await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv), ImportFormat.Csv, "test");

        Assert.Equal(new ImportReport(0, 0, 2, 2), report);
        Assert.Equal(before, await registry.Store.ListPolesAsync(TestRegistry.City), new PoleComparer());
    }

    [Fact]
    public async Task A_changed_row_updates_its_pole_and_replaces_its_devices()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv), ImportFormat.Csv, "test");
        var changed = Csv.Replace("22.5404", "22.5410", StringComparison.Ordinal).Replace("ns-001,,,,,,env-1,environment,,\r\n", "", StringComparison.Ordinal);

        var report = await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(changed), ImportFormat.Csv, "test");
        var poles = await registry.Store.ListPolesAsync(TestRegistry.City);

        Assert.Equal(new ImportReport(0, 2, 0, 1), report);
        Assert.Equal(22.5410, poles[1].Latitude);
        Assert.Equal(["lamp-1"], poles[0].Devices.Select(d => d.Id));
    }

    [Fact]
    public async Task A_file_one_byte_over_the_cap_is_refused_before_it_is_parsed()
    {
        var bytes = Encoding.UTF8.GetBytes(Csv);
        await using var registry = await TestRegistry.CreateAsync(maxImportBytes: bytes.Length - 1);

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, new NonSeekableStream(bytes), ImportFormat.Csv, "test"));

        Assert.Contains("larger than Registry:MaxImportBytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.Store.ListPolesAsync(TestRegistry.City));
    }

    [Fact]
    public async Task A_file_exactly_at_the_cap_is_accepted()
    {
        var bytes = Encoding.UTF8.GetBytes(Csv);
        await using var registry = await TestRegistry.CreateAsync(maxImportBytes: bytes.Length);

        var report = await registry.Store.ImportAsync(TestRegistry.City, new NonSeekableStream(bytes), ImportFormat.Csv, "test");

        Assert.Equal(2, report.Created);
    }

    [Fact]
    public async Task A_utf16_file_is_refused_naming_the_encoding()
    {
        await using var registry = await TestRegistry.CreateAsync();
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Csv)).ToArray();

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, new MemoryStream(utf16), ImportFormat.Csv, "test"));

        Assert.Contains("UTF-16", error.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.Store.ListPolesAsync(TestRegistry.City));
    }

    [Fact]
    public async Task A_gbk_file_is_refused_naming_the_line_of_the_first_bad_byte()
    {
        await using var registry = await TestRegistry.CreateAsync();

        // "科技园" in GBK: bytes that are not UTF-8.
        var gbk = Encoding.ASCII.GetBytes("pole_id,name,lat,lon\r\nns-001,").Concat(new byte[] { 0xBF, 0xC6, 0xBC, 0xBC, 0xD4, 0xB0 }).Concat(Encoding.ASCII.GetBytes(",22.54,113.95\r\n")).ToArray();

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, new MemoryStream(gbk), ImportFormat.Csv, "test"));

        Assert.Contains("not valid UTF-8 at line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("GBK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_file_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, new MemoryStream([0x50, 0x4B, 0x03, 0x04, 0x00, 0x00]), ImportFormat.Csv, "test"));

        Assert.Contains("NUL byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_broken_row_is_reported_with_its_row_and_column_and_nothing_is_changed()
    {
        await using var registry = await TestRegistry.CreateAsync();
        await registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(Csv), ImportFormat.Csv, "test");
        var before = await registry.Store.ListPolesAsync(TestRegistry.City);
        var auditBefore = await registry.Store.ReadAuditAsync(TestRegistry.City);
        var broken =
            "pole_id,name,lat,lon,device_id,kind,rated_power_w\r\n" +
            "ns-001,renamed,22.54,113.95,lamp-1,lighting,120\r\n" +
            "NS-BAD,x,22.54,113.95,,,\r\n" +
            "ns-003,x,ninety,113.95,,,\r\n" +
            "ns-004,x,22.54,120.5,,,\r\n" +
            "ns-005,x,22.54,113.95,tp-1,teleporter,\r\n" +
            "ns-006,x,22.54,113.95,lamp-1,lighting,-5\r\n" +
            "ns-006,x,22.54,113.95,lamp-1,lighting,100\r\n" +
            "ns-007,x,22.54\r\n";

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(broken), ImportFormat.Csv, "test"));

        Assert.Collection(
            error.Errors,
            e => Assert.Equal((3, "pole_id"), (e.Row, e.Column)),
            e => Assert.Equal((4, "lat"), (e.Row, e.Column)),
            e => Assert.Equal((5, "lat"), (e.Row, e.Column)),
            e => Assert.Equal((6, "kind"), (e.Row, e.Column)),
            e => Assert.Equal((7, "rated_power_w"), (e.Row, e.Column)),
            e => Assert.Equal((8, "device_id"), (e.Row, e.Column)),
            e => Assert.Equal((9, ""), (e.Row, e.Column)));
        Assert.Contains("outside the city's bounds", error.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("unknown device kind 'teleporter'", error.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("appears twice", error.Errors[5].Message, StringComparison.Ordinal);
        Assert.Equal(before, await registry.Store.ListPolesAsync(TestRegistry.City), new PoleComparer());
        Assert.Equal(auditBefore.Count, (await registry.Store.ReadAuditAsync(TestRegistry.City)).Count);
    }

    [Fact]
    public async Task A_json_pole_id_twice_is_refused_naming_both_places()
    {
        await using var registry = await TestRegistry.CreateAsync();
        const string twice = """{"poles":[{"id":"a","lat":22.5,"lon":114},{"id":"b","lat":22.5,"lon":114},{"id":"a","lat":22.6,"lon":114}]}""";

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(twice), ImportFormat.Json, "test"));

        var only = Assert.Single(error.Errors);
        Assert.Equal((3, "id"), (only.Row, only.Column));
        Assert.Contains("first on row 1", only.Message, StringComparison.Ordinal);
        Assert.Empty(await registry.Store.ListPolesAsync(TestRegistry.City));
    }

    [Fact]
    public async Task Json_syntax_errors_name_the_line_and_value_errors_the_member_path()
    {
        await using var registry = await TestRegistry.CreateAsync();
        const string syntax = "{\"poles\":[\n{\"id\":\"a\",\"lat\":22.5,\n\"lon\":}]}";
        const string values = """{"poles":[{"id":"a","lat":22.5,"lon":114,"devices":[{"id":"lamp-1","kind":"lighting","ratedPowerW":"lots"}],"colour":"red"}]}""";

        var syntaxError = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(syntax), ImportFormat.Json, "test"));
        var valueError = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(values), ImportFormat.Json, "test"));

        Assert.Equal(3, Assert.Single(syntaxError.Errors).Row);
        Assert.Equal(["colour", "devices[0].ratedPowerW"], valueError.Errors.Select(e => e.Column).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_header_with_an_unknown_or_missing_column_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8("pole_id,latitude,lon\r\nns-1,22.5,114\r\n"), ImportFormat.Csv, "test"));

        Assert.Equal(["lat", "latitude"], error.Errors.Select(e => e.Column).Order(StringComparer.Ordinal));
        Assert.All(error.Errors, e => Assert.Equal(1, e.Row));
    }

    [Fact]
    public async Task Rows_of_one_pole_that_disagree_are_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();
        const string disagree = "pole_id,name,lat,lon,device_id,kind\r\nns-1,A,22.5,114,lamp-1,lighting\r\nns-1,B,22.5,114,env-1,environment\r\n";

        var error = await Assert.ThrowsAsync<ImportRejectedException>(() =>
            registry.Store.ImportAsync(TestRegistry.City, TestRegistry.Utf8(disagree), ImportFormat.Csv, "test"));

        var only = Assert.Single(error.Errors);
        Assert.Equal((3, "name"), (only.Row, only.Column));
    }

    [Fact]
    public async Task An_import_into_an_unknown_city_is_refused()
    {
        await using var registry = await TestRegistry.CreateAsync();

        var error = await Assert.ThrowsAsync<RegistryException>(() =>
            registry.Store.ImportAsync("atlantis", TestRegistry.Utf8(Csv), ImportFormat.Csv, "test"));

        Assert.Equal(RegistryErrorKind.NotFound, error.Kind);
    }

    private sealed class PoleComparer : IEqualityComparer<IReadOnlyList<RegisteredPole>>
    {
        public bool Equals(IReadOnlyList<RegisteredPole>? x, IReadOnlyList<RegisteredPole>? y) =>
            x!.Count == y!.Count && x.Zip(y).All(p => p.First with { Devices = [] } == p.Second with { Devices = [] } && p.First.Devices.SequenceEqual(p.Second.Devices));

        public int GetHashCode(IReadOnlyList<RegisteredPole> obj) => obj.Count;
    }

    /// <summary>A stream that does not know its length, as an HTTP request body.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
