using System.CommandLine;
using System.Text.Json;
using EdgeLLM.Onnx;
using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Models;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;

namespace EdgeLLM.Cli.Doctor;

/// <summary>
/// <c>edgellm doctor [--device ID|FILE] [--json]</c>: the device profile (configured or detected, with what the
/// detector saw), the execution providers this ONNX Runtime offers and the one the profile's order would choose,
/// budgets, the energy meter with a reading, and the thermal zones.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var device = new Option<string?>("--device") { Description = "A profile id or file (default: EDGELLM__DEVICE, else auto-detected)" };
        var json = new Option<bool>("--json") { Description = "Machine-readable output" };
        var profileId = new Option<bool>("--profile-id") { Description = "Print only the selected profile's id (used by install.sh)", Hidden = true };
        var command = new Command("doctor", "Show the device profile, hardware findings, execution providers, budgets, energy meter and temperatures.")
        {
            device, json, profileId,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var catalog = DeviceProfileCatalog.Load();
            var wanted = parse.GetValue(device) ?? Environment.GetEnvironmentVariable("EDGELLM__DEVICE");
            var detection = new DeviceDetector().Detect(catalog);
            DeviceProfile profile;
            try
            {
                profile = wanted is { Length: > 0 } ? catalog.Get(wanted) : detection.Profile;
            }
            catch (Exception e) when (e is KeyNotFoundException or InvalidDataException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            if (parse.GetValue(profileId))
            {
                await output.WriteLineAsync(profile.Id).ConfigureAwait(false);
                return 0;
            }
            IReadOnlyList<string> available;
            string ort;
            try
            {
                OrtLibrary.EnsureLoaded();
                available = OrtLibrary.GetAvailableProviders();
                ort = $"{OrtLibrary.Version} ({OrtLibrary.LibraryPath})";
            }
            catch (OnnxRuntimeNotFoundException e)
            {
                available = [];
                ort = "not found: " + e.Message;
            }
            var choices = profile.ExecutionProviders.Select(p =>
            {
                var canonical = ExecutionProviderSelector.Canonical(p.Name);
                return (p.Name, Available: available.Contains(canonical), Why: available.Contains(canonical) ? "listed by this ONNX Runtime build (it is used only if its libraries and device load; else the next one)" : $"{canonical} is not in this ONNX Runtime build: skipped");
            }).ToList();
            var chosen = choices.FirstOrDefault(c => c.Available).Name ?? "CPU";
            var meter = ServingPlanFactory.CreateMeter(profile, "/", NullLogger.Instance);
            var before = meter.ReadJoules();
            meter.RecordBusy(TimeSpan.Zero);
            await Task.Delay(500, cancellationToken).ConfigureAwait(false);
            var watts = meter.ReadWatts() ?? (meter.ReadJoules() - before) / 0.5;
            var report = new DoctorReport(profile.Id, wanted is { Length: > 0 } ? "configured" : "detected", detection.Findings, ort, available,
                choices.Select(c => new ProviderChoice(c.Name, c.Available, c.Why)).ToList(), chosen,
                profile.MemoryBudgetBytes, profile.KvCacheBudgetBytes, profile.MaxConcurrentSequences, profile.Energy.RollingBudgetJPerHour,
                meter.Source, Math.Round(watts, 2), ThermalZones.HottestCelsius(), profile.Thermal.ThrottleC, profile.Thermal.PauseC);
            if (parse.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(report, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true })).ConfigureAwait(false);
                return 0;
            }
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
            var table = new Table().AddColumn("check").AddColumn("result");
            table.AddRow("profile", Markup.Escape($"{report.Profile} ({report.ProfileSource})"));
            table.AddRow("hardware", Markup.Escape(string.Join("\n", report.Findings)));
            table.AddRow("onnx runtime", Markup.Escape(report.OnnxRuntime));
            table.AddRow("providers available", Markup.Escape(string.Join(", ", report.ProvidersAvailable)));
            table.AddRow("providers wanted", Markup.Escape(string.Join("\n", report.ProvidersWanted.Select(p => $"{p.Name}: {p.Reason}"))));
            table.AddRow("provider chosen", Markup.Escape(report.ProviderChosen));
            table.AddRow("memory budget", $"{report.MemoryBudgetBytes / (1 << 20)} MiB (KV {report.KvCacheBudgetBytes / (1 << 20)} MiB, {report.MaxConcurrentSequences} sequences)");
            table.AddRow("energy", Markup.Escape($"{report.EnergyMeter} meter, {report.PowerWatts} W now; rolling budget {(report.RollingBudgetJPerHour > 0 ? $"{report.RollingBudgetJPerHour} J/h" : "off")}"));
            table.AddRow("temperature", report.TemperatureC is { } t ? $"{t:F1} °C (throttle {report.ThrottleC} °C, pause {report.PauseC} °C)" : "no thermal zones");
            console.Write(table);
            return 0;
        });
        return command;
    }

    private sealed record ProviderChoice(string Name, bool Available, string Reason);

    private sealed record DoctorReport(string Profile, string ProfileSource, IReadOnlyList<string> Findings, string OnnxRuntime,
        IReadOnlyList<string> ProvidersAvailable, IReadOnlyList<ProviderChoice> ProvidersWanted, string ProviderChosen,
        long MemoryBudgetBytes, long KvCacheBudgetBytes, int MaxConcurrentSequences, double RollingBudgetJPerHour,
        string EnergyMeter, double PowerWatts, double? TemperatureC, double ThrottleC, double PauseC);
}
