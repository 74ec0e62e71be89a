using Microsoft.Playwright;
using SmartPole.Testing;

namespace SmartPole.EndToEnd.Tests;

/// <summary>How the tests launch Debian's Chromium through Playwright (no browser download).</summary>
internal static class Browsers
{
    public static BrowserTypeLaunchOptions Options => new()
    {
        ExecutablePath = RealPeer.Chromium,
        Headless = true,
        // The machine's network is closed: background networking would only produce refused connections.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    };
}
