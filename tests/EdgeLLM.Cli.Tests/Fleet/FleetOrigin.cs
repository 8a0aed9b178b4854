using EdgeLLM.Cli.Tests.Ota.Support;
using EdgeLLM.Cli.Tests.Support;

namespace EdgeLLM.Cli.Tests.Fleet;

/// <summary>
/// Where a fleet's updates come from: the operator's signing key made with <c>ota keygen</c>, the devices'
/// trusted-keys folder holding its public half, and a bundles folder served over HTTP.
/// </summary>
internal sealed record FleetOrigin(string Keys, string Trusted, string Bundles, StaticBundleServer Server) : IAsyncDisposable
{
    /// <summary>Makes <c>ROOT/keys/fleet.pem</c> (+ <c>.pub.pem</c>), <c>ROOT/trusted-keys/fleet.pub.pem</c> and
    /// <c>ROOT/bundles</c>, and starts serving the bundles folder.</summary>
    public static async Task<FleetOrigin> StartAsync(string root)
    {
        var keys = Path.Combine(root, "keys");
        var keygen = await InProcess.RunAsync(["ota", "keygen", "--out", Path.Combine(keys, "fleet")]);
        Assert.True(keygen.ExitCode == 0, keygen.Error);
        // Devices trust every *.pem of their directory: only the public key goes there.
        var trusted = Path.Combine(root, "trusted-keys");
        Directory.CreateDirectory(trusted);
        File.Copy(Path.Combine(keys, "fleet.pub.pem"), Path.Combine(trusted, "fleet.pub.pem"));
        var bundles = Path.Combine(root, "bundles");
        Directory.CreateDirectory(bundles);
        return new FleetOrigin(keys, trusted, bundles, await StaticBundleServer.StartAsync(bundles));
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}
