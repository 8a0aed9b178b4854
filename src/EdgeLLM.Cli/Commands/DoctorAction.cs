using System.CommandLine;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Devices;
using EdgeLLM.Serving.Configuration;

namespace EdgeLLM.Cli.Commands;

/// <summary>
/// <c>edgellm doctor [--device ID|FILE] [--config FILE] [--json]</c>: the device profile in force (configured
/// through <c>EdgeLLM:Device</c> in the settings <c>serve</c> reads, or detected, with the detector's findings), the
/// execution providers this ONNX Runtime offers and the one the profile's order picks, the budgets, the energy
/// meter with a reading, the thermal zones with their temperatures, and (unless <c>--no-load</c>) which executor and
/// provider really serve the configured model, and why.
/// </summary>
internal static class DoctorAction
{
    public static Command Create()
    {
        var device = new Option<string?>("--device") { Description = "A profile id or file; overrides EdgeLLM:Device" };
        var config = new Option<string?>("--config") { Description = "The configuration file to read instead of /etc/edgellm/edgellm.json and ./edgellm.json (as edgellm serve --config)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var noLoad = new Option<bool>("--no-load") { Description = "Skip loading the model to see which executor and provider serve it" };
        // The filesystem root the host is read under: / on a device, a copied sysfs tree when diagnosing one.
        var root = new Option<string>("--root") { Description = "Read /proc, /sys, /dev and /etc under this directory", DefaultValueFactory = _ => "/", Hidden = true };
        var command = new Command("doctor", "Show the device profile, execution providers, budgets, energy meter and temperatures.") { device, config, json, noLoad, root };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var console = parse.InvocationConfiguration;
            DeviceProfileCatalog catalog;
            DeviceDetection detection;
            EdgeLLMOptions settings;
            try
            {
                settings = CliSettings.Load(parse.GetValue(config));
                catalog = DeviceProfileCatalog.LoadDefault();
                detection = new DeviceDetector(catalog, parse.GetValue(root)!).Detect(parse.GetValue(device) ?? settings.Device);
            }
            catch (Exception e) when (e is DeviceProfileException or CliException)
            {
                await console.Error.WriteLineAsync($"edgellm doctor: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            var report = await DoctorReport.CollectAsync(catalog, detection, settings.Engine.Executor, parse.GetValue(root)!, cancellationToken).ConfigureAwait(false);
            if (!parse.GetValue(noLoad) && report.OrtError is null)
            {
                settings.Device = parse.GetValue(device) ?? settings.Device;
                report.Serving = await ServingCheck.RunAsync(settings).ConfigureAwait(false);
            }
            if (parse.GetValue(json))
            {
                await console.Output.WriteLineAsync(report.ToJson()).ConfigureAwait(false);
            }
            else
            {
                report.WriteText(console.Output);
            }
            // ONNX Runtime missing is the one finding that stops the service from running at all.
            return report.OrtError is null ? 0 : 3;
        });
        return command;
    }
}
