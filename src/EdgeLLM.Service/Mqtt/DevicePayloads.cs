using System.Globalization;
using EdgeLLM.Ota.Device;
using EdgeLLM.Service.Contract;
using EdgeLLM.Service.Hosting;
using EdgeLLM.Service.Metrics;
using EdgeLLM.Serving;
using EdgeLLM.Serving.Loading;

namespace EdgeLLM.Service.Mqtt;

/// <summary>The retained <c>status</c> document and the periodic <c>telemetry</c> document of contract section 2.</summary>
public static class DevicePayloads
{
    /// <summary>The Last Will: what the broker publishes, retained, when the service vanishes.</summary>
    public static byte[] Offline() => ResponseWriter.Write(w => w.WriteString("state", "offline"));

    /// <summary>
    /// <c>{"state","model","model_version","runtime_version","execution_provider","device_profile","since","ota_group"}</c>;
    /// <c>ota_group</c> (an extension, docs/OTA.md) tells <c>fleet rollout</c> which devices a group's rollout must reach.
    /// </summary>
    public static byte[] Status(string state, LoadedModel? serving, string deviceProfile, DateTimeOffset since, string? otaGroup = null) => ResponseWriter.Write(w =>
    {
        w.WriteString("state", state);
        WriteOrNull(w, "model", serving?.Model.Identity.Id);
        WriteOrNull(w, "model_version", serving?.Model.Identity.Version);
        w.WriteString("runtime_version", OtaDeviceContext.CurrentRuntimeVersion);
        WriteOrNull(w, "execution_provider", serving?.ExecutionProvider);
        w.WriteString("device_profile", deviceProfile);
        w.WriteString("since", since.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        if (otaGroup is not null)
        {
            w.WriteString("ota_group", otaGroup);
        }
    });

    /// <summary><c>{"tokens_per_s","in_flight","queued","memory_bytes","energy_j_total","power_w","temperature_c","energy_budget_remaining_j"}</c> and a few more.</summary>
    public static byte[] Telemetry(LoadedModel? serving, IDeviceReadings device) => ResponseWriter.Write(w =>
    {
        var stats = serving?.Engine.GetStats();
        w.WriteNumber("tokens_per_s", Math.Round(stats?.TokensPerSecond ?? 0, 2));
        w.WriteNumber("in_flight", stats?.InFlight ?? 0);
        w.WriteNumber("queued", stats?.Queued ?? 0);
        w.WriteNumber("memory_bytes", ProcessMemory.ResidentBytes());
        w.WriteNumber("energy_j_total", Math.Round(device.EnergyJoulesTotal, 3));
        WriteOrNull(w, "power_w", device.PowerWatts is { } p ? Math.Round(p, 3) : null);
        WriteOrNull(w, "temperature_c", device.TemperatureCelsius is { } t ? Math.Round(t, 1) : null);
        WriteOrNull(w, "energy_budget_remaining_j", device.EnergyBudgetRemainingJoules is { } b ? Math.Round(b, 3) : null);
        w.WriteNumber("batch_size", stats?.LastBatchSize ?? 0);
        w.WriteNumber("kv_bytes_in_use", stats?.KvBytesInUse ?? 0);
        w.WriteString("thermal_state", device.ThermalState);
        w.WriteString("energy_source", device.EnergySource);
    });

    private static void WriteOrNull(System.Text.Json.Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteOrNull(System.Text.Json.Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
