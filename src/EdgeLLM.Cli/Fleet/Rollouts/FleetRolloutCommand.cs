using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeLLM.Cli.Common;
using EdgeLLM.Ota.Manifests;
using EdgeLLM.Ota.Signing;

namespace EdgeLLM.Cli.Fleet.Rollouts;

/// <summary>
/// <c>edgellm fleet rollout MANIFEST --key PRIVATE.pem (--group G | --devices ID,…) [--plan FILE | --waves 1%,10%,100%
/// …] [--name N] [--watch] [--json]</c> plus the broker options: runs a staged rollout (see <see cref="RolloutRunner"/>)
/// and exits 0 when it completed, 3 when it was aborted, 5 when its window ended first.
/// </summary>
internal static class FleetRolloutCommand
{
    public static Command Create()
    {
        var manifest = new Argument<string>("MANIFEST") { Description = "The manifest JSON (from ota pack; its rollout and signature are replaced per wave)" };
        var key = new Option<string>("--key") { Description = "Private key PEM that signs each wave's manifest and the abort notice", Required = true };
        var group = new Option<string?>("--group") { Description = "Roll out to a group ({root}/fleet/{group}/ota)" };
        var devices = new Option<string?>("--devices") { Description = "Roll out to these devices (comma-separated ids), each on its own topic" };
        var name = new Option<string?>("--name") { Description = "The rollout's name; its state is retained at {root}/fleet/{name}/rollout (default: the group)" };
        var plan = new Option<string?>("--plan") { Description = "Plan JSON file (docs/OTA.md); instead of the plan options below" };
        var waves = new Option<string?>("--waves") { Description = "Waves, cumulative: percents or device counts, e.g. 1%,10%,50%,100%" };
        var exponential = new Option<string?>("--exponential") { Description = "Instead of --waves: BASE:FACTOR, waves of BASE, BASE×FACTOR, … devices" };
        var minExecuted = new Option<int>("--min-executed") { Description = "Devices that must have executed before the abort gate counts", DefaultValueFactory = _ => 1 };
        var abortFailed = new Option<double?>("--abort-failed") { Description = "Abort when this percent of executed devices failed" };
        var abortRejected = new Option<double?>("--abort-rejected") { Description = "Abort when this percent refused the manifest" };
        var abortTimedOut = new Option<double?>("--abort-timed-out") { Description = "Abort when this percent timed out" };
        var abortAll = new Option<double?>("--abort-all") { Description = "Abort when this percent failed, refused or timed out together" };
        var timeout = new Option<double>("--in-progress-timeout") { Description = "Seconds a device may take from its wave's start", DefaultValueFactory = _ => 1800 };
        var startAt = new Option<string?>("--start-at") { Description = "No wave before this time (ISO 8601)" };
        var endAt = new Option<string?>("--end-at") { Description = "No wave after this time (ISO 8601): the rollout stops widening" };
        var watch = new Option<bool>("--watch") { Description = "Also print progress whenever the counts change" };
        var json = CommonOptions.Json("One JSON object per line instead of text");
        var broker = new FleetBrokerCliOptions();
        var command = new Command("rollout", "Roll a signed model version out in waves, gated on the devices' reports; abort (and roll back) when a gate fails.")
        {
            manifest, key, group, devices, name, plan, waves, exponential, minExecuted, abortFailed, abortRejected, abortTimedOut, abortAll, timeout, startAt, endAt,
            watch, json,
        };
        broker.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            FleetBrokerOptions options;
            FleetTopics topics;
            RolloutRequest request;
            ECDsa privateKey;
            try
            {
                (options, topics) = broker.Read(parse);
                var manifestPath = parse.GetRequiredValue(manifest);
                var bytes = await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false);
                var parsed = OtaManifest.Parse(bytes);
                var (targetGroup, list) = (parse.GetValue(group), parse.GetValue(devices)) switch
                {
                    ({ } g, null) => (g, (IReadOnlyList<string>?)null),
                    (null, { } d) => (null, d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList()),
                    _ => throw new FormatException("give exactly one of --group and --devices"),
                };
                if (targetGroup is not null)
                {
                    _ = topics.GroupOta(targetGroup);
                }

                foreach (var id in list ?? [])
                {
                    _ = topics.DeviceOta(id);
                }

                var rolloutName = parse.GetValue(name) ?? targetGroup ?? throw new FormatException("a rollout to --devices needs --name");
                _ = topics.GroupOta(rolloutName);
                var rolloutPlan = parse.GetValue(plan) is { } planPath
                    ? RolloutPlan.Parse(JsonDocument.Parse(await File.ReadAllBytesAsync(planPath, cancellationToken).ConfigureAwait(false)).RootElement)
                    : PlanFromOptions(parse, waves, exponential, minExecuted, abortFailed, abortRejected, abortTimedOut, abortAll, timeout, startAt, endAt);
                request = new RolloutRequest(rolloutName, parsed, bytes, targetGroup, list, rolloutPlan);
                var keyPath = parse.GetRequiredValue(key);
                privateKey = OtaKeys.LoadPrivateKey(await File.ReadAllTextAsync(keyPath, cancellationToken).ConfigureAwait(false), keyPath);
            }
            catch (Exception e) when (e is FormatException or OtaManifestException or JsonException or IOException or UnauthorizedAccessException or CryptographicException)
            {
                await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return FleetExitCodes.Usage;
            }

