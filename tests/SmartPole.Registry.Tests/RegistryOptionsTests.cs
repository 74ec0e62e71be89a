using SmartPole.Registry;

namespace SmartPole.Registry.Tests;

public sealed class RegistryOptionsTests
{
    [Fact]
    public void The_import_cap_defaults_to_one_hundred_megabytes()
    {
        var options = new RegistryOptions();

        var cap = options.MaxImportBytes;

        Assert.Equal(100L * 1024 * 1024, cap);
    }
}
