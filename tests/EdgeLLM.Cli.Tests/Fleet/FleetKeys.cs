using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>An operator's signing key made with <c>ota keygen</c>, and the devices' trusted-keys folder holding its public half.</summary>
internal static class FleetKeys
{
    /// <summary>Makes <c>ROOT/keys/fleet.pem</c> (+ <c>.pub.pem</c>) and <c>ROOT/trusted-keys/fleet.pub.pem</c>.</summary>
    public static async Task<(string Keys, string Trusted)> CreateAsync(string root)
    {
        var keys = Path.Combine(root, "keys");
        var keygen = await InProcess.RunAsync(["ota", "keygen", "--out", Path.Combine(keys, "fleet")]);
        Assert.True(keygen.ExitCode == 0, keygen.Error);
        // Devices trust every *.pem of their directory: only the public key goes there.
        var trusted = Path.Combine(root, "trusted-keys");
        Directory.CreateDirectory(trusted);
        File.Copy(Path.Combine(keys, "fleet.pub.pem"), Path.Combine(trusted, "fleet.pub.pem"));
        return (keys, trusted);
    }
}
