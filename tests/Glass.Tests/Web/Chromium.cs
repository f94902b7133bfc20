using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using Xunit;

namespace Glass.Tests.Web;

/// <summary>Debian's Chromium and ChromeDriver, driven headless by Selenium. Never downloads a browser or driver.</summary>
static class Chromium
{
    public const string Browser = "/usr/bin/chromium";
    public const string Driver = "/usr/bin/chromedriver";

    /// <summary>Why browser tests cannot run here, or null when they can.</summary>
    public static string? Missing =>
        File.Exists(Browser) && File.Exists(Driver) ? null
        : $"Chromium not installed ({Browser}, {Driver}); `apt-get install chromium chromium-driver` (CI's .ci/run does)";

    /// <summary>A headless Chromium whose downloads land in <paramref name="downloads"/>.</summary>
    public static ChromeDriver Start(string downloads, string profile)
    {
        // Explicit browser and driver paths: Selenium Manager has nothing to look up or download.
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = Browser };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--window-size=1280,1000", $"--user-data-dir={profile}");
        options.AddUserProfilePreference("download.default_directory", downloads);
        options.AddUserProfilePreference("download.prompt_for_download", false);
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }
}

/// <summary>A fact that is skipped, with the reason, only when Chromium or ChromeDriver is absent.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Missing is { } reason) Skip = reason;
    }
}
