using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace EdgeLLM.Service.Tests.Deploy;

/// <summary>The unit install.sh writes, rated by systemd's own security analysis.</summary>
public sealed partial class SystemdUnitTests
{
    [Fact]
    public void The_installed_unit_rates_1_5_or_lower_and_is_a_notify_service_with_a_watchdog()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "deploy", "edgellm.service.in")))
        {
            dir = dir.Parent;
        }
        Assert.NotNull(dir);
        var template = File.ReadAllText(Path.Combine(dir.FullName, "deploy", "edgellm.service.in"));
        var unit = template.Replace("@PREFIX@", "/opt/edgellm").Replace("@MEMORY_MAX@", "3G");
        foreach (var line in new[] { "Type=notify", "WatchdogSec=", "Restart=on-failure", "DynamicUser=yes", "StateDirectory=edgellm", "CacheDirectory=edgellm", "Environment=GLIBC_TUNABLES=glibc.malloc.arena_max=1", "ProtectSystem=strict", "MemoryMax=3G" })
        {
            Assert.Contains(line, unit);
        }
        if (!File.Exists("/usr/bin/systemd-analyze"))
        {
            return; // The rating needs systemd's tools; install.sh --test installs the systemd package on Debian.
        }
        var path = Path.Combine(Directory.CreateTempSubdirectory("edgellm-unit-").FullName, "edgellm.service");
        File.WriteAllText(path, unit);
        using var process = Process.Start(new ProcessStartInfo("/usr/bin/systemd-analyze", ["security", "--offline=yes", path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        var match = Exposure().Match(output);
        Assert.True(match.Success, output);
        Assert.True(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) <= 1.5, match.Value);
    }

    [GeneratedRegex(@"Overall exposure level for edgellm\.service: ([0-9.]+)")]
    private static partial Regex Exposure();
}
