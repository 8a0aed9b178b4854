using System.CommandLine;
using System.Globalization;

namespace EdgeLLM.Cli.Fleet.Simulation;

/// <summary>
/// <c>edgellm fleet simulate --devices N --trusted-keys DIR [--group G] [--prefix P] [--model M --version V]
/// [--fail-download %] [--fail-smoke %] [--silent %] [--step-ms MS]</c> plus the broker options: N simulated devices
/// (<see cref="FleetSimulator"/>) on the broker until Ctrl-C, for tests and for dry runs of a rollout plan.
/// </summary>
internal static class FleetSimulateCommand
{
    public static Command Create()
    {
        var devices = new Option<int>("--devices") { Description = "How many devices", Required = true };
        var trusted = new Option<string>("--trusted-keys") { Description = "Directory of trusted public key PEMs (the devices' EdgeLLM:Ota:TrustedKeysDir)", Required = true };
        var group = new Option<string>("--group") { Description = "The devices' OTA group", DefaultValueFactory = _ => "default" };
        var prefix = new Option<string>("--prefix") { Description = "Device ids: PREFIX0001, PREFIX0002, …", DefaultValueFactory = _ => "sim-" };
        var model = new Option<string>("--model") { Description = "The model every device serves at start", DefaultValueFactory = _ => "iot-assist" };
        var version = new Option<string>("--version") { Description = "Its version", DefaultValueFactory = _ => "2026.11.1" };
        var failDownload = new Option<double>("--fail-download") { Description = "Percent of devices whose download fails" };
        var failSmoke = new Option<double>("--fail-smoke") { Description = "Percent of devices whose smoke test fails" };
        var silent = new Option<double>("--silent") { Description = "Percent of devices that never report on a manifest" };
        var step = new Option<int>("--step-ms") { Description = "Milliseconds downloading and testing each take", DefaultValueFactory = _ => 50 };
        var broker = new FleetBrokerCliOptions();
        var command = new Command("simulate", "Simulated devices speaking the device side of the OTA topics, until Ctrl-C (dry runs, tests).")
        {
            devices, trusted, group, prefix, model, version, failDownload, failSmoke, silent, step,
        };
        broker.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            FleetSimulator simulator;
            FleetBrokerOptions options;
            try
            {
                FleetTopics topics;
                (options, topics) = broker.Read(parse);
                var settings = new FleetSimulatorOptions
                {
                    Root = topics.Root,
                    Devices = parse.GetValue(devices),
                    TrustedKeysDir = parse.GetRequiredValue(trusted),
                    Group = parse.GetValue(group)!,
                    Prefix = parse.GetValue(prefix)!,
                    Model = parse.GetValue(model)!,
                    Version = parse.GetValue(version)!,
                    StepDuration = TimeSpan.FromMilliseconds(parse.GetValue(step)),
                    Faults = new SimulatedFaults
                    {
                        DownloadFailPercent = parse.GetValue(failDownload),
                        SmokeFailPercent = parse.GetValue(failSmoke),
                        SilentPercent = parse.GetValue(silent),
                    },
                };
                if (!Directory.Exists(settings.TrustedKeysDir))
                {
                    throw new FormatException($"--trusted-keys: {settings.TrustedKeysDir} is not a directory");
                }

                simulator = new FleetSimulator(settings, options);
            }
            catch (FormatException e)
            {
                await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return FleetExitCodes.Usage;
            }

            await using (simulator)
            {
                try
                {
                    await simulator.StartAsync(cancellationToken).ConfigureAwait(false);
                    await console.Output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"simulating {simulator.Devices.Count} devices on {options}; Ctrl-C to stop")).ConfigureAwait(false);
                    await console.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    await simulator.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
                    await console.Error.WriteLineAsync("error: the broker closed the connection").ConfigureAwait(false);
                    return FleetExitCodes.Broker;
                }
                catch (Exception e) when (e is FleetBrokerException or OperationCanceledException && cancellationToken.IsCancellationRequested)
                {
                    return FleetExitCodes.Ok; // Ctrl-C, even while starting (MQTTnet may report a cancelled call as a communication error).
                }
                catch (FleetBrokerException e)
                {
                    await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                    return FleetExitCodes.Broker;
                }
            }
        });
        return command;
    }
}
