using EdgeLLM.Ota.Device;

namespace EdgeLLM.Cli.Fleet.Simulation;

/// <summary>What a simulated fleet looks like: how many devices, their ids, group, starting model, pace and failures.</summary>
internal sealed record FleetSimulatorOptions
{
    /// <summary>The topic root the devices publish under (the service's <c>EdgeLLM:Mqtt:TopicRoot</c>).</summary>
    public string Root { get; init; } = FleetTopics.DefaultRoot;

    /// <summary>How many devices: ids are <see cref="Prefix"/> followed by a number, zero-padded (<c>sim-0001</c>).</summary>
    public int Devices { get; init; } = 100;

    public string Prefix { get; init; } = "sim-";

    /// <summary>The devices' <c>EdgeLLM:Ota:Group</c>.</summary>
    public string Group { get; init; } = "default";

    /// <summary>The directory of trusted public keys (<c>EdgeLLM:Ota:TrustedKeysDir</c>), shared by every device.</summary>
    public required string TrustedKeysDir { get; init; }

    /// <summary>The model every device serves at start (its embedded default).</summary>
    public string Model { get; init; } = "iot-assist";

    public string Version { get; init; } = "2026.11.1";

    public string RuntimeVersion { get; init; } = OtaDeviceContext.CurrentRuntimeVersion;

    /// <summary>How long downloading and testing each take.</summary>
    public TimeSpan StepDuration { get; init; } = TimeSpan.FromMilliseconds(50);

    public SimulatedFaults Faults { get; init; } = new();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The device ids, in order.</summary>
    public IEnumerable<string> DeviceIds()
    {
        var width = Math.Max(4, Devices.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        for (var i = 1; i <= Devices; i++)
        {
            yield return Prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0');
        }
    }

    /// <exception cref="FormatException">What is wrong, naming the option.</exception>
    public void Validate()
    {
        if (Devices is < 1 or > 100_000)
        {
            throw new FormatException("--devices must be from 1 to 100000");
        }

        _ = new FleetTopics(Root).DeviceOta(Prefix + "1");
        _ = new FleetTopics(Root).GroupOta(Group);
        if (!EdgeLLM.Ota.Manifests.OtaManifest.IsValidModelId(Model) || !EdgeLLM.Ota.Manifests.OtaManifest.IsValidVersion(Version))
        {
            throw new FormatException($"--model '{Model}' / --version '{Version}' is not a model id and version");
        }

        if (StepDuration < TimeSpan.Zero)
        {
            throw new FormatException("--step-ms must not be negative");
        }

        Faults.Validate();
    }
}
