using SmartPole.Domain.Cities;

namespace SmartPole.Simulation;

/// <summary>
/// The demo city: 300 poles along the main roads of Shenzhen's Futian district (深圳 · 福田区) —
/// Shennan Blvd, Hongli Rd, Binhe Blvd, Xinzhou, Yitian, Jintian, Caitian and Huanggang Rd — 45–50 m
/// apart on the roads' centre lines, wide roads with a second (sidewalk) lamp. The poles live in one
/// data file, <c>Cities/shenzhen-futian.json</c> (the simulator's manifest format, embedded in this
/// assembly), which the simulator and the server's demo mode both read through this class.
/// </summary>
public static class DemoCity
{
    /// <summary>The district id every demo pole carries.</summary>
    public const string District = "futian";

    /// <summary>The name of the demo city's data file, embedded in this assembly.</summary>
    public const string ResourceName = "SmartPole.Simulation.Cities.shenzhen-futian.json";

    private static readonly Lazy<CityInfo> LazyShenzhen = new(() => CityManifest.Parse(ReadManifest(), "shenzhen-futian.json").City);

    /// <summary>Shenzhen (id <c>shenzhen</c>, Asia/Shanghai) with its 300 Futian poles, ids like <c>ft-shennan-001</c>.</summary>
    public static CityInfo Shenzhen => LazyShenzhen.Value;

    /// <summary>The demo city's data file as JSON (a manifest a field engineer can copy and edit for <c>--manifest</c>).</summary>
    public static string ReadManifest()
    {
        using var stream = typeof(DemoCity).Assembly.GetManifestResourceStream(ResourceName)
                           ?? throw new InvalidOperationException($"The demo city's data file {ResourceName} is not embedded in {typeof(DemoCity).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
