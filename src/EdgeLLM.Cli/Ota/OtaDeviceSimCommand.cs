using System.Text.Json.Nodes;
using System.CommandLine;
using System.Text.Json;
using EdgeLLM.Ota;
using EdgeLLM.Ota.Bundles;
using EdgeLLM.Ota.Device;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeLLM.Cli.Ota;

/// <summary>
/// Hidden <c>edgellm ota device-sim</c>: runs the device side of OTA against a state directory without an engine
/// (the validator checks files only), printing one JSON line per event on standard output. It lets operators
/// dry-run a bundle, and lets the crash tests stop the process for good (SIGKILL) at any step with
/// <c>--hold-at STEP</c>, which blocks once that step is reached.
/// </summary>
internal static class OtaDeviceSimCommand
{
    public static Command Create()
    {
        var stateDir = new Option<string>("--state-dir") { Description = "State directory (EdgeLLM:StateDir)", Required = true };
        var keys = new Option<string>("--trusted-keys") { Description = "Trusted keys directory (EdgeLLM:Ota:TrustedKeysDir)", Required = true };
        var deviceId = new Option<string>("--device-id") { Description = "Device id for the rollout hash", DefaultValueFactory = _ => "device-sim" };
        var defaultModel = new Option<string?>("--default-model") { Description = "The embedded default model directory (its edgellm_model.json names it)" };
        var manifest = new Option<string?>("--manifest") { Description = "Manifest to apply after start-up recovery" };
        var resume = new Option<bool>("--resume") { Description = "Resume an interrupted update after start-up recovery" };
        var confirm = new Option<bool>("--confirm") { Description = "Confirm the serving model healthy after start-up (and after the update)" };
        var holdAt = new Option<string?>("--hold-at") { Description = "Block at this step (an OtaStep name, or Testing) until killed" };
        var failValidation = new Option<string?>("--fail-validation") { Description = "Make the smoke test fail with this reason" };
        var confirmSeconds = new Option<int>("--confirm-seconds") { Description = "Ota:ConfirmSeconds", DefaultValueFactory = _ => 300 };
        var command = new Command("device-sim", "Apply a manifest to a state directory as a device would (no engine; for tests and dry runs).")
        {
            stateDir, keys, deviceId, defaultModel, manifest, resume, confirm, holdAt, failValidation, confirmSeconds,
        };
        command.Hidden = true;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var events = new OtaSimEvents(parse.InvocationConfiguration.Output);
            var hold = parse.GetValue(holdAt);
            var options = new OtaOptions
            {
                TrustedKeysDir = parse.GetRequiredValue(keys),
                ConfirmSeconds = parse.GetValue(confirmSeconds),
                DownloadRetryDelayMilliseconds = 200,
            };
            if (new OtaOptionsValidator().Validate(null, options) is { Failed: true } invalid)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"edgellm ota device-sim: {invalid.FailureMessage}").ConfigureAwait(false);
                return 2;
            }
            var device = new OtaDeviceContext(parse.GetRequiredValue(deviceId), parse.GetRequiredValue(stateDir),
                OtaDeviceContext.CurrentRuntimeVersion, DescribeDefault(parse.GetValue(defaultModel)));
            // Logs go to standard error; standard output carries only the JSON events.
            using var loggers = LoggerFactory.Create(b => b.AddConsole(c => c.LogToStandardErrorThreshold = LogLevel.Trace));
            using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
            var validator = new OtaFileCheckValidator(parse.GetValue(failValidation), hold, events);
            await using var updater = new OtaUpdater(Options.Create(options), device, new OtaHostBindings(validator, events, events), http,
                loggers.CreateLogger<OtaUpdater>(), TimeProvider.System, new OtaSimStepObserver(hold, events));

            var directory = await updater.ResolveActiveModelDirectoryAsync(cancellationToken).ConfigureAwait(false);
            events.Write("resolved", new JsonObject { ["directory"] = directory, ["model"] = updater.ActiveModel?.Model, ["version"] = updater.ActiveModel?.Version });
            if (parse.GetValue(confirm))
            {
                updater.ConfirmHealthy();
            }

            OtaResult? result = null;
            if (parse.GetValue(resume))
            {
                result = await updater.ResumeInterruptedAsync(cancellationToken).ConfigureAwait(false);
            }

            if (parse.GetValue(manifest) is { } manifestPath)
            {
                result = await updater.SubmitAsync(await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }

            if (result is not null)
            {
                events.Write("result", new JsonObject { ["phase"] = result.Status.PhaseName, ["error"] = result.Status.Error });
                if (parse.GetValue(confirm) && result.Status.Phase == OtaPhase.Active)
                {
                    updater.ConfirmHealthy();
                }
            }

            return result is null || result.Status.Phase == OtaPhase.Active ? 0 : OtaCliErrors.Failure;
        });
        return command;
    }

    private static OtaInstalledModel? DescribeDefault(string? directory)
    {
        if (directory is null)
        {
            return null;
        }

        var full = Path.GetFullPath(directory);
        var info = Path.Combine(full, OtaBundlePacker.ModelInfoFile);
        if (File.Exists(info))
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(info));
            var root = document.RootElement;
            if (root.TryGetProperty("id", out var id) && root.TryGetProperty("version", out var version))
            {
                return new OtaInstalledModel(id.GetString()!, version.GetString()!, full);
            }
        }

        return new OtaInstalledModel(Path.GetFileName(full), "0", full);
    }
}
