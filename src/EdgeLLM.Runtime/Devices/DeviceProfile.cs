using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Devices;

/// <summary>
/// One device class from <c>device-configs/*.json</c> (contract section 5): execution providers in order of
/// preference, threads, memory and KV budgets, batch, energy meter and budgets, thermal limits.
/// </summary>
public sealed record DeviceProfile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public required string Id { get; init; }

    public string Description { get; init; } = "";

    public DeviceMatch Match { get; init; } = new();

    public IReadOnlyList<ProfileProvider> ExecutionProviders { get; init; } = [];

    public int Threads { get; init; }

    public long MemoryBudgetBytes { get; init; }

    public long KvCacheBudgetBytes { get; init; }

    public int MaxConcurrentSequences { get; init; } = 8;

    public int MaxQueuedRequests { get; init; } = 64;

    public EnergySettings Energy { get; init; } = new();

    public ThermalSettings Thermal { get; init; } = new();

    public string? SystemdMemoryMax { get; init; }

    /// <summary>The providers as the model loader takes them.</summary>
    public IReadOnlyList<ProviderOptions> Providers => ExecutionProviders.Select(p => new ProviderOptions(p.Name, p.Options)).ToList();

    /// <exception cref="InvalidDataException">The file is not a valid profile; the message names the file and the field.</exception>
    public static DeviceProfile Load(string path)
    {
        DeviceProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize<DeviceProfile>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a device profile: {e.Message}", e);
        }
        if (profile is null)
        {
            throw new InvalidDataException($"{path}: empty device profile");
        }
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(profile.Id))
        {
            problems.Add("id is empty");
        }
        if (profile.MemoryBudgetBytes < 0 || profile.KvCacheBudgetBytes < 0)
        {
            problems.Add("memory_budget_bytes and kv_cache_budget_bytes must not be negative");
        }
        if (profile.MaxConcurrentSequences < 1 || profile.MaxQueuedRequests < 1)
        {
            problems.Add("max_concurrent_sequences and max_queued_requests must be 1 or more");
        }
        if (profile.Energy.IdleWatts < 0 || profile.Energy.ActiveWatts < profile.Energy.IdleWatts)
        {
            problems.Add("energy.active_watts must be at least energy.idle_watts, both non-negative");
        }
        if (profile.Thermal.ResumeC > profile.Thermal.ThrottleC || profile.Thermal.ThrottleC > profile.Thermal.PauseC)
        {
            problems.Add("thermal limits must satisfy resume_c <= throttle_c <= pause_c");
        }
        if (profile.ExecutionProviders.Any(p => string.IsNullOrWhiteSpace(p.Name)))
        {
            problems.Add("execution_providers[].name is empty");
        }
        return problems.Count == 0 ? profile : throw new InvalidDataException($"{path}: {string.Join("; ", problems)}");
    }
}

/// <summary>How a profile recognises its device.</summary>
public sealed record DeviceMatch
{
    /// <summary>Substrings of <c>/proc/device-tree/model</c>.</summary>
    public IReadOnlyList<string> DeviceTreeModel { get; init; } = [];

    /// <summary>True when <c>/etc/nv_tegra_release</c> must exist (NVIDIA Jetson).</summary>
    public bool NvTegraRelease { get; init; }

    /// <summary>Accepted <c>vendor_id</c>s of <c>/proc/cpuinfo</c>.</summary>
    public IReadOnlyList<string> CpuVendor { get; init; } = [];

    /// <summary>Device nodes of which one must exist (an NPU's accel node, Hexagon's fastrpc).</summary>
    public IReadOnlyList<string> PathsAny { get; init; } = [];
}

/// <summary>An execution provider and its options.</summary>
public sealed record ProfileProvider(string Name, IReadOnlyDictionary<string, string> Options);

/// <summary>The profile's energy meter and budgets.</summary>
public sealed record EnergySettings
{
    /// <summary><c>auto</c>, <c>rapl</c>, <c>ina3221</c>, <c>pi5-pmic</c> or <c>estimate</c>.</summary>
    public string Meter { get; init; } = "auto";

    public double IdleWatts { get; init; } = 5;

    public double ActiveWatts { get; init; } = 15;

    /// <summary>Joules per hour before new requests get <c>over_budget</c>; 0 means no rolling budget.</summary>
    public double RollingBudgetJPerHour { get; init; }

    public bool ExemptHighPriority { get; init; } = true;
}

/// <summary>Thermal limits: slow down at <see cref="ThrottleC"/>, pause admission at <see cref="PauseC"/>, back to normal at <see cref="ResumeC"/>.</summary>
public sealed record ThermalSettings
{
    public string Zone { get; init; } = "auto";

    public double ThrottleC { get; init; } = 85;

    public double PauseC { get; init; } = 95;

    public double ResumeC { get; init; } = 80;

    public int ThrottleBatch { get; init; } = 2;
}
