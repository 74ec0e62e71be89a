namespace SmartPole.EndToEnd.Tests;

/// <summary>The dashboard tests share one server and one browser, and run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "Dashboard";
}
