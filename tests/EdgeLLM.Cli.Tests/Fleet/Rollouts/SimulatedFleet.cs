using EdgeLLM.Cli.Fleet;
using EdgeLLM.Cli.Fleet.Simulation;
using EdgeLLM.Mqtt.Tests.Infrastructure;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Cli.Tests.Fleet.Rollouts;

/// <summary>
/// A rollout test's world: a real Mosquitto broker, a fleet key pair (private key file for the operator, public key in
/// the devices' trusted-keys directory), an unsigned manifest of a new version, and a <see cref="FleetSimulator"/>.
/// </summary>
internal sealed class SimulatedFleet : IAsyncDisposable
{
    public const string Group = "lab";
    public const string OldVersion = "2026.11.1";
    public const string NewVersion = "2099.1.1";
    public const string Seed = "scale-1";

    private SimulatedFleet(string root, MosquittoBroker broker, FleetSimulator simulator)
    {
        Root = root;
        Broker = broker;
        Simulator = simulator;
    }

    public string Root { get; }

    public MosquittoBroker Broker { get; }

    public FleetSimulator Simulator { get; }

    public string Address => $"{Broker.Host}:{Broker.Port}";

    public string PrivateKey => Path.Combine(Root, "fleet.pem");

    public string TrustedKeys => Path.Combine(Root, "trusted-keys");

    public string Manifest => Path.Combine(Root, $"iot-assist-{NewVersion}.json");

    public static async Task<SimulatedFleet> StartAsync(int devices, SimulatedFaults? faults = null, TimeSpan? step = null)
    {
        var root = Directory.CreateTempSubdirectory("edgellm-fleet-scale-").FullName;
        var keys = OtaKeyPair.Generate();
        await File.WriteAllTextAsync(Path.Combine(root, "fleet.pem"), keys.PrivateKeyPem);
        Directory.CreateDirectory(Path.Combine(root, "trusted-keys"));
        await File.WriteAllTextAsync(Path.Combine(root, "trusted-keys", "fleet.pub.pem"), keys.PublicKeyPem);
        // The simulated devices never download: the bundle's address and digest only have to be valid.
        await File.WriteAllTextAsync(Path.Combine(root, $"iot-assist-{NewVersion}.json"),
            "{\"model\":\"iot-assist\",\"version\":\"" + NewVersion + "\",\"url\":\"https://fleet.example/bundles/iot-assist-" + NewVersion + ".tar.gz\","
            + "\"sha256\":\"" + new string('a', 64) + "\",\"size\":5242880,\"rollout\":{\"percent\":100,\"seed\":\"" + Seed + "\"}}");
        var broker = await MosquittoBroker.StartAsync();
        var simulator = new FleetSimulator(new FleetSimulatorOptions
        {
            Devices = devices,
            Group = Group,
            TrustedKeysDir = Path.Combine(root, "trusted-keys"),
            Version = OldVersion,
            StepDuration = step ?? TimeSpan.FromMilliseconds(20),
            Faults = faults ?? new SimulatedFaults(),
        }, new FleetBrokerOptions { Host = broker.Host, Port = broker.Port });
        await simulator.StartAsync(CancellationToken.None);
        return new SimulatedFleet(root, broker, simulator);
    }

    /// <summary>The command line of a rollout of the new version to the group, with the broker and key filled in.</summary>
    public string[] RolloutArguments(params string[] plan) =>
        ["fleet", "rollout", Manifest, "--key", PrivateKey, "--group", Group, "--broker", Address, .. plan];

    public async ValueTask DisposeAsync()
    {
        await Simulator.DisposeAsync();
        await Broker.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
