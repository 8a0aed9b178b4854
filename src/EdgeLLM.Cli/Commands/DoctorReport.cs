using System.Globalization;
using System.Text;
using System.Text.Json;
using EdgeLLM.Cli.Common;
using EdgeLLM.Runtime.Devices;
using EdgeLLM.Runtime.Energy;
using EdgeLLM.Runtime.Executors.GenAi;
using EdgeLLM.Runtime.Onnx;
using EdgeLLM.Runtime.Scheduling;
using EdgeLLM.Runtime.Thermal;

namespace EdgeLLM.Cli.Commands;

/// <summary>What <c>edgellm doctor</c> found, printable as text or JSON.</summary>
internal sealed record DoctorReport
{
    public required DeviceDetection Detection { get; init; }

    public required string ProfilesDirectory { get; init; }

    public required string? OrtVersion { get; init; }

    public required string? OrtError { get; init; }

    public required IReadOnlyList<string> AvailableProviders { get; init; }

    /// <summary>Where ONNX Runtime GenAI's library loads from; null when the <c>edgellm-genai</c> add-on is not installed.</summary>
    public required string? GenAiLocation { get; init; }

    public required ProviderPlan Plan { get; init; }

    public required string MeterSource { get; init; }

    public required bool MeterIsEstimate { get; init; }

    public required string MeterReason { get; init; }

    public required double? Watts { get; init; }

    public required IReadOnlyList<(string Name, string Type, double? Celsius, bool Watched)> Zones { get; init; }

    public required double? Celsius { get; init; }

    public required ThermalState ThermalState { get; init; }

    public required ExecutorKind Executor { get; init; }

    /// <summary>What really serves the configured model here; null when the check was skipped.</summary>
    public ServingCheck? Serving { get; set; }

    private static readonly TimeSpan MeterWindow = TimeSpan.FromMilliseconds(250);

    /// <param name="catalog">The device profiles.</param>
    /// <param name="detection">The profile in force and why.</param>
    /// <param name="executorOverride"><c>EdgeLLM:Engine:Executor</c>, over the profile's executor.</param>
    /// <param name="root">The filesystem root the host is read under.</param>
    /// <param name="cancellationToken">Stops the meter's reading.</param>
    public static async Task<DoctorReport> CollectAsync(DeviceProfileCatalog catalog, DeviceDetection detection, string? executorOverride, string root, CancellationToken cancellationToken)
    {
        var profile = detection.Profile;
        string? version = null, error = null;
        IReadOnlyList<string> available = [];
        try
        {
            OrtLibrary.EnsureLoaded();
            version = $"{OrtLibrary.Version} ({OrtLibrary.LibraryPath})";
            available = OrtLibrary.GetAvailableProviders();
        }
        catch (OnnxRuntimeNotFoundException e)
        {
            error = e.Message;
        }
        var choice = EnergyMeterFactory.Choose(profile, root);
        // Counters give power only as a difference, so take two readings a moment apart.
        choice.Meter.ReadWatts();
        await Task.Delay(MeterWindow, cancellationToken).ConfigureAwait(false);
        var watts = choice.Meter.ReadWatts();
        (choice.Meter as IDisposable)?.Dispose();
        using var thermal = new ThermalMonitor(profile.Thermal, root);
        var zones = thermal.Zones.Select(z => (z.Name, z.Type, z.ReadCelsius(), thermal.WatchedZones.Contains(z))).ToList();
        var state = thermal.Update();
        // Settings were validated and profiles name a known executor; an unknown name would mean EdgeLLM's loop.
        _ = ExecutorKinds.TryParse(executorOverride ?? profile.Executor, out var executor);
        return new DoctorReport
        {
            Detection = detection,
            ProfilesDirectory = catalog.Directory,
            OrtVersion = version,
            OrtError = error,
            AvailableProviders = available,
            GenAiLocation = GenAiLibrary.Location,
            Plan = ProviderPlan.For(profile, available),
            MeterSource = choice.Meter.Source,
            MeterIsEstimate = choice.Meter.IsEstimate,
            MeterReason = choice.Reason,
            Watts = watts,
            Zones = zones,
            Celsius = thermal.LastCelsius,
            ThermalState = state,
            Executor = executor,
        };
    }

