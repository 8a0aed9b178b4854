using EdgeLLM.Runtime.Models;

namespace EdgeLLM.Runtime.Devices;

/// <summary>Checks a parsed profile; every message names the file and the offending field.</summary>
internal static class DeviceProfileValidator
{
    private static readonly string[] KnownProviders = ["TensorRT", "CUDA", "OpenVINO", "QNN", "XNNPACK", "CPU", "DML", "WebGPU"];

    public static void Validate(DeviceProfile p, string source)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(p.Id))
        {
            errors.Add("id is missing");
        }
        if (p.ExecutionProviders.Count == 0)
        {
            errors.Add("execution_providers is empty (list at least CPU)");
        }
        for (var i = 0; i < p.ExecutionProviders.Count; i++)
        {
            var ep = p.ExecutionProviders[i];
            if (ep is null || string.IsNullOrWhiteSpace(ep.Name))
            {
                errors.Add($"execution_providers[{i}].name is missing");
                continue;
            }
            var canonical = ExecutionProviderSelector.Canonical(ep.Name);
            if (!KnownProviders.Any(k => ExecutionProviderSelector.Canonical(k) == canonical))
            {
                errors.Add($"execution_providers[{i}].name '{ep.Name}' is not one of {string.Join(", ", KnownProviders)}");
            }
            if (ep.Options is null)
            {
                errors.Add($"execution_providers[{i}].options is missing (use {{}} for none)");
            }
        }
        Check(errors, Scheduling.ExecutorKinds.TryParse(p.Executor, out _), "executor", $"'{p.Executor}' is not one of edgellm, genai");
        Check(errors, p.Threads >= 0, "threads", "must be 0 (ONNX Runtime chooses) or more");
        Check(errors, p.MemoryBudgetBytes > 0, "memory_budget_bytes", "must be positive");
        Check(errors, p.KvCacheBudgetBytes > 0, "kv_cache_budget_bytes", "must be positive");
        Check(errors, p.KvCacheBudgetBytes <= p.MemoryBudgetBytes, "kv_cache_budget_bytes", "must not exceed memory_budget_bytes");
        Check(errors, p.MaxConcurrentSequences >= 1, "max_concurrent_sequences", "must be 1 or more");
        Check(errors, p.MaxQueuedRequests >= 0, "max_queued_requests", "must be 0 or more");
        Check(errors, p.PrefillChunkTokens is null or >= 0, "prefill_chunk_tokens", "must be 0 (prompts go in whole) or more");
        var e = p.Energy;
        Check(errors, EnergyProfile.Meters.Contains(e.Meter), "energy.meter", $"'{e.Meter}' is not one of {string.Join(", ", EnergyProfile.Meters)}");
        Check(errors, e.IdleWatts > 0, "energy.idle_watts", "must be positive");
        Check(errors, e.ActiveWatts >= e.IdleWatts, "energy.active_watts", "must be at least energy.idle_watts");
        Check(errors, e.RollingBudgetJPerHour >= 0, "energy.rolling_budget_j_per_hour", "must be 0 (off) or positive");
        Check(errors, e.PerRequestDefaultJ is null or > 0, "energy.per_request_default_j", "must be positive when given");
        var t = p.Thermal;
        Check(errors, !string.IsNullOrWhiteSpace(t.Zone), "thermal.zone", "is empty (use auto)");
        Check(errors, t.ResumeC < t.ThrottleC, "thermal.resume_c", "must be below thermal.throttle_c");
        Check(errors, t.ThrottleC <= t.PauseC, "thermal.throttle_c", "must not exceed thermal.pause_c");
        Check(errors, t.ThrottleBatch >= 1, "thermal.throttle_batch", "must be 1 or more");
        if (errors.Count > 0)
        {
            throw new DeviceProfileException($"{source}: {string.Join("; ", errors)}");
        }
    }

    private static void Check(List<string> errors, bool ok, string field, string problem)
    {
        if (!ok)
        {
            errors.Add($"{field} {problem}");
        }
    }
}