            using (privateKey)
            {
                return await FleetBrokerErrors.RunAsync(console.Error, async () =>
                {
                    try
                    {
                        await using var connection = await FleetConnection.ConnectAsync(options, topics, cancellationToken).ConfigureAwait(false);
                        var reporter = new RolloutConsoleReporter(console.Output, parse.GetValue(json), parse.GetValue(watch));
                        var final = await new RolloutRunner(connection, topics, request, privateKey, reporter).RunAsync(cancellationToken).ConfigureAwait(false);
                        return final.Outcome switch
                        {
                            RolloutState.Completed => FleetExitCodes.Ok,
                            RolloutState.Aborted => FleetExitCodes.Aborted,
                            _ => FleetExitCodes.Expired,
                        };
                    }
                    catch (Exception e) when (e is RolloutConflictException or FormatException)
                    {
                        await console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                        return FleetExitCodes.Usage;
                    }
                }, cancellationToken).ConfigureAwait(false);
            }
        });
        return command;
    }

    private static RolloutPlan PlanFromOptions(
        ParseResult parse, Option<string?> waves, Option<string?> exponential, Option<int> minExecuted, Option<double?> failed, Option<double?> rejected,
        Option<double?> timedOut, Option<double?> all, Option<double> timeout, Option<string?> startAt, Option<string?> endAt)
    {
        (int, double)? rate = null;
        if (parse.GetValue(exponential) is { } text)
        {
            var parts = text.Split(':');
            rate = parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var b)
                                     && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
                ? (b, f)
                : throw new FormatException("--exponential must be BASE:FACTOR, e.g. 10:2");
        }

        var plan = new RolloutPlan
        {
            Waves = parse.GetValue(waves) is { } list ? [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(RolloutWave.Parse)] : [],
            Exponential = rate,
            MinExecuted = parse.GetValue(minExecuted),
            Abort = new RolloutAbortCriteria(parse.GetValue(failed), parse.GetValue(rejected), parse.GetValue(timedOut), parse.GetValue(all)),
            InProgressTimeout = TimeSpan.FromSeconds(parse.GetValue(timeout)),
            StartAt = Time(parse.GetValue(startAt), "--start-at"),
            EndAt = Time(parse.GetValue(endAt), "--end-at"),
        };
        plan.Validate();
        return plan;
    }

    private static DateTimeOffset? Time(string? text, string option) =>
        text is null ? null
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time) ? time
        : throw new FormatException($"{option} must be a time such as 2026-12-07T03:00:00Z");
}
