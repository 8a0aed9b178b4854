using System.CommandLine;
using EdgeLLM.Cli.Fleet;

namespace EdgeLLM.Cli.Ota;

/// <summary>
/// <c>edgellm ota publish MANIFEST --broker HOST[:PORT] (--device ID | --group NAME) --public-key PEM|DIR [--root R]
/// [--username U --password P] [--tls-ca-file F [--tls-cert-file C --tls-key-file K]]</c>: checks the manifest as a
/// device would (fields and signature against the given key) and only then publishes it, byte for byte, retained at
/// QoS 1 on <c>{root}/{device}/ota</c> or <c>{root}/fleet/{group}/ota</c>. <c>--clear</c> removes the retained manifest
/// (an empty retained message). Exit codes: <see cref="FleetExitCodes"/>.
/// </summary>
internal static class OtaPublishCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string?>("MANIFEST") { Description = "The signed manifest JSON file (not with --clear)", Arity = ArgumentArity.ZeroOrOne };
        var device = new Option<string?>("--device") { Description = "Publish to one device: {root}/{device}/ota" };
        var group = new Option<string?>("--group") { Description = "Publish to a group: {root}/fleet/{group}/ota (devices' EdgeLLM:Ota:Group)" };
        var publicKey = new Option<string?>("--public-key") { Description = "Public key PEM (or a directory of them) the signature must verify against" };
        var clear = new Option<bool>("--clear") { Description = "Remove the retained manifest from the topic instead" };
        var broker = new FleetBrokerCliOptions();
        var command = new Command("publish", "Verify a signed manifest and publish it retained (QoS 1) to a device or a group over MQTT.")
        {
            manifest, device, group, publicKey, clear,
        };
        broker.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            FleetBrokerOptions options;
            FleetTopics topics;
            string topic;
            try
            {
                (options, topics) = broker.Read(parse);
                topic = (parse.GetValue(device), parse.GetValue(group)) switch
                {
                    ({ } id, null) => topics.DeviceOta(id),
                    (null, { } name) => topics.GroupOta(name),
                    _ => throw new FormatException("give exactly one of --device and --group"),
                };
                if (parse.GetValue(clear) && parse.GetValue(manifest) is not null)
                {
                    throw new FormatException("--clear takes no MANIFEST");
                }

                if (!parse.GetValue(clear) && (parse.GetValue(manifest) is null || parse.GetValue(publicKey) is null))
                {
                    throw new FormatException("publishing needs MANIFEST and --public-key (or --clear to remove the retained manifest)");
                }
            }
            catch (FormatException e)
            {
                await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return FleetExitCodes.Usage;
            }

            byte[] payload = [];
            var what = "the retained manifest removed";
            if (!parse.GetValue(clear))
            {
                var check = await OtaManifestCheck.RunAsync(parse.GetValue(manifest)!, parse.GetValue(publicKey)!, cancellationToken).ConfigureAwait(false);
                if (check.Manifest is null)
                {
                    await console.Error.WriteLineAsync($"error: not verified, nothing published: {check.Problem}").ConfigureAwait(false);
                    return FleetExitCodes.NotVerified;
                }

                payload = check.Bytes!;
                what = $"{check.Manifest}{(check.Manifest.Rollout.Percent < 100 ? $" (rollout {check.Manifest.Rollout.Percent}%, seed '{check.Manifest.Rollout.Seed}')" : "")} published";
            }

            try
            {
                await using var connection = await FleetConnection.ConnectAsync(options, topics, cancellationToken).ConfigureAwait(false);
                await connection.PublishAsync(topic, payload, retain: true, cancellationToken).ConfigureAwait(false);
            }
            catch (FleetBrokerException e)
            {
                await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return FleetExitCodes.Broker;
            }

            await console.Output.WriteLineAsync($"{what}: {topic} on {options} (retained, QoS 1)").ConfigureAwait(false);
            return FleetExitCodes.Ok;
        });
        return command;
    }
}