    /// <summary>How the executor batches here, said plainly: GenAI's engine batches statically unless the model
    /// enables <c>engine.dynamic_batching</c>, whose paged attention kernel is CUDA-only.</summary>
    private string BatchingNote => Executor == ExecutorKind.GenAi
        ? "static batching: a request that arrives while a batch runs waits for the whole batch (GenAI batches continuously only with engine.dynamic_batching and its CUDA PagedAttention kernel)"
        : "continuous batching: a request joins the running batch at the next token";

    private string BatchingMode => Executor == ExecutorKind.GenAi ? "static" : "continuous";

    public void WriteText(TextWriter o)
    {
        var p = Detection.Profile;
        o.WriteLine($"Device profile: {p.Id} ({p.SourcePath ?? ProfilesDirectory})");
        o.WriteLine($"  {p.Description}");
        foreach (var finding in Detection.Findings)
        {
            o.WriteLine($"  - {finding}");
        }
        o.WriteLine(OrtError is null ? $"ONNX Runtime {OrtVersion}" : $"ONNX Runtime: not found: {OrtError}");
        o.WriteLine(GenAiLocation is { } genai
            ? $"ONNX Runtime GenAI: installed ({genai})"
            : $"ONNX Runtime GenAI: not installed (the {GenAiLibrary.AddOnPackage} add-on; without it the genai executor falls back to edgellm)");
        o.WriteLine($"Execution providers available: {(AvailableProviders.Count == 0 ? "none" : string.Join(", ", AvailableProviders))}");
        foreach (var c in Plan.Candidates)
        {
            o.WriteLine($"  {(c.Name == Plan.Chosen ? "->" : "  ")} {c.Name}: {(c.Available ? "in this build (loading can still fail and fall back)" : c.Reason)}");
        }
        o.WriteLine($"  chosen: {Plan.Chosen}{(Plan.Chosen == Plan.Candidates[0].Name ? "" : $" (fallback: {Plan.Candidates[0].Name} {Plan.Candidates[0].Reason})")}");
        o.WriteLine($"Executor: {ExecutorKinds.ToName(Executor)} ({BatchingNote})");
        Serving?.WriteText(o);
        o.WriteLine(Invariant($"Budgets: memory {Size(p.MemoryBudgetBytes)}, KV cache {Size(p.KvCacheBudgetBytes)}, {p.MaxConcurrentSequences} concurrent sequences, {p.MaxQueuedRequests} queued, threads {(p.Threads == 0 ? "auto" : p.Threads.ToString(CultureInfo.InvariantCulture))}, systemd MemoryMax={p.SystemdMemoryMax}"));
        o.WriteLine(Invariant($"Energy meter: {MeterSource}{(MeterIsEstimate ? " (estimate)" : "")}: {MeterReason}"));
        o.WriteLine(Invariant($"  power now: {(Watts is { } w ? $"{w:F2} W" : "unknown")}; rolling budget: {(p.Energy.RollingBudgetJPerHour > 0 ? $"{p.Energy.RollingBudgetJPerHour:F0} J/h{(p.Energy.ExemptHighPriority ? ", high priority exempt" : "")}" : "off")}; per-request default: {(p.Energy.PerRequestDefaultJ is { } j ? $"{j:F0} J" : "none")}"));
        var t = p.Thermal;
        o.WriteLine(Invariant($"Thermal: {ThermalState} at {(Celsius is { } now ? $"{now:F1} C" : "unknown")} (zone {t.Zone}; throttle {t.ThrottleC} C to batch {t.ThrottleBatch}, pause {t.PauseC} C, resume below {t.ResumeC} C)"));
        foreach (var z in Zones)
        {
            o.WriteLine(Invariant($"  {(z.Watched ? "*" : " ")} {z.Name} {z.Type}: {(z.Celsius is { } zc ? $"{zc:F1} C" : "unreadable")}"));
        }
        if (Zones.Count == 0)
        {
            o.WriteLine("  no thermal zones");
        }
    }

    public string ToJson()
    {
        var p = Detection.Profile;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("profile");
            w.WriteString("id", p.Id);
            w.WriteString("description", p.Description);
            w.WriteString("path", p.SourcePath);
            w.WriteStartArray("findings");
            foreach (var f in Detection.Findings)
            {
                w.WriteStringValue(f);
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteStartObject("onnxruntime");
            w.WriteString("version", OrtVersion);
            w.WriteString("error", OrtError);
            w.WriteStartArray("available_providers");
            foreach (var a in AvailableProviders)
            {
                w.WriteStringValue(a);
            }
            w.WriteEndArray();
            w.WriteStartArray("profile_providers");
            foreach (var c in Plan.Candidates)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteBoolean("available", c.Available);
                w.WriteString("reason", c.Reason);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteString("chosen", Plan.Chosen);
            w.WriteEndObject();
            w.WriteStartObject("onnxruntime_genai");
            w.WriteBoolean("installed", GenAiLocation is not null);
            w.WriteString("path", GenAiLocation);
            w.WriteString("add_on", GenAiLibrary.AddOnPackage);
            w.WriteEndObject();
            w.WriteStartObject("executor");
            w.WriteString("name", ExecutorKinds.ToName(Executor));
            w.WriteString("batching", BatchingMode);
            w.WriteString("note", BatchingNote);
            w.WriteEndObject();
            Serving?.WriteJson(w);
            w.WriteStartObject("budgets");
            w.WriteNumber("memory_bytes", p.MemoryBudgetBytes);
            w.WriteNumber("kv_cache_bytes", p.KvCacheBudgetBytes);
            w.WriteNumber("max_concurrent_sequences", p.MaxConcurrentSequences);
            w.WriteNumber("max_queued_requests", p.MaxQueuedRequests);
            w.WriteNumber("threads", p.Threads);
            w.WriteString("systemd_memory_max", p.SystemdMemoryMax);
            w.WriteEndObject();
            w.WriteStartObject("energy");
            w.WriteString("meter", MeterSource);
            w.WriteBoolean("is_estimate", MeterIsEstimate);
            w.WriteString("reason", MeterReason);
            WriteNumberOrNull(w, "watts", Watts);
            w.WriteNumber("rolling_budget_j_per_hour", p.Energy.RollingBudgetJPerHour);
            w.WriteBoolean("exempt_high_priority", p.Energy.ExemptHighPriority);
            WriteNumberOrNull(w, "per_request_default_j", p.Energy.PerRequestDefaultJ);
            w.WriteEndObject();
            w.WriteStartObject("thermal");
            w.WriteString("state", ThermalState.ToString().ToLowerInvariant());
            WriteNumberOrNull(w, "celsius", Celsius);
            w.WriteString("zone", p.Thermal.Zone);
            w.WriteNumber("throttle_c", p.Thermal.ThrottleC);
            w.WriteNumber("pause_c", p.Thermal.PauseC);
            w.WriteNumber("resume_c", p.Thermal.ResumeC);
            w.WriteStartArray("zones");
            foreach (var z in Zones)
            {
                w.WriteStartObject();
                w.WriteString("name", z.Name);
                w.WriteString("type", z.Type);
                WriteNumberOrNull(w, "celsius", z.Celsius);
                w.WriteBoolean("watched", z.Watched);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNumberOrNull(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, Math.Round(v, 3));
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string Size(long bytes) => bytes >= 1L << 30
        ? Invariant($"{bytes / (double)(1L << 30):0.##} GiB")
        : Invariant($"{bytes / (double)(1L << 20):0.##} MiB");

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
